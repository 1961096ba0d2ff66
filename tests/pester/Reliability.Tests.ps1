# Pester 5: batches, retries, timeouts and proxies of the chat cmdlets, against the Vertex AI emulator.
# Run from the repository root: Invoke-Pester ./tests/pester

Describe 'Reliability of the chat cmdlets' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults

        function Get-BatchProgress([scriptblock] $Script) {
            # A PowerShell of its own (same process, new runspace), so that its progress stream can be read.
            $common = @{ BaseUri = $emulator.BaseUri; AccessToken = $emulator.Token; Project = 'test-project'; Location = 'us-central1' }
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param($manifest) Import-Module $manifest').AddArgument((Get-VertexAIModuleManifest)).AddStatement()
                $null = $ps.AddScript($Script.ToString()).AddArgument($common)
                $null = $ps.Invoke()
                $ps.HadErrors | Should -BeFalse
                @($ps.Streams.Progress | Where-Object ActivityId -eq 0x6E6D)
            }
            finally {
                $ps.Dispose()
            }
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'Batches' {
        It 'sends piped prompts concurrently and writes the answers in input order, each tagged with its input' {
            $prompts = 1..12 | ForEach-Object { "prompt number $_" }
            $results = @($prompts | Invoke-GeminiChat -ThrottleLimit 4)
            $results | Should -HaveCount 12
            for ($i = 0; $i -lt 12; $i++) {
                $results[$i].Input | Should -Be $prompts[$i]
                $results[$i].Content | Should -Be "Echo: $($prompts[$i])"
            }
            @(Get-EmulatorRequest) | Should -HaveCount 12
        }

        It 'takes an array of prompts on the command line, one request each' {
            $results = @(Invoke-GeminiChat -Prompt 'alpha', 'beta', 'gamma')
            @($results.Content) | Should -Be @('Echo: alpha', 'Echo: beta', 'Echo: gamma')
            @($results.Input) | Should -Be @('alpha', 'beta', 'gamma')
        }

        It 'reports a failed prompt as a non-terminating error naming it, and goes on with the rest' {
            # Strictly sequential, so the two scripted failures meet the first two prompts.
            Add-EmulatorScenario -Status 400 -Body '{"error":{"code":400,"message":"bad prompt","status":"INVALID_ARGUMENT"}}' -Count 2
            $errors = $null
            $results = @('first', 'second', 'third', 'fourth' | Invoke-GeminiChat -ThrottleLimit 1 -ErrorVariable errors -ErrorAction SilentlyContinue)
            @($results.Input) | Should -Be @('third', 'fourth')
            $errors | Should -HaveCount 2
            $errors[0].TargetObject | Should -Be 'first'
            $errors[1].TargetObject | Should -Be 'second'
            "$($errors[0].ErrorDetails.Message)" | Should -BeLike "Input 'first':*bad prompt*"
            $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        }

        It 'shows progress with done, failed and rate' {
            # Progress goes to the host, not to any pipe (*>&1 cannot catch it): run in a PowerShell of its own and read its stream.
            $progress = Get-BatchProgress -Script { param($c) 'a', 'b', 'c' | Invoke-GeminiChat @c -ThrottleLimit 2 }
            $progress.Count | Should -BeGreaterThan 0
            @($progress | Where-Object RecordType -ne 'Completed')[-1].StatusDescription | Should -Match '^3 done, 0 failed, [\d.]+/s$'
            $progress[-1].RecordType | Should -Be 'Completed'
        }

        It 'shows a percentage when the prompts came as an array' {
            $progress = Get-BatchProgress -Script { param($c) Invoke-GeminiChat @c -Prompt 'a', 'b', 'c', 'd' -ThrottleLimit 2 }
            $last = @($progress | Where-Object RecordType -ne 'Completed')[-1]
            $last.StatusDescription | Should -BeLike '4 of 4 done, 0 failed,*'
            $last.PercentComplete | Should -Be 100
        }

        It 'rejects a throttle limit of <Value>' -ForEach @(@{ Value = 0 }, @{ Value = 65 }) {
            { Invoke-GeminiChat 'x' -ThrottleLimit $Value } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        }
    }

    Context 'Retries and timeouts' {
        It 'does not retry with -MaxRetries 0' {
            Add-EmulatorScenario -Status 503 -Body '{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}'
            $errors = $null
            Invoke-GeminiChat 'x' -MaxRetries 0 -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].Exception.HttpStatus | Should -Be 503
            @(Get-EmulatorRequest) | Should -HaveCount 1
        }

        It 'retries 503 and a dropped connection, saying so with -Verbose, then answers' {
            Add-EmulatorScenario -Status 503 -Body '{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}'
            Add-EmulatorScenario -Status 200 -Drop
            $merged = @(& { Invoke-GeminiChat 'persist' -MaxRetries 2 -Verbose } *>&1)
            @($merged | Where-Object { $_.PSObject.Properties['Content'] }).Content | Should -Be 'Echo: persist'
            $verbose = @($merged | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
            $verbose | Should -Match 'Retry 1 of 2 in [\d.]+ s after HTTP 503'
            $verbose | Should -Match 'Retry 2 of 2 in [\d.]+ s'
            @(Get-EmulatorRequest) | Should -HaveCount 3
        }

        It 'gives up on an attempt after -TimeoutSec' {
            Add-EmulatorScenario -Status 200 -DelayMs 3000
            $errors = $null
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Invoke-GeminiChat 'slow' -TimeoutSec 1 -MaxRetries 0 -ErrorVariable errors -ErrorAction SilentlyContinue
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2.8
            $errors | Should -HaveCount 1
            "$($errors[0].Exception.Message)" | Should -BeLike '*No answer from Vertex AI*within 1 s*'
            "$($errors[0])" | Should -BeLike '*-TimeoutSec*'
            "$($errors[0])" | Should -Not -BeLike '*Could not reach*'
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.Timeout*'
        }

        It 'streams with retries before the first chunk only' {
            Add-EmulatorScenario -Status 503 -Body '{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}'
            $text = (Get-GeminiStream 'stream after retry' -TextOnly -MaxRetries 1) -join ''
            $text | Should -Be 'Echo: stream after retry'
            @(Get-EmulatorRequest) | Should -HaveCount 2
        }
    }

    Context 'Proxies' {
        It 'refuses a proxy that is not http or https before any request' {
            { Invoke-GeminiChat 'x' -Proxy 'ftp://127.0.0.1:21/' } | Should -Throw -ErrorId 'Gemini.InvalidSettings*'
            @(Get-EmulatorRequest) | Should -HaveCount 0
        }
    }
}
