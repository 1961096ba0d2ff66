# Pester 5: Measure-GeminiUsage against the Vertex AI emulator: completions and errors piped in, and journal files.
# The emulator counts tokens by words (tests/VertexAI.Emulator/Replies/ReplyBuilder.cs): prompt_tokens = the words of the
# messages, completion_tokens = the words of the answer ("Echo: " + the prompt), reasoning_tokens = 7 with thoughts asked
# for, total = the three added. The expected numbers below follow from those rules, counted by hand.

Describe 'Measure-GeminiUsage' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $quota = '{"error":{"code":429,"message":"Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute","status":"RESOURCE_EXHAUSTED"}}'
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    It 'adds up piped completions per model and for all, with the errors collected with -ErrorVariable counted as failures' {
        Add-EmulatorScenario -Status 429 -Body $quota -Headers @{ 'Retry-After' = '0' }
        $failed = $null
        # 'one two three': prompt 3, answer 'Echo: one two three' 4, total 7. 'alpha beta': 2, 3, 5. The first prompt meets the 429.
        $flash = @('lost prompt', 'one two three', 'alpha beta' | Invoke-GeminiChat -ThrottleLimit 1 -MaxRetries 0 -ErrorVariable failed -ErrorAction SilentlyContinue)
        # With thoughts: prompt 2, answer 3, reasoning 7, total 12.
        $pro = Invoke-GeminiChat 'x y' -Model gemini-2.5-pro -IncludeThoughts

        $summaries = @(@($flash) + @($pro) + @($failed) | Measure-GeminiUsage)
        $summaries | Should -HaveCount 3
        $summaries | ForEach-Object { $_ | Should -BeOfType ([VertexAI.UsageSummary]) }
        @($summaries.Model) | Should -Be @('google/gemini-2.5-flash', 'google/gemini-2.5-pro', '(all)')
        @($summaries.IsOverall) | Should -Be @($false, $false, $true)

        $f = $summaries[0]
        ($f.Requests, $f.Succeeded, $f.Failed) | Should -Be @(3, 2, 1)
        ($f.PromptTokens, $f.CompletionTokens, $f.ReasoningTokens, $f.CachedTokens, $f.TotalTokens) | Should -Be @(5, 7, 0, 0, 12)
        $f.Errors['Gemini.RESOURCE_EXHAUSTED'] | Should -Be 1

        $p = $summaries[1]
        ($p.Requests, $p.Failed, $p.PromptTokens, $p.CompletionTokens, $p.ReasoningTokens, $p.TotalTokens) | Should -Be @(1, 0, 2, 3, 7, 12)

        $all = $summaries[2]
        ($all.Requests, $all.Succeeded, $all.Failed) | Should -Be @(4, 3, 1)
        ($all.PromptTokens, $all.CompletionTokens, $all.ReasoningTokens, $all.TotalTokens) | Should -Be @(7, 10, 7, 24)
    }

    It 'reads cached tokens from usage.prompt_tokens_details.cached_tokens' {
        $body = '{"id":"c1","object":"chat.completion","created":1,"model":"google/gemini-2.5-flash","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],' +
            '"usage":{"prompt_tokens":1200,"completion_tokens":10,"total_tokens":1260,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":50}}}'
        Add-EmulatorScenario -Status 200 -Body $body -Count 2
        $summary = @('a', 'b' | Invoke-GeminiChat -ThrottleLimit 1 | Measure-GeminiUsage)[-1]
        ($summary.PromptTokens, $summary.CachedTokens, $summary.ReasoningTokens, $summary.TotalTokens) | Should -Be @(2400, 2048, 100, 2520)
    }

    It 'reads journal files (-Path, or piped from Get-ChildItem), each prompt once with its last outcome' {
        $journal = Join-Path $TestDrive 'usage.jsonl'
        Add-EmulatorScenario -Status 429 -Body $quota -Headers @{ 'Retry-After' = '0' }
        $null = 'first try fails', 'two words' | Invoke-GeminiChat -Journal $journal -ThrottleLimit 1 -MaxRetries 0 -ErrorAction SilentlyContinue
        $before = @(Measure-GeminiUsage -Path $journal)[-1]
        ($before.Requests, $before.Succeeded, $before.Failed) | Should -Be @(2, 1, 1)
        ($before.PromptTokens, $before.CompletionTokens, $before.TotalTokens) | Should -Be @(2, 3, 5)

        # The next run sends the failed prompt again ('first try fails': 3, 4, 7): it now counts once, as succeeded.
        $null = 'first try fails', 'two words' | Invoke-GeminiChat -Journal $journal
        Push-Location $TestDrive
        try {
            $after = @(Measure-GeminiUsage 'usage.jsonl')
        }
        finally {
            Pop-Location
        }
        @($after.Model) | Should -Be @('google/gemini-2.5-flash', '(all)')
        ($after[-1].Requests, $after[-1].Succeeded, $after[-1].Failed) | Should -Be @(2, 2, 0)
        ($after[-1].PromptTokens, $after[-1].CompletionTokens, $after[-1].TotalTokens) | Should -Be @(5, 7, 12)

        $piped = @(Get-ChildItem -LiteralPath $TestDrive -Filter 'usage.jsonl' | Measure-GeminiUsage)[-1]
        ($piped.Requests, $piped.TotalTokens) | Should -Be @(2, 12)
        Get-EmulatorRequest | Should -HaveCount 3
    }

    It 'shows a table of the counts at 120 columns' {
        $text = 'a b' | Invoke-GeminiChat | Measure-GeminiUsage | Format-Table | Out-String -Width 120
        $header = ($text -split "`r?`n" | Where-Object { $_ -match '\S' })[0]
        foreach ($column in 'Model', 'Requests', 'Failed', 'PromptTokens', 'CompletionTokens', 'ReasoningTokens', 'CachedTokens', 'TotalTokens') {
            $header | Should -Match "\b$column\b"
        }
        $text | Should -Match '(?m)^google/gemini-2\.5-flash\s+1\s+0\s+2\s+3\s+0\s+0\s+5\s*$'
        $text | Should -Match '(?m)^\(all\)\s+1\s+0\s+2\s+3\s+0\s+0\s+5\s*$'
    }

    It 'skips error records that are not failed requests and refuses other objects with an error naming their type' {
        $completion = Invoke-GeminiChat 'a b'
        $other = $null
        Write-Error 'not a request' -ErrorVariable other -ErrorAction SilentlyContinue
        $errors = $null
        $summaries = @($completion, $other[0], @{ Prompt = 'x' } | Measure-GeminiUsage -ErrorVariable errors -ErrorAction SilentlyContinue)
        ($summaries[-1].Requests, $summaries[-1].Failed) | Should -Be @(1, 0)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.UnsupportedInput,*'
        $errors[0].Exception.Message | Should -Match 'System\.Collections\.Hashtable'
    }

    It 'says what is wrong when there is nothing to measure, a journal is missing, or a run has it open' {
        $failure = { Measure-GeminiUsage } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'Gemini.NoInput,*'

        $errors = $null
        $null = Measure-GeminiUsage -Path (Join-Path $TestDrive 'missing.jsonl') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'

        $journal = Join-Path $TestDrive 'held.jsonl'
        $holder = [VertexAI.Batch.RunJournal]::Open($journal)
        try {
            $errors = $null
            $null = Measure-GeminiUsage -Path $journal -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.JournalBusy,*'
            $errors[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        }
        finally {
            $holder.Dispose()
        }
    }
}
