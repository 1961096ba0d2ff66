<#
.SYNOPSIS
    Runs the Pester suite (or some of its files) with the Pester 5 that tests/tools/Pester.proj restores from NuGet.
.DESCRIPTION
    build.ps1 -Task Test runs it in a child PowerShell and counts from the JUnit XML it writes. To run a few files
    yourself (after 'dotnet publish src/VertexAI -c Release'):

        dotnet pwsh tests/tools/Invoke-PesterSuite.ps1 -TestPath tests/pester/Invoke-GeminiChat.Tests.ps1

    Without -PesterManifest, Pester is restored first and found in the NuGet package folder the restore used.
.EXAMPLE
    ./tests/tools/Invoke-PesterSuite.ps1 -TestPath ./tests/pester/Context.Tests.ps1 -Verbosity Normal
#>
param(
    [string[]] $TestPath = @((Join-Path (Split-Path -Parent $PSScriptRoot) 'pester')),
    [string] $ResultPath,
    [string] $PesterManifest,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Verbosity = 'Detailed'
)
$ErrorActionPreference = 'Stop'

if (-not $PesterManifest) {
    # The version tests/tools/Pester.proj downloads, in the package folder its restore used (project.assets.json names
    # it, whatever NUGET_PACKAGES or nuget.config say).
    $project = Join-Path $PSScriptRoot 'Pester.proj'
    & dotnet restore $project -nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet restore $project failed ($LASTEXITCODE)." }
    $version = ([xml] (Get-Content -LiteralPath $project -Raw)).SelectSingleNode('//PackageDownload[@Include="Pester"]').GetAttribute('Version').Trim('[', ']', ' ')
    $assets = Get-Content -LiteralPath (Join-Path $PSScriptRoot 'obj/project.assets.json') -Raw | ConvertFrom-Json
    foreach ($folder in @($assets.packageFolders.PSObject.Properties | ForEach-Object { $_.Name })) {
        $candidate = Join-Path $folder (Join-Path 'pester' (Join-Path $version (Join-Path 'tools' 'Pester.psd1')))
        if (Test-Path -LiteralPath $candidate) { $PesterManifest = $candidate; break }
    }
    if (-not $PesterManifest) { throw "Pester $version is not in the NuGet package folders after 'dotnet restore $project'." }
}

Import-Module $PesterManifest -Force
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Output.Verbosity = $Verbosity
if ($ResultPath) {
    $config.TestResult.Enabled = $true
    # JUnit: its top-level 'errors' counts the files and blocks that failed to run (NUnit XML leaves some out).
    $config.TestResult.OutputFormat = 'JUnitXml'
    $config.TestResult.OutputPath = $ResultPath
}
Invoke-Pester -Configuration $config
