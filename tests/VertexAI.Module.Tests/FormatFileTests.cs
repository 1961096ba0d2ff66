using System.Reflection;
using System.Xml.Linq;

namespace VertexAI.Module.Tests;

/// <summary>VertexAI.format.ps1xml: well-formed, views for the objects users see, and only names that exist.</summary>
[Collection(ModuleCollection.Name)]
public sealed class FormatFileTests(ModuleFixture module)
{
    private XDocument Load() => XDocument.Load(Path.Combine(module.ModuleDir, "VertexAI.format.ps1xml"));

    private IEnumerable<XElement> Views() => Load().Root!.Element("ViewDefinitions")?.Elements("View") ?? [];

    [Fact]
    public void IsAFormatConfiguration()
    {
        var root = Load().Root!;
        Assert.Equal("Configuration", root.Name.LocalName);
        Assert.Equal(XNamespace.None, root.Name.Namespace);
        Assert.NotEmpty(Views());
    }

    [Theory]
    [InlineData("VertexAI.ChatCompletion")]
    [InlineData("VertexAI.ChatCompletionChunk")]
    public void HasAViewFor(string typeName)
    {
        Assert.Contains(Views(), v => v.Element("ViewSelectedBy")?.Elements("TypeName").Any(t => t.Value.Trim() == typeName) == true);
    }

    [Fact]
    public void EveryViewHasANameATypeAndOneControl()
    {
        Assert.All(Views(), v =>
        {
            Assert.False(string.IsNullOrWhiteSpace(v.Element("Name")?.Value), "Every view needs a Name.");
            Assert.NotEmpty(v.Element("ViewSelectedBy")?.Elements("TypeName") ?? []);
            Assert.Single(v.Elements(), e => e.Name.LocalName is "TableControl" or "ListControl" or "WideControl" or "CustomControl");
        });
    }

    [Fact]
    public void ViewNamesAreUnique()
    {
        var names = Views().Select(v => v.Element("Name")?.Value.Trim()).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void EveryTypeNameExistsInTheCoreAssembly()
    {
        Assert.NotNull(module.CoreAssembly);
        var typeNames = Load().Descendants("TypeName").Select(t => t.Value.Trim()).Distinct().ToList();
        Assert.NotEmpty(typeNames);
        // "Type#Variant" (e.g. VertexAI.ChatCompletion#Streamed) is a PSTypeName the cmdlets add to an object of Type.
        Assert.All(typeNames, name => Assert.True(module.CoreAssembly!.GetType(name.Split('#')[0]) is not null, $"The format file names {name}, which VertexAI.Core does not define."));
    }

    [Fact]
    public void EveryPropertyNameExistsOnTheViewsType()
    {
        Assert.NotNull(module.CoreAssembly);
        Assert.All(Views(), v =>
        {
            var types = v.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => module.CoreAssembly!.GetType(t.Value.Trim().Split('#')[0])).OfType<Type>().ToList();
            foreach (var property in v.Descendants("PropertyName").Select(p => p.Value.Trim()))
            {
                Assert.All(types, t => Assert.True(t.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is not null,
                    $"View {v.Element("Name")?.Value} shows {property}, which {t.FullName} does not have."));
            }
        });
    }
}
