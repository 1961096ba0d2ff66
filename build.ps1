<#
.SYNOPSIS
    Builds, tests and packages the VertexAI module.

.DESCRIPTION
    Build    dotnet publish src/VertexAI: assembles the module folder out/VertexAI (VertexAI.psd1, VertexAI.dll,
             VertexAI.format.ps1xml, en-US/, Dependencies/).
    Test     Build, then every xUnit suite (dotnet test VertexAIPs.sln), then the Pester suite in tests/pester
             (Pester 5; installed for the current user from the PowerShell Gallery only when missing). Ends with a
             line "N passed, N failed" and fails when any test failed.
    Package  Build, then a .nupkg in out/ that the PowerShell Gallery accepts, made by publishing the module to a
             temporary local file repository (Publish-PSResource, or Publish-Module where PSResourceGet is missing).
    Clean    Removes out/ and the build outputs.

    Runs on Windows PowerShell 5.1 and PowerShell 7+. Needs the .NET SDK (dotnet) on PATH. Apart from package restore
    (and installing Pester when it is missing) it uses no network.

.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Test -Configuration Debug
.EXAMPLE
    ./build.ps1 -Task Clean, Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleDir = Join-Path $OutDir 'VertexAI'
$ModuleManifest = Join-Path $ModuleDir 'VertexAI.psd1'
$TestResultsDir = Join-Path $OutDir 'TestResults'
$script:Built = $false

function Invoke-Native {
    # Runs a native command and stops the build when it fails.
    param(
        [Parameter(Mandatory = $true)][string] $FilePath,
        [string[]] $ArgumentList = @()
    )
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor Cyan
    # Out-Host keeps the command's output off this function's output (callers assign results).
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Build {
    if ($script:Built) { return }
    Invoke-Native dotnet @('publish', (Join-Path $RepoRoot 'src/VertexAI/VertexAI.csproj'), '-c', $Configuration, '-nologo')
    if (-not (Test-Path -LiteralPath $ModuleManifest)) {
        throw "The build did not produce $ModuleManifest."
    }
    Write-Host "Module: $ModuleDir" -ForegroundColor Green
    $script:Built = $true
}

function Get-DotnetTestCounts {
    # VSTest prints one summary line per test assembly:
    #   "Passed!  - Failed: 0, Passed: 57, Skipped: 0, Total: 57, Duration: 2 s - X.Tests.dll (net10.0)"
    param([object[]] $Lines)
    $counts = @{ Passed = 0; Failed = 0; Skipped = 0; Assemblies = 0 }
    foreach ($line in $Lines) {
        if ("$line" -match '(Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)') {
            $counts.Failed += [int] $Matches[2]
            $counts.Passed += [int] $Matches[3]
            $counts.Skipped += [int] $Matches[4]
            $counts.Assemblies++
        }
    }
    $counts
}

function Install-PesterIfMissing {
    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version] '5.0.0' -and $_.Version -lt [version] '6.0.0' } |
        Sort-Object Version -Descending | Select-Object -First 1
    if ($pester) {
        Write-Host "Pester $($pester.Version) found."
        return
    }
    Write-Host 'Pester 5 is not installed: installing it for the current user from the PowerShell Gallery.' -ForegroundColor Yellow
    if (Get-Command Install-PSResource -ErrorAction SilentlyContinue) {
        Install-PSResource -Name Pester -Version '[5.0.0,6.0.0)' -Scope CurrentUser -Repository PSGallery -TrustRepository -Quiet
    }
    else {
        # Windows PowerShell ships Pester 3 signed by another publisher, hence -SkipPublisherCheck.
        Install-Module -Name Pester -MinimumVersion 5.0.0 -MaximumVersion 5.99.99 -Scope CurrentUser -Repository PSGallery -Force -SkipPublisherCheck -AllowClobber
    }
}

