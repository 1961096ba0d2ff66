# Pester 5: a batch of Invoke-GeminiChat against a per-second quota (issue 12, part 2): the workers share what 429s
# say (one window, one wait), against the emulator's token bucket. Run from the repository root: Invoke-Pester ./tests/pester

Describe 'Invoke-GeminiChat under a quota that pushes back' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults

        function Invoke-QuotaBatch([string[]] $Prompts, [int] $ThrottleLimit) {
            # Output, errors and verbose records of one batch, apart.
            $errors = $null
            $merged = @(& { $Prompts | Invoke-GeminiChat -ThrottleLimit $ThrottleLimit -Verbose -ErrorVariable +errors -ErrorAction SilentlyContinue } *>&1)
            [pscustomobject]@{
                Results = @($merged | Where-Object { $_.PSObject.Properties['Content'] -and $_ -isnot [System.Management.Automation.ErrorRecord] })
                Errors  = @($errors | Where-Object { $null -ne $_ })
                Verbose = @($merged | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            }
        }
    }

    AfterAll {
        Clear-EmulatorQuota -Emulator $emulator
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
        Clear-EmulatorQuota
        Reset-EmulatorStats
    }

    It 'loses nothing, keeps input order and -ThrottleLimit, and says once per change why the window shrank (<Case>)' -ForEach @(
        @{ Case = 'no Retry-After'; RetryAfter = $false; Why = 'backoff' }
        @{ Case = 'Retry-After'; RetryAfter = $true; Why = 'Retry-After' }
    ) {
        # 20 requests/s with a burst of 5, each answered after 20 ms: 8 in flight would ask for 400/s.
        Set-EmulatorQuota -RatePerSecond 20 -Burst 5 -LatencyMs 20 -RetryAfter:$RetryAfter
        $prompts = 1..50 | ForEach-Object { "quota prompt $_" }

        $run = Invoke-QuotaBatch $prompts 8

        $run.Errors | Should -HaveCount 0
        $run.Results | Should -HaveCount 50
        for ($i = 0; $i -lt 50; $i++) {
            $run.Results[$i].Input | Should -Be $prompts[$i]
            $run.Results[$i].Content | Should -Be "Echo: $($prompts[$i])"
        }
        $quota = Get-EmulatorQuota
        $quota.throttled | Should -BeGreaterThan 0 -Because 'the quota must have pushed back, or this proves nothing'
        $quota.admitted | Should -Be 50
        (Get-EmulatorStats).maxChatInFlight | Should -BeLessOrEqual 8

        $shrank = @($run.Verbose | Where-Object { $_ -match '^429 RESOURCE_EXHAUSTED: in flight \d+ → \d+' })
        $shrank.Count | Should -BeGreaterThan 0
        $shrank.Count | Should -BeLessOrEqual $quota.throttled
        $shrank | ForEach-Object { $_ | Should -Match "; all workers wait [\d.]+ s \($Why\)\.$" }
        @($run.Verbose | Where-Object { $_ -like 'Batch finished: 50 done, 0 failed,*' }) | Should -HaveCount 1
    }

    It 'never has more than -ThrottleLimit requests in flight, however fast answers succeed' {
        # A quota far above what the batch asks for, and slow answers: only the limit bounds the batch.
        Set-EmulatorQuota -RatePerSecond 10000 -LatencyMs 150
        $prompts = 1..40 | ForEach-Object { "fast $_" }

        $run = Invoke-QuotaBatch $prompts 6

        $run.Errors | Should -HaveCount 0
        @($run.Results.Input) | Should -Be $prompts
        $stats = Get-EmulatorStats
        $stats.maxChatInFlight | Should -BeLessOrEqual 6
        $stats.maxChatInFlight | Should -BeGreaterThan 1 -Because 'the batch runs requests concurrently'
        (Get-EmulatorQuota).throttled | Should -Be 0
        @($run.Verbose | Where-Object { $_ -match '^429' }) | Should -HaveCount 0
    }

    It 'a single prompt retries a 429 as before: its own wait, counted against -MaxRetries' {
        Add-EmulatorScenario -Status 429 -Body (Get-RateLimitBody) -Headers @{ 'Retry-After' = '0' } -Count 2
        $errors = $null
        Invoke-GeminiChat 'alone' -MaxRetries 1 -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors | Should -HaveCount 1
        $errors[0].Exception.HttpStatus | Should -Be 429
        $errors[0].Exception.Attempts | Should -Be 2
        @(Get-EmulatorRequest) | Should -HaveCount 2
    }
}
