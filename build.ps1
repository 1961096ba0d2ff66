<#
.SYNOPSIS
    Builds, tests and packages the VertexAI module, or opens a session to try it.

.DESCRIPTION
    Build    dotnet publish src/VertexAI: assembles the module folder out/VertexAI (VertexAI.psd1, VertexAI.dll, VertexAI.Requirements.dll,
             VertexAI.format.ps1xml, LICENSE, en-US/, Dependencies/).
    Test     Build and Package, then every xUnit suite (dotnet test VertexAIPs.sln, counted from its TRX files), a
             check that no Pester block repeats BeforeAll/AfterAll/BeforeEach/AfterEach, then the Pester suite in
             tests/pester in a child PowerShell (Pester 5.9.1 restored from NuGet by tests/tools/Pester.proj, counted
             from its JUnit XML). A test file that fails to run, and finding no tests, count as failures. Ends with
             the line "N passed, N failed, N skipped" and exit code 1 when anything failed.
    Package  Build, then a .nupkg in out/ that the PowerShell Gallery accepts, made by publishing the module to a
             temporary local file repository (Publish-PSResource, or Publish-Module where PSResourceGet is missing).
    Shell    Build, then import the module into this session. Without GOOGLE_CLOUD_PROJECT and Application Default
             Credentials it starts the Vertex AI emulator (tests/VertexAI.Emulator) for the session and makes it the
             default of every *-Gemini* cmdlet; the emulator stops when the session ends. Run it with -NoExit:
                 dotnet tool restore && dotnet pwsh -NoExit -File build.ps1 -Task Shell
    Clean    Removes out/ and the build outputs.

    Runs on Windows PowerShell 5.1 and PowerShell 7+. Needs the .NET SDK (dotnet) on PATH. Apart from package restore
    from NuGet it uses no network.

.EXAMPLE
    ./build.ps1
.EXAMPLE
    dotnet tool restore && dotnet pwsh -File build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Clean, Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Shell', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

