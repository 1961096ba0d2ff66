namespace VertexAI.Module.Tests;

/// <summary>The data-file parser the manifest tests rely on.</summary>
public sealed class PowerShellDataFileTests
{
    [Fact]
    public void ParsesAManifestShapedHashtable()
    {
        const string text = """"
            # Module manifest
            @{
                RootModule = 'VertexAI.dll'   # trailing comment
                ModuleVersion = "0.1.0"
                'Quoted Key' = 'it''s'
                Count = 42; Ratio = 1.5
                Hex = 0x1F
                Negative = -3
                Enabled = $true
                Disabled = $FALSE
                Nothing = $null
                <# a block
                   comment #>
                CmdletsToExport = @(
                    'Invoke-GeminiChat'
                    'Get-GeminiStream', 'New-GeminiMessage'
                )
                Empty = @()
                Tags = 'a', 'b',
                    'c'
                PrivateData = @{ PSData = @{ ProjectUri = 'https://example.com/p' } }
                Escaped = "tab`there ""quoted"""
            }
            """";
        var data = PowerShellDataFile.ParseHashtable(text);
        Assert.Equal("VertexAI.dll", data["rootmodule"]);
        Assert.Equal("0.1.0", data["ModuleVersion"]);
        Assert.Equal("it's", data["Quoted Key"]);
        Assert.Equal(42L, data["Count"]);
        Assert.Equal(1.5, data["Ratio"]);
        Assert.Equal(31L, data["Hex"]);
        Assert.Equal(-3L, data["Negative"]);
        Assert.Equal(true, data["Enabled"]);
        Assert.Equal(false, data["Disabled"]);
        Assert.Null(data["Nothing"]);
        Assert.Equal(new object?[] { "Invoke-GeminiChat", "Get-GeminiStream", "New-GeminiMessage" }, (List<object?>)data["CmdletsToExport"]!);
        Assert.Empty((List<object?>)data["Empty"]!);
        Assert.Equal(new object?[] { "a", "b", "c" }, (List<object?>)data["Tags"]!);
        var psData = (Dictionary<string, object?>)((Dictionary<string, object?>)data["PrivateData"]!)["PSData"]!;
        Assert.Equal("https://example.com/p", psData["ProjectUri"]);
        Assert.Equal("tab\there \"quoted\"", data["Escaped"]);
        Assert.Equal(15, data.Count);
    }

    [Fact]
    public void ParsesHereStrings()
    {
        var text = "@{\n  Notes = @'\nline 1\n  'line 2'\n'@\n  Expanded = @\"\nA`tB\n\"@\n  Empty = @'\n'@\n}";
        var data = PowerShellDataFile.ParseHashtable(text);
        Assert.Equal("line 1\n  'line 2'", data["Notes"]);
        Assert.Equal("A\tB", data["Expanded"]);
        Assert.Equal(string.Empty, data["Empty"]);
    }

    [Fact]
    public void ParsesCrLfFiles()
    {
        var data = PowerShellDataFile.ParseHashtable("@{\r\n  A = 'x'\r\n  B = @(\r\n    'y'\r\n    'z'\r\n  )\r\n  C = @'\r\nhere\r\n'@\r\n}\r\n");
        Assert.Equal("x", data["A"]);
        Assert.Equal(new object?[] { "y", "z" }, (List<object?>)data["B"]!);
        Assert.Equal("here", data["C"]);
    }

    [Fact]
    public void KeepsAnArrayNestedInACommaListAndFlattensStatements()
    {
        var value = (List<object?>)PowerShellDataFile.Parse("@(@('a', 'b'), 'c')")!;
        Assert.Equal(2, value.Count);
        Assert.Equal(new object?[] { "a", "b" }, (List<object?>)value[0]!);
        Assert.Equal("c", value[1]);
    }

    [Theory]
    [InlineData("@{ A = $env:HOME }")]
    [InlineData("@{ A = \"$(Get-Date)\" }")]
    [InlineData("@{ A = Get-Date }")]
    [InlineData("@{ A = 'x' B = 'y' }")]
    [InlineData("@{ A = 'x'; A = 'y' }")]
    [InlineData("@{ A = 'unterminated }")]
    [InlineData("@{ A = 'x' ")]
    [InlineData("@{ A = 'x' } extra")]
    public void RejectsWhatADataFileCannotHold(string text)
    {
        Assert.Throws<FormatException>(() => PowerShellDataFile.Parse(text));
    }
}
