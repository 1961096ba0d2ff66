<#
.SYNOPSIS
    Makes every command of the MAML help link every other command of the file and about_VertexAI.
.DESCRIPTION
    HelpCoverageTests require each cmdlet's relatedLinks to name all the others. When a branch adds a cmdlet, run this
    instead of editing every other command by hand; after a merge that conflicts in relatedLinks, take either side and
    run it again. Links already present (and their order) are kept; missing ones are appended.
.EXAMPLE
    dotnet pwsh tests/tools/Update-HelpLinks.ps1
#>
[CmdletBinding()]
param([string] $Path = (Join-Path $PSScriptRoot '../../en-US/VertexAI.dll-Help.xml'))

$Path = (Resolve-Path $Path).Path
$xml = [xml]::new()
$xml.PreserveWhitespace = $true
$xml.Load($Path)
$ns = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
$ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
$ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
$mamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$commands = $xml.SelectNodes('//command:command', $ns)
$names = @($commands | ForEach-Object { $_.SelectSingleNode('command:details/command:name', $ns).InnerText.Trim() })
foreach ($command in $commands) {
    $name = $command.SelectSingleNode('command:details/command:name', $ns).InnerText.Trim()
    $links = $command.SelectSingleNode('command:relatedLinks', $ns)
    if (-not $links) { throw "$name has no command:relatedLinks element." }
    $have = @($links.SelectNodes('maml:navigationLink/maml:linkText', $ns) | ForEach-Object { $_.InnerText.Trim() })
    $want = @($names | Where-Object { $_ -ne $name -and $_ -notin $have })
    if ('about_VertexAI' -notin $have) { $want += 'about_VertexAI' }
    foreach ($link in $want) {
        $nav = $xml.CreateElement('maml', 'navigationLink', $mamlNs)
        $text = $xml.CreateElement('maml', 'linkText', $mamlNs)
        $text.InnerText = $link
        $uri = $xml.CreateElement('maml', 'uri', $mamlNs)
        $nav.AppendChild($xml.CreateWhitespace("`n        ")) | Out-Null
        $nav.AppendChild($text) | Out-Null
        $nav.AppendChild($xml.CreateWhitespace("`n        ")) | Out-Null
        $nav.AppendChild($uri) | Out-Null
        $nav.AppendChild($xml.CreateWhitespace("`n      ")) | Out-Null
        # Before the whitespace that precedes </command:relatedLinks>.
        $last = $links.LastChild
        if ($last -is [System.Xml.XmlWhitespace]) {
            $links.InsertBefore($xml.CreateWhitespace("`n      "), $last) | Out-Null
            $links.InsertBefore($nav, $last) | Out-Null
        } else {
            $links.AppendChild($xml.CreateWhitespace("`n      ")) | Out-Null
            $links.AppendChild($nav) | Out-Null
        }
    }
    if ($want) { Write-Verbose "$name`: added $($want -join ', ')" }
}
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$writer = [System.Xml.XmlWriter]::Create($Path, $settings)
try { $xml.Save($writer) } finally { $writer.Dispose() }
"$($names.Count) commands: relatedLinks complete."
