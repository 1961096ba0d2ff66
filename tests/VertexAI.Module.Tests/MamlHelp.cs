using System.Xml.Linq;

namespace VertexAI.Module.Tests;

/// <summary>Reads a MAML help file (PowerShell's *-Help.xml) with the namespaces PowerShell's own help files use.</summary>
public sealed class MamlHelp
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private MamlHelp(XDocument document)
    {
        Document = document;
    }

    public XDocument Document { get; }

    public IEnumerable<XElement> Commands => Document.Root!.Elements(Command + "command");

    public static MamlHelp Load(string path) => new(XDocument.Load(path, LoadOptions.PreserveWhitespace));

    public static string CommandName(XElement command) =>
        command.Element(Command + "details")?.Element(Command + "name")?.Value.Trim() ?? string.Empty;

    public XElement? Find(string cmdlet) => Commands.SingleOrDefault(c => CommandName(c) == cmdlet);

    /// <summary>The text of the maml:para children of a description, joined.</summary>
    public static string Paras(XElement? description) =>
        description is null
            ? string.Empty
            : string.Join("\n", description.Elements(Maml + "para").Select(p => p.Value.Trim()).Where(t => t.Length > 0));

    public static string Synopsis(XElement command) => Paras(command.Element(Command + "details")?.Element(Maml + "description"));

    public static string Description(XElement command) => Paras(command.Element(Maml + "description"));

    public static IReadOnlyList<XElement> Examples(XElement command) =>
        command.Element(Command + "examples")?.Elements(Command + "example").ToList() ?? [];

    public static IReadOnlyList<XElement> ParameterSection(XElement command) =>
        command.Element(Command + "parameters")?.Elements(Command + "parameter").ToList() ?? [];

    public static IReadOnlyList<XElement> SyntaxItems(XElement command) =>
        command.Element(Command + "syntax")?.Elements(Command + "syntaxItem").ToList() ?? [];

    public static string Name(XElement element) => element.Element(Maml + "name")?.Value.Trim() ?? string.Empty;

    public static IReadOnlyList<string> Aliases(XElement parameter)
    {
        var raw = (string?)parameter.Attribute("aliases") ?? "none";
        return raw.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
            ? []
            : raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static string TypeName(XElement parameter) =>
        parameter.Element(Dev + "type")?.Element(Maml + "name")?.Value.Trim() ?? string.Empty;

    /// <summary>"True (ByValue)", "True (ByPropertyName)", "True (ByValue, ByPropertyName)" or "False", as PowerShell prints it.</summary>
    public static string PipelineInput(bool byValue, bool byPropertyName) => (byValue, byPropertyName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };
}
