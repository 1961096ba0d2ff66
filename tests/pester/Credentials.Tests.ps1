# Pester 5: Application Default Credentials in a real PowerShell session against the Vertex AI emulator
# (tests/VertexAI.Emulator). A failed lookup must not be remembered: once the user sets GOOGLE_APPLICATION_CREDENTIALS
# or runs 'gcloud auth application-default login', the next call in the same session works.
# Each case runs in a child PowerShell whose environment is set up here (ProcessStartInfo), so nothing leaks into
# this session and the emulator's URL never appears on a command line.
# Run from the repository root: Invoke-Pester ./tests/pester/Credentials.Tests.ps1

Describe 'Application Default Credentials' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $emulator = Start-VertexEmulator
        $manifest = Get-VertexAIModuleManifest # publishes the module when it is missing

        # The child: a failing call without -AccessToken, the caller's fix (an environment variable, or a file written
        # where gcloud writes it), then two calls that must work. Written for PowerShell 7 and Windows PowerShell 5.1.
        $childScript = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:VERTEXAI_TEST_MANIFEST
$common = @{ BaseUri = $env:VERTEXAI_TEST_BASEURI; Project = 'test-project'; Location = 'us-central1' }
$failure = $null
try { Invoke-GeminiChat 'Before' @common | Out-Null }
catch {
    $failure = [pscustomobject]@{
        Id       = $_.FullyQualifiedErrorId
        Category = [string]$_.CategoryInfo.Category
        Message  = $_.Exception.Message
        Action   = $_.ErrorDetails.RecommendedAction
    }
}
if ($env:VERTEXAI_TEST_FIX_VARIABLE) { $env:GOOGLE_APPLICATION_CREDENTIALS = $env:VERTEXAI_TEST_FIX_VARIABLE }
if ($env:VERTEXAI_TEST_FIX_FILE) {
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $env:VERTEXAI_TEST_FIX_FILE) | Out-Null
    Copy-Item -LiteralPath $env:VERTEXAI_TEST_KEY -Destination $env:VERTEXAI_TEST_FIX_FILE
}
$after = Invoke-GeminiChat 'After' @common
$again = Invoke-GeminiChat 'Again' @common
[pscustomobject]@{ Failure = $failure; After = $after.Content; Again = $again.Content } | ConvertTo-Json -Depth 3 -Compress
'@

        function Invoke-CredentialChild {
            <# Runs the child script with -Environment added to (or, for $null values, removed from) this one's. #>
            param([hashtable] $Environment)
            $script = Join-Path $TestDrive ('child-' + [guid]::NewGuid().ToString('N') + '.ps1')
            Set-Content -LiteralPath $script -Encoding UTF8 -Value $childScript
            $exe = (Get-Process -Id $PID).Path
            $arguments = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`""
            if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
                $arguments = "`"$(Join-Path $PSHOME 'pwsh.dll')`" " + $arguments
            }
            $psi = New-Object System.Diagnostics.ProcessStartInfo
            $psi.FileName = $exe
            $psi.Arguments = $arguments
            $psi.UseShellExecute = $false
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            foreach ($name in $Environment.Keys) {
                if ($null -eq $Environment[$name]) { $psi.EnvironmentVariables.Remove($name) }
                else { $psi.EnvironmentVariables[$name] = [string]$Environment[$name] }
            }
            $process = [System.Diagnostics.Process]::Start($psi)
            $stderr = $process.StandardError.ReadToEndAsync()
            $stdout = $process.StandardOutput.ReadToEnd()
            if (-not $process.WaitForExit(120000)) { $process.Kill(); throw 'The child PowerShell did not finish in 2 minutes.' }
            [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout; Errors = $stderr.Result }
        }

        function New-EmptyProfile {
            <#
            The child's environment: HOME and APPDATA in an empty folder (no gcloud login of the developer's), no
            CLOUDSDK_CONFIG, and a metadata host that refuses at once, so nothing reaches a real metadata server.
            #>
            $home_ = Join-Path $TestDrive ('home-' + [guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory -Path $home_ | Out-Null
            @{
                HOME                           = $home_
                USERPROFILE                    = $home_
                APPDATA                        = Join-Path $home_ 'AppData'
                CLOUDSDK_CONFIG                = $null
                GOOGLE_APPLICATION_CREDENTIALS = $null
                GOOGLE_CLOUD_QUOTA_PROJECT     = $null
                GCE_METADATA_HOST              = '127.0.0.1:1'
                VERTEXAI_TEST_MANIFEST         = $manifest
                VERTEXAI_TEST_BASEURI          = $emulator.Url
                VERTEXAI_TEST_FIX_VARIABLE     = $null
                VERTEXAI_TEST_FIX_FILE         = $null
            }
        }

        function Assert-FixedInSession {
            # The failure, then two successful calls with one token from the emulator's /token, never its default token.
            param($Run, [string] $ExpectedMessage)
            $Run.ExitCode | Should -Be 0 -Because ($Run.Output + $Run.Errors)
            $result = $Run.Output | ConvertFrom-Json
            $result.Failure | Should -Not -BeNullOrEmpty
            $result.Failure.Id | Should -BeLike 'Gemini.Credentials*'
            $result.Failure.Category | Should -Be 'AuthenticationError'
            $result.Failure.Message | Should -BeLike $ExpectedMessage
            $result.Failure.Action | Should -BeLike "*gcloud auth application-default login*"
            $result.After | Should -Be 'Echo: After'
            $result.Again | Should -Be 'Echo: Again'

            $requests = @(Get-EmulatorRequest -All)
            @($requests | Where-Object kind -eq 'token').Count | Should -Be 1
            $bearers = @($requests | Where-Object kind -eq 'chat' | ForEach-Object { $_.headers.Authorization })
            $bearers.Count | Should -Be 2
            @($bearers | Select-Object -Unique).Count | Should -Be 1
            $bearers[0] | Should -Not -Be "Bearer $($emulator.Token)"
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    It 'fails while GOOGLE_APPLICATION_CREDENTIALS names a missing file, and works in the same session once it names a key' {
        $environment = New-EmptyProfile
        $missing = Join-Path $environment.HOME 'missing-key.json'
        $environment.GOOGLE_APPLICATION_CREDENTIALS = $missing
        $environment.VERTEXAI_TEST_FIX_VARIABLE = New-EmulatorServiceAccountKey -Path (Join-Path $TestDrive 'variable-key.json')

        $run = Invoke-CredentialChild -Environment $environment

        Assert-FixedInSession -Run $run -ExpectedMessage "*GOOGLE_APPLICATION_CREDENTIALS names '$missing', which does not exist*"
    }

    It 'fails with nothing set up, and works in the same session once gcloud''s well-known file is written' {
        $environment = New-EmptyProfile
        # Where 'gcloud auth application-default login' writes it on this platform.
        $gcloud = if ($env:OS -eq 'Windows_NT') { Join-Path $environment.APPDATA 'gcloud' } else { Join-Path $environment.HOME (Join-Path '.config' 'gcloud') }
        $environment.VERTEXAI_TEST_FIX_FILE = Join-Path $gcloud 'application_default_credentials.json'
        $environment.VERTEXAI_TEST_KEY = New-EmulatorServiceAccountKey -Path (Join-Path $TestDrive 'gcloud-key.json')

        $run = Invoke-CredentialChild -Environment $environment

        Assert-FixedInSession -Run $run -ExpectedMessage '*Your default credentials were not found*'
    }
}
