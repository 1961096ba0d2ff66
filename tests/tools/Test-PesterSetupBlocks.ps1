<#
.SYNOPSIS
    Finds Pester files where one block has more than one BeforeAll, AfterAll, BeforeEach or AfterEach.

.DESCRIPTION
    Pester 5 keeps only the last of two such blocks in the same Describe, Context or file, silently: the set-up in the
    first never runs and every test fails with a misleading error. This reads each file with the PowerShell parser
    (nothing is run) and writes one object per problem: File, Line (the lines of the repeated blocks), Message. A file
    that does not parse is a problem too. No output means every file is fine.

    Used by build.ps1 -Task Test before Pester runs (each problem counts as a failed test), and tested by
    tests/pester/PesterSetupBlocks.Tests.ps1. Runs on Windows PowerShell 5.1 and PowerShell 7.

.EXAMPLE
    ./tests/tools/Test-PesterSetupBlocks.ps1 -Path (Get-ChildItem tests/pester -Filter *.Tests.ps1 -Recurse).FullName
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string[]] $Path
)

Set-StrictMode -Version 3.0

$setupNames = @('BeforeAll', 'AfterAll', 'BeforeEach', 'AfterEach')
$blockNames = @('Describe', 'Context')

function Get-CommandShortName([System.Management.Automation.Language.CommandAst] $Command) {
    # 'Pester\Describe' is the same command as 'Describe'.
    $name = $Command.GetCommandName()
    if ($null -eq $name) { return $null }
    $name.Substring($name.LastIndexOf('\') + 1)
}

foreach ($file in $Path) {
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref] $tokens, [ref] $errors)
    if ($errors -and $errors.Count -gt 0) {
        $first = $errors[0]
        [pscustomobject]@{
            File    = $file
            Line    = @($first.Extent.StartLineNumber)
            Message = "${file}:$($first.Extent.StartLineNumber): does not parse: $($first.Message)"
        }
        continue
    }

    $setups = $ast.FindAll({
            param($node)
            $node -is [System.Management.Automation.Language.CommandAst] -and
            $setupNames -contains (Get-CommandShortName $node)
        }, $true)

    # The block a set-up belongs to: the nearest Describe/Context whose script block holds it, else the file.
    $groups = @{}
    foreach ($setup in $setups) {
        $owner = 'the file (top level)'
        $ownerOffset = -1
        $node = $setup.Parent
        while ($null -ne $node) {
            if ($node -is [System.Management.Automation.Language.CommandAst] -and
                $blockNames -contains (Get-CommandShortName $node)) {
                $owner = "$(Get-CommandShortName $node) at line $($node.Extent.StartLineNumber)"
                $ownerOffset = $node.Extent.StartOffset
                break
            }
            $node = $node.Parent
        }
        $key = "$ownerOffset|$owner|$(Get-CommandShortName $setup)"
        if (-not $groups.ContainsKey($key)) { $groups[$key] = New-Object System.Collections.Generic.List[int] }
        $groups[$key].Add($setup.Extent.StartLineNumber)
    }

    foreach ($key in @($groups.Keys | Sort-Object { [int] $_.Split('|')[0] })) {
        $lines = $groups[$key]
        if ($lines.Count -lt 2) { continue }
        $null, $owner, $kind = $key.Split('|')
        [pscustomobject]@{
            File    = $file
            Line    = @($lines)
            Message = "${file}: $($lines.Count) $kind blocks in $owner (lines $($lines -join ', ')); Pester 5 runs only the last one. Merge them into one."
        }
    }
}
