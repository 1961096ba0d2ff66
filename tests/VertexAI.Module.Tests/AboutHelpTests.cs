namespace VertexAI.Module.Tests;

/// <summary>en-US/about_VertexAI.help.txt: the standard sections of an about topic, in order, at terminal width.</summary>
public sealed class AboutHelpTests
{
    private static readonly string[] Sections = ["TOPIC", "SHORT DESCRIPTION", "LONG DESCRIPTION", "EXAMPLES", "SEE ALSO"];
    private readonly string[] _lines = File.ReadAllLines(RepoPaths.AboutHelp);

    [Fact]
    public void HasTheStandardSectionsInOrder()
    {
        var positions = Sections.Select(s => Array.IndexOf(_lines, s)).ToArray();
        Assert.All(Sections.Zip(positions), p => Assert.True(p.Second >= 0, $"No '{p.First}' heading (a line of its own, unindented)."));
        Assert.Equal(positions.Order(), positions);
        Assert.Equal("TOPIC", _lines[0]);
        Assert.Equal("about_VertexAI", _lines[1].Trim());
    }

    [Fact]
    public void EverySectionHasIndentedContent()
    {
        foreach (var section in Sections)
        {
            var start = Array.IndexOf(_lines, section);
            var body = _lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || char.IsWhiteSpace(l[0])).Where(l => l.Trim().Length > 0).ToList();
            Assert.True(body.Count > 0, $"Section {section} is empty.");
        }
    }

    [Fact]
    public void LinesFitAnEightyColumnTerminal()
    {
        var longLines = _lines.Select((l, i) => (l, i)).Where(x => x.l.Length > 80).Select(x => x.i + 1).ToList();
        Assert.True(longLines.Count == 0, $"Lines longer than 80 characters: {string.Join(", ", longLines)}.");
    }

    [Fact]
    public void IsPlainAsciiWithoutTabs()
    {
        var text = File.ReadAllText(RepoPaths.AboutHelp);
        Assert.DoesNotContain('\t', text);
        Assert.All(text, c => Assert.True(c < 128, $"Non-ASCII character U+{(int)c:X4}."));
    }

    [Theory]
    [InlineData("Invoke-GeminiChat")]
    [InlineData("Get-GeminiStream")]
    [InlineData("New-GeminiMessage")]
    [InlineData("New-GeminiTool")]
    [InlineData("Application Default Credentials")]
    [InlineData("GOOGLE_CLOUD_PROJECT")]
    [InlineData("GOOGLE_CLOUD_LOCATION")]
    [InlineData("$PSDefaultParameterValues")]
    [InlineData("extra_body")]
    [InlineData("extra_content")]
    [InlineData("Retry-After")]
    [InlineData("LimitsExceeded")]
    [InlineData("loopback")]
    public void Mentions(string subject)
    {
        Assert.Contains(subject, File.ReadAllText(RepoPaths.AboutHelp), StringComparison.Ordinal);
    }
}
