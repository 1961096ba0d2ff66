# Pester 5: the Gallery package (build.ps1 -Task Package) installs with PSResourceGet from a local file repository,
# imports by name in a fresh PowerShell and answers a prompt against the emulator. Nothing touches the user's module
# folders or repository list: the child PowerShell that installs gets its own data folder.

Describe 'The VertexAI package' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $repoRoot = Get-VertexAIRepoRoot
        $work = Join-Path ([System.IO.Path]::GetTempPath()) ('VertexAI-package-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $work | Out-Null
        $isWindowsOS = $env:OS -eq 'Windows_NT'

        function Get-ChildShell {
            # A new PowerShell of this one's edition, as build.ps1 finds it (under 'dotnet pwsh' this process is dotnet).
            if ($PSVersionTable.PSEdition -ne 'Core') { return @{ FilePath = (Join-Path $PSHOME 'powershell.exe'); Prefix = @() } }
            $runtimeConfig = Join-Path $PSHOME 'pwsh.runtimeconfig.json'
            if ((Test-Path -LiteralPath $runtimeConfig) -and ((Get-Content -LiteralPath $runtimeConfig -Raw) -cmatch '"frameworks?"\s*:')) {
                return @{ FilePath = 'dotnet'; Prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
            }
            $name = 'pwsh'
            if ($isWindowsOS) { $name = 'pwsh.exe' }
            @{ FilePath = (Join-Path $PSHOME $name); Prefix = @() }
        }

        function Invoke-ChildScript([string] $Script, [hashtable] $Environment = @{}) {
            # Runs a script in a child PowerShell with extra environment variables; returns its output lines and exit code.
            $file = Join-Path $work ('child-' + [guid]::NewGuid().ToString('N') + '.ps1')
            Set-Content -LiteralPath $file -Value $Script -Encoding UTF8
            $saved = @{}
            foreach ($key in $Environment.Keys) {
                $saved[$key] = [Environment]::GetEnvironmentVariable($key)
                [Environment]::SetEnvironmentVariable($key, $Environment[$key])
            }
            try {
                $shell = Get-ChildShell
                $arguments = @($shell.Prefix) + @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $file)
                $output = @(& $shell.FilePath @arguments 2>&1 | ForEach-Object { "$_" })
                [pscustomobject]@{ Output = $output; ExitCode = $LASTEXITCODE }
            }
            finally {
                foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
            }
        }

        # build.ps1 -Task Test packages before Pester runs and passes the path on; run alone, this file packages.
        $package = $env:VERTEXAI_PACKAGE
        if (-not $package) {
            $build = Invoke-ChildScript "& '$(Join-Path $repoRoot 'build.ps1')' -Task Package"
            if ($build.ExitCode -ne 0) { throw "build.ps1 -Task Package failed:`n$($build.Output -join "`n")" }
            $package = @(Get-ChildItem -LiteralPath (Join-Path $repoRoot 'out') -Filter 'VertexAI.*.nupkg' | Sort-Object LastWriteTime)[-1].FullName
        }
        $feed = Join-Path $work 'feed'
        New-Item -ItemType Directory -Path $feed | Out-Null
        Copy-Item -LiteralPath $package -Destination $feed
        $modules = Join-Path $work 'modules'
        $emulator = Start-VertexEmulator
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'installs with PSResourceGet from a local repository, imports by name and answers a prompt' {
        if (-not (Get-Command Install-PSResource -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'PSResourceGet is not installed in this PowerShell'
            return
        }
        # Install-PSResource installs into the user's module folder (~/.local/share/powershell/Modules) and registers
        # repositories in XDG_DATA_HOME (~/.local/share): on Linux and macOS a temporary HOME and XDG_DATA_HOME keep
        # the real ones untouched. Windows has no such switch: there Save-PSResource -Path installs the same package
        # into a chosen folder.
        $install = @'
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name VertexAITestFeed -Uri $env:VERTEXAI_TEST_FEED -Trusted
if ($env:OS -eq 'Windows_NT') {
    Save-PSResource -Name VertexAI -Repository VertexAITestFeed -Path $env:VERTEXAI_TEST_MODULES -TrustRepository -Quiet
}
else {
    Install-PSResource -Name VertexAI -Repository VertexAITestFeed -Scope CurrentUser -TrustRepository -Quiet
    $installed = Get-InstalledPSResource -Name VertexAI -Scope CurrentUser
    if (-not $installed.InstalledLocation.StartsWith($env:HOME)) { throw "Installed outside the temporary HOME: $($installed.InstalledLocation)" }
    Copy-Item -LiteralPath (Join-Path $env:HOME '.local/share/powershell/Modules') -Destination $env:VERTEXAI_TEST_MODULES -Recurse
}
Get-PSResource -Name VertexAI -Path $env:VERTEXAI_TEST_MODULES | ForEach-Object { "installed $($_.Name) $($_.Version)" }
'@
        # The folders must exist: .NET ignores a data folder that does not (PSResourceGet would then register the
        # repository under the current directory).
        $dataHome = Join-Path $work (Join-Path 'home' (Join-Path '.local' 'share'))
        New-Item -ItemType Directory -Path $dataHome -Force | Out-Null
        $environment = @{
            VERTEXAI_TEST_FEED    = $feed
            VERTEXAI_TEST_MODULES = $modules
            HOME                  = (Join-Path $work 'home')
            XDG_DATA_HOME         = $dataHome
        }
        $result = Invoke-ChildScript $install $environment
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'installed VertexAI 0.1.0'
        Test-Path -LiteralPath (Join-Path $modules 'VertexAI/0.1.0/LICENSE') | Should -BeTrue

        $ask = @'
$ErrorActionPreference = 'Stop'
Import-Module VertexAI
"from $((Get-Module VertexAI).ModuleBase)"
$token = ConvertTo-SecureString $env:VERTEXAI_TEST_TOKEN -AsPlainText -Force
(Invoke-GeminiChat 'Hi' -BaseUri $env:VERTEXAI_TEST_URL -AccessToken $token -Project test-project -Location us-central1).Content
'@
        $answer = Invoke-ChildScript $ask @{
            PSModulePath        = $modules
            VERTEXAI_TEST_URL   = $emulator.Url
            VERTEXAI_TEST_TOKEN = $emulator.Token
        }
        $answer.ExitCode | Should -Be 0 -Because ($answer.Output -join "`n")
        $answer.Output | Should -Contain "from $(Join-Path $modules (Join-Path 'VertexAI' '0.1.0'))"
        $answer.Output[-1] | Should -Be 'Echo: Hi'
    }
}