# Everything below runs in a child scope: 'pwsh -NoExit -File build.ps1' runs the script in the global scope, and the
# interactive session that follows (-Task Shell) must not inherit its strict mode, error preference or functions.
& {
    $ErrorActionPreference = 'Stop'
    Set-StrictMode -Version 3.0

    $RepoRoot = $PSScriptRoot
    $OutDir = Join-Path $RepoRoot 'out'
    $ModuleDir = Join-Path $OutDir 'VertexAI'
    $ModuleManifest = Join-Path $ModuleDir 'VertexAI.psd1'
    $TestResultsDir = Join-Path $OutDir 'TestResults'
    # Kept in a hashtable of this scope, not in $script: (the global scope under -NoExit -File). Shell prints one line
    # of its own, so the build's output shows only when something fails.
    $state = @{ Built = $false; Quiet = ($Task -contains 'Shell') }

    function Test-Windows {
        # $IsWindows does not exist in Windows PowerShell 5.1 (which only runs on Windows).
        $env:OS -eq 'Windows_NT'
    }

    function Invoke-Native {
        # Runs a native command and stops the build when it fails.
        param(
            [Parameter(Mandatory = $true)][string] $FilePath,
            [string[]] $ArgumentList = @()
        )
        if ($state.Quiet) {
            # 'Continue': Windows PowerShell turns redirected stderr lines into errors, which 'Stop' would throw.
            $ErrorActionPreference = 'Continue'
            $output = & $FilePath @ArgumentList 2>&1 | Out-String
            if ($LASTEXITCODE -ne 0) {
                throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE`:`n$output"
            }
            return
        }
        Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor Cyan
        # Out-Host keeps the command's output off this function's output (callers assign results).
        & $FilePath @ArgumentList | Out-Host
        if ($LASTEXITCODE -ne 0) {
            throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
        }
    }

    function Invoke-Build {
        if ($state.Built) { return }
        Invoke-Native dotnet @('publish', (Join-Path $RepoRoot 'src/VertexAI/VertexAI.csproj'), '-c', $Configuration, '-nologo')
        if (-not (Test-Path -LiteralPath $ModuleManifest)) {
            throw "The build did not produce $ModuleManifest."
        }
        if (-not $state.Quiet) { Write-Host "Module: $ModuleDir" -ForegroundColor Green }
        $state.Built = $true
    }

    function Get-ChildShell {
        # A new PowerShell of this one's edition, found from $PSHOME, not from this process's path: under
        # 'dotnet pwsh' (the .NET tool) that path is dotnet itself.
        if ($PSVersionTable.PSEdition -ne 'Core') {
            return @{ FilePath = (Join-Path $PSHOME 'powershell.exe'); Prefix = @() }
        }
        $runtimeConfig = Join-Path $PSHOME 'pwsh.runtimeconfig.json'
        if ((Test-Path -LiteralPath $runtimeConfig) -and ((Get-Content -LiteralPath $runtimeConfig -Raw) -cmatch '"frameworks?"\s*:')) {
            # Framework-dependent (the .NET tool): started the way 'dotnet tool run' starts it, since its apphost
            # may lack the execute bit or find no runtime without DOTNET_ROOT.
            return @{ FilePath = 'dotnet'; Prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
        }
        $name = 'pwsh'
        if (Test-Windows) { $name = 'pwsh.exe' }
        $exe = Join-Path $PSHOME $name
        if (-not (Test-Path -LiteralPath $exe)) { throw "No $name in `$PSHOME ($PSHOME)." }
        @{ FilePath = $exe; Prefix = @() }
    }

    function Invoke-XUnitSuite {
        # Every xUnit suite; counts come from the TRX file each test project writes.
        $trxDir = Join-Path $TestResultsDir 'xunit'
        $projects = @(Get-ChildItem -Path (Join-Path $RepoRoot 'tests') -Filter '*.Tests.csproj' -Recurse -File)
        $dotnetArgs = @('test', (Join-Path $RepoRoot 'VertexAIPs.sln'), '-c', $Configuration, '-nologo', '--logger', 'trx', '--results-directory', $trxDir)
        Write-Host "> dotnet $($dotnetArgs -join ' ')" -ForegroundColor Cyan
        # A failing test must not stop the run before Pester, so the exit code is read rather than thrown.
        & dotnet @dotnetArgs | Out-Host
        $dotnetExit = $LASTEXITCODE

        $counts = @{ Passed = 0; Failed = 0; Skipped = 0 }
        $trxFiles = @(Get-ChildItem -LiteralPath $trxDir -Filter '*.trx' -File -ErrorAction SilentlyContinue)
        foreach ($trx in $trxFiles) {
            $counters = ([xml] (Get-Content -LiteralPath $trx.FullName -Raw)).GetElementsByTagName('Counters') | Select-Object -First 1
            if ($null -eq $counters) {
                Write-Host "$($trx.Name) has no counters: counted as 1 failure." -ForegroundColor Red
                $counts.Failed++
                continue
            }
            $counts.Passed += [int] $counters.passed
            $counts.Failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
            $counts.Skipped += [int] $counters.notExecuted
        }
        if ($trxFiles.Count -lt $projects.Count) {
            # A test project that did not build or whose runner crashed writes no TRX file.
            $missing = $projects.Count - $trxFiles.Count
            Write-Host "$($projects.Count) test projects but $($trxFiles.Count) TRX files (dotnet test exit code $dotnetExit): $missing counted as failures." -ForegroundColor Red
            $counts.Failed += $missing
        }
        elseif ($dotnetExit -ne 0 -and $counts.Failed -eq 0) {
            Write-Host "dotnet test failed (exit code $dotnetExit) without reporting a failed test: counted as 1 failure." -ForegroundColor Red
            $counts.Failed = 1
        }
        if ($counts.Passed + $counts.Failed + $counts.Skipped -eq 0) {
            Write-Host 'dotnet test found no tests: counted as 1 failure.' -ForegroundColor Red
            $counts.Failed = 1
        }
        $counts
    }

    function Invoke-PesterSuite {
        # Runs tests/tools/Invoke-PesterSuite.ps1 (it restores Pester 5.9.1 from NuGet) in a child process, so the module
        # is imported there, not in this session, and its files stay replaceable; counts from its JUnit XML.
        $testPath = Join-Path $RepoRoot 'tests/pester'
        $tests = @(Get-ChildItem -LiteralPath $testPath -Filter '*.Tests.ps1' -Recurse -File -ErrorAction SilentlyContinue)
        $counts = @{ Passed = 0; Failed = 0; Skipped = 0 }
        if ($tests.Count -eq 0) {
            Write-Host "No Pester tests in $testPath`: counted as 1 failure." -ForegroundColor Red
            $counts.Failed = 1
            return $counts
        }

        # Pester 5 silently keeps only the last of two BeforeAll (etc.) in one block; such a file is a failure.
        $problems = @(& (Join-Path $RepoRoot 'tests/tools/Test-PesterSetupBlocks.ps1') -Path @($tests | ForEach-Object { $_.FullName }))
        foreach ($problem in $problems) {
            Write-Host "[-] $($problem.Message)" -ForegroundColor Red
        }
        $counts.Failed += $problems.Count

        $resultPath = Join-Path $TestResultsDir 'pester.junit.xml'
        $runner = Join-Path $RepoRoot 'tests/tools/Invoke-PesterSuite.ps1'
        $shell = Get-ChildShell
        $shellArgs = @($shell.Prefix) + @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $runner,
            '-TestPath', $testPath, '-ResultPath', $resultPath)
        Write-Host "> $($shell.FilePath) $($shellArgs -join ' ') (Pester, $($tests.Count) files)" -ForegroundColor Cyan
        & $shell.FilePath @shellArgs | Out-Host
        $exitCode = $LASTEXITCODE

        if (-not (Test-Path -LiteralPath $resultPath)) {
            Write-Host "Pester wrote no results (exit code $exitCode): counted as 1 failure." -ForegroundColor Red
            $counts.Failed++
            return $counts
        }
        $suites = ([xml] (Get-Content -LiteralPath $resultPath -Raw)).DocumentElement
        foreach ($case in @($suites.GetElementsByTagName('testcase'))) {
            switch ($case.GetAttribute('status')) {
                'Passed' { $counts.Passed++ }
                'Failed' { $counts.Failed++ }
                default { $counts.Skipped++ }
            }
        }
        $errors = [int] $suites.GetAttribute('errors')
        if ($errors -gt 0) {
            Write-Host "Pester: $errors test files or blocks failed to run (listed above as 'Container failed' / 'BeforeAll \ AfterAll failed'): counted as failures." -ForegroundColor Red
            $counts.Failed += $errors
        }
        if ($counts.Passed + $counts.Failed + $counts.Skipped -eq 0) {
            Write-Host 'Pester found no tests: counted as 1 failure.' -ForegroundColor Red
            $counts.Failed = 1
        }
        $counts
    }

    function Invoke-Test {
        Invoke-Build
        if (Test-Path -LiteralPath $TestResultsDir) { Remove-Item -LiteralPath $TestResultsDir -Recurse -Force }
        New-Item -ItemType Directory -Path $TestResultsDir -Force | Out-Null

        # The module tests read the module just built instead of publishing their own copy; Pester reads the
        # manifest, and tests/pester/Package.Tests.ps1 the package.
        $env:VERTEXAI_MODULE_DIR = $ModuleDir
        $env:VERTEXAI_MODULE_MANIFEST = $ModuleManifest
        $packageFailed = 0
        try {
            $env:VERTEXAI_PACKAGE = Invoke-Package
        }
        catch {
            Write-Host "Package failed: $_ (counted as 1 failure)." -ForegroundColor Red
            $env:VERTEXAI_PACKAGE = $null
            $packageFailed = 1
        }

        $xunit = Invoke-XUnitSuite
        Write-Host "xUnit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped."
        $pester = Invoke-PesterSuite
        Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped."

        @{
            Passed = $xunit.Passed + $pester.Passed
            Failed = $xunit.Failed + $pester.Failed + $packageFailed
            Skipped = $xunit.Skipped + $pester.Skipped
        }
    }

    function Invoke-Package {
        # Returns the path of the .nupkg.
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
                # Windows PowerShell 5.1 without PSResourceGet (not tested here: no Windows in CI).
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
            $destination
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

    function Get-GoogleCloudCredentialFile {
        # The ADC file Google.Apis.Auth would use: GOOGLE_APPLICATION_CREDENTIALS, else gcloud's
        # 'application-default login' file. $null when there is none.
        $candidates = @()
        if ($env:GOOGLE_APPLICATION_CREDENTIALS) { $candidates += $env:GOOGLE_APPLICATION_CREDENTIALS }
        if ($env:CLOUDSDK_CONFIG) {
            $candidates += Join-Path $env:CLOUDSDK_CONFIG 'application_default_credentials.json'
        }
        elseif ((Test-Windows) -and $env:APPDATA) {
            $candidates += Join-Path $env:APPDATA 'gcloud\application_default_credentials.json'
        }
        elseif ($HOME) {
            $candidates += Join-Path $HOME '.config/gcloud/application_default_credentials.json'
        }
        foreach ($candidate in $candidates) {
            if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
        }
        $null
    }

    function Start-ShellEmulator {
        # The emulator as one process (the built dll, not 'dotnet run', which would leave a child behind) that ends
        # with this session: --parent-pid stops it when this process ends, however it ends.
        $project = Join-Path $RepoRoot 'tests/VertexAI.Emulator/VertexAI.Emulator.csproj'
        $ErrorActionPreference = 'Continue'
        $dll = (& dotnet build $project -c Release -nologo -v quiet '-getProperty:TargetPath' 2>&1 | Out-String).Trim()
        $ErrorActionPreference = 'Stop'
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $dll)) { throw "Building the emulator failed:`n$dll" }

        $psi = New-Object System.Diagnostics.ProcessStartInfo
        $psi.FileName = 'dotnet'
        $psi.Arguments = "`"$dll`" --port 0 --parent-pid $PID"
        $psi.WorkingDirectory = $RepoRoot
        $psi.UseShellExecute = $false
        # Its own streams, so that it never writes into or reads from the session's terminal; no console window on
        # Windows, so that Ctrl+C at the prompt does not reach it.
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.CreateNoWindow = $true
        $process = [System.Diagnostics.Process]::Start($psi)
        try {
            $url = $null
            $token = $null
            $seen = @()
            while ($null -eq $token) {
                $read = $process.StandardOutput.ReadLineAsync()
                if (-not $read.Wait([TimeSpan]::FromSeconds(60))) { throw "The emulator printed no URL and token in 60 s:`n$($seen -join "`n")" }
                $line = $read.Result
                if ($null -eq $line) { throw "The emulator ended before printing its URL and token:`n$($seen -join "`n")`n$($process.StandardError.ReadToEnd())" }
                if ($line.StartsWith('VERTEX_EMULATOR_URL=')) { $url = $line.Substring('VERTEX_EMULATOR_URL='.Length).Trim() }
                elseif ($line.StartsWith('VERTEX_EMULATOR_TOKEN=')) { $token = $line.Substring('VERTEX_EMULATOR_TOKEN='.Length).Trim() }
                else { $seen += $line }
            }
        }
        catch {
            try { $process.Kill() } catch { }
            throw
        }
        # Drain what it writes later, so that a full pipe never blocks it.
        $null = $process.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)
        $null = $process.StandardError.BaseStream.CopyToAsync([System.IO.Stream]::Null)
        @{ Process = $process; Url = $url; Token = $token }
    }

    function Invoke-Shell {
        Invoke-Build
        Import-Module $ModuleManifest -Global -Force
        $version = (Get-Module VertexAI).Version
        $credentialFile = Get-GoogleCloudCredentialFile
        if ($env:GOOGLE_CLOUD_PROJECT -and $credentialFile) {
            $location = 'the module default location'
            if ($env:GOOGLE_CLOUD_LOCATION) { $location = $env:GOOGLE_CLOUD_LOCATION }
            Write-Host "VertexAI $version imported: Vertex AI, project $env:GOOGLE_CLOUD_PROJECT ($location), Application Default Credentials from $credentialFile. Try: Invoke-GeminiChat 'Hi'" -ForegroundColor Green
            return
        }

        $emulator = Start-ShellEmulator
        # The session's Gemini context (not $PSDefaultParameterValues): the token stays out of sight, and parameters a
        # person gives still win.
        Set-GeminiContext -BaseUri ([uri] $emulator.Url) -AccessToken (ConvertTo-SecureString $emulator.Token -AsPlainText -Force) -Project 'emulator-project' -Location 'us-central1'
        # 'exit' ends the emulator at once; --parent-pid covers a session that is killed or closed.
        $null = Register-EngineEvent -SourceIdentifier PowerShell.Exiting -MessageData $emulator.Process -Action {
            $emulatorProcess = $Event.MessageData
            if (-not $emulatorProcess.HasExited) { try { $emulatorProcess.Kill() } catch { } }
        }
        $why = 'no GOOGLE_CLOUD_PROJECT'
        if ($env:GOOGLE_CLOUD_PROJECT) { $why = 'no Application Default Credentials' }
        Write-Host "VertexAI $version imported; $why, so this session uses the local Vertex AI emulator at $($emulator.Url) (Set-GeminiContext points the Gemini cmdlets at it, see Get-GeminiContext; it stops when you exit). Try: Invoke-GeminiChat 'Hi'" -ForegroundColor Green
    }

    function Invoke-Clean {
        Invoke-Native dotnet @('clean', (Join-Path $RepoRoot 'VertexAIPs.sln'), '-c', $Configuration, '-nologo', '-v', 'quiet')
        if (Test-Path -LiteralPath $OutDir) {
            Remove-Item -LiteralPath $OutDir -Recurse -Force
        }
        Write-Host "Removed $OutDir."
        $state.Built = $false
    }

    $summary = $null
    Push-Location $RepoRoot
    try {
        foreach ($name in $Task) {
            switch ($name) {
                'Clean' { Invoke-Clean }
                'Build' { Invoke-Build }
                'Test' { $summary = Invoke-Test }
                'Package' { $null = Invoke-Package }
                'Shell' { Invoke-Shell }
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
}

if ($Task -contains 'Shell') {
    # Under -NoExit -File the parameters are variables of the interactive session that follows; it has no use for them.
    Remove-Variable -Name Task, Configuration -Scope Script -ErrorAction SilentlyContinue
}