function Invoke-PesterSuite {
    # Runs Pester in a child process (so the module is imported there, not in this session, and its files stay
    # replaceable), and returns its counts.
    $testPath = Join-Path $RepoRoot 'tests/pester'
    $tests = @(Get-ChildItem -LiteralPath $testPath -Filter '*.Tests.ps1' -Recurse -File -ErrorAction SilentlyContinue)
    if ($tests.Count -eq 0) {
        Write-Host "No Pester tests in $testPath." -ForegroundColor Yellow
        return @{ Passed = 0; Failed = 0; Skipped = 0 }
    }
    Install-PesterIfMissing

    $countsPath = Join-Path $TestResultsDir 'pester-counts.json'
    $runner = Join-Path $TestResultsDir 'run-pester.ps1'
    Set-Content -LiteralPath $runner -Encoding UTF8 -Value @'
param([string] $TestPath, [string] $ResultPath, [string] $CountsPath)
$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.0.0 -MaximumVersion 5.99.99
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount } | ConvertTo-Json | Set-Content -LiteralPath $CountsPath -Encoding UTF8
'@
    if (Test-Path -LiteralPath $countsPath) { Remove-Item -LiteralPath $countsPath -Force }

    $shell = (Get-Process -Id $PID).Path
    Write-Host "> $shell -File $runner (Pester, $($tests.Count) file(s))" -ForegroundColor Cyan
    & $shell -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $runner -TestPath $testPath -ResultPath (Join-Path $TestResultsDir 'pester.xml') -CountsPath $countsPath | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path -LiteralPath $countsPath)) {
        Write-Host "Pester did not finish (exit code $exitCode)." -ForegroundColor Red
        return @{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts = Get-Content -LiteralPath $countsPath -Raw | ConvertFrom-Json
    @{ Passed = [int] $counts.Passed; Failed = [int] $counts.Failed; Skipped = [int] $counts.Skipped }
}

function Invoke-Test {
    Invoke-Build
    if (Test-Path -LiteralPath $TestResultsDir) { Remove-Item -LiteralPath $TestResultsDir -Recurse -Force }
    New-Item -ItemType Directory -Path $TestResultsDir -Force | Out-Null

    # The module tests read the module just built instead of publishing their own copy; Pester reads the manifest.
    $env:VERTEXAI_MODULE_DIR = $ModuleDir
    $env:VERTEXAI_MODULE_MANIFEST = $ModuleManifest

    # xUnit: a failing test must not stop the run before Pester, so the exit code is read rather than thrown.
    $dotnetArgs = @('test', (Join-Path $RepoRoot 'VertexAIPs.sln'), '-c', $Configuration, '-nologo')
    Write-Host "> dotnet $($dotnetArgs -join ' ')" -ForegroundColor Cyan
    $testOutput = @()
    & dotnet @dotnetArgs | Tee-Object -Variable testOutput | Out-Host
    $dotnetExit = $LASTEXITCODE
    $xunit = Get-DotnetTestCounts -Lines $testOutput
    if ($dotnetExit -ne 0 -and $xunit.Failed -eq 0) {
        # The build or the test runner failed before the tests could report.
        Write-Host "dotnet test failed (exit code $dotnetExit) without reporting a failed test." -ForegroundColor Red
        $xunit.Failed = 1
    }
    Write-Host "xUnit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped ($($xunit.Assemblies) test assemblies)."

    $pester = Invoke-PesterSuite
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped."

    @{
        Passed = $xunit.Passed + $pester.Passed
        Failed = $xunit.Failed + $pester.Failed
        Skipped = $xunit.Skipped + $pester.Skipped
    }
}

function Invoke-Package {
    Invoke-Build
    $repoPath = Join-Path ([System.IO.Path]::GetTempPath()) ('VertexAI-repo-' + [guid]::NewGuid().ToString('N'))
    $repoName = 'VertexAI-local-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    New-Item -ItemType Directory -Path $repoPath -Force | Out-Null
    $usePSResourceGet = [bool] (Get-Command Publish-PSResource -ErrorAction SilentlyContinue)
    try {
        if ($usePSResourceGet) {
            Write-Host "Publishing with PSResourceGet to the temporary repository $repoName ($repoPath)."
            Register-PSResourceRepository -Name $repoName -Uri $repoPath -Trusted
            Publish-PSResource -Path $ModuleDir -Repository $repoName
        }
        else {
            Write-Host "Publishing with PowerShellGet to the temporary repository $repoName ($repoPath)."
            Register-PSRepository -Name $repoName -SourceLocation $repoPath -PublishLocation $repoPath -InstallationPolicy Trusted
            Publish-Module -Path $ModuleDir -Repository $repoName
        }
        $package = @(Get-ChildItem -LiteralPath $repoPath -Filter '*.nupkg' -File)
        if ($package.Count -ne 1) {
            throw "Expected one .nupkg in $repoPath, found $($package.Count)."
        }
        $destination = Join-Path $OutDir $package[0].Name
        Copy-Item -LiteralPath $package[0].FullName -Destination $destination -Force
        Write-Host "Package: $destination" -ForegroundColor Green
    }
    finally {
        if ($usePSResourceGet) {
            if (Get-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue) {
                Unregister-PSResourceRepository -Name $repoName
            }
        }
        elseif (Get-PSRepository -Name $repoName -ErrorAction SilentlyContinue) {
            Unregister-PSRepository -Name $repoName
        }
        Remove-Item -LiteralPath $repoPath -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-Clean {
    Invoke-Native dotnet @('clean', (Join-Path $RepoRoot 'VertexAIPs.sln'), '-c', $Configuration, '-nologo', '-v', 'quiet')
    if (Test-Path -LiteralPath $OutDir) {
        Remove-Item -LiteralPath $OutDir -Recurse -Force
    }
    Write-Host "Removed $OutDir."
    $script:Built = $false
}

$summary = $null
Push-Location $RepoRoot
try {
    foreach ($name in $Task) {
        switch ($name) {
            'Clean' { Invoke-Clean }
            'Build' { Invoke-Build }
            'Test' { $summary = Invoke-Test }
            'Package' { Invoke-Package }
        }
    }
}
finally {
    Pop-Location
}

if ($null -ne $summary) {
    if ($summary.Failed -gt 0) {
        Write-Host "$($summary.Failed) test(s) failed." -ForegroundColor Red
    }
    # The closing line, last of all: "N passed, N failed, N skipped".
    Write-Output "$($summary.Passed) passed, $($summary.Failed) failed, $($summary.Skipped) skipped"
    if ($summary.Failed -gt 0) {
        exit 1
    }
}
