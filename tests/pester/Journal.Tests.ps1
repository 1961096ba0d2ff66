# Pester 5: resumable runs (Invoke-GeminiChat -Journal) against the Vertex AI emulator, including a run killed with
# SIGKILL again and again and resumed each time.
# Run from the repository root: dotnet pwsh tests/tools/Invoke-PesterSuite.ps1 -TestPath tests/pester/Journal.Tests.ps1

Describe 'Invoke-GeminiChat -Journal' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults

        # The prompts the emulator received, in arrival order (the last user message of each chat request).
        function Get-SentPrompt {
            @(Get-EmulatorRequest | ForEach-Object { $_.BodyJson.messages[-1].content })
        }

        # A journal's records as a reader outside the module sees them: complete lines only (a last line without its
        # newline is a write the process did not finish), the header left out.
        function Read-JournalRecord([string] $Path) {
            $text = [IO.File]::ReadAllText($Path)
            $lines = $text -split "`n"
            if ($lines.Count -lt 2) { return @() }
            # The element after the last newline is empty, or the torn remains of a killed write.
            $complete = $lines[0..($lines.Count - 2)]
            @($complete | Select-Object -Skip 1 | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json })
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
        Set-EmulatorReplyDelay -Milliseconds 0
    }

    Context 'Resuming' {
        It 'sends only the prompts a previous run did not finish and writes all answers in input order, each tagged with its input' {
            $journal = Join-Path $TestDrive 'resume.jsonl'
            $first = @('alpha', 'beta' | Invoke-GeminiChat -Journal $journal)
            @($first.Input) | Should -Be @('alpha', 'beta')
            Clear-EmulatorRequest

            $all = @('alpha', 'gamma', 'beta', 'delta' | Invoke-GeminiChat -Journal $journal -ThrottleLimit 2)
            @($all.Input) | Should -Be @('alpha', 'gamma', 'beta', 'delta')
            @($all.Content) | Should -Be @('Echo: alpha', 'Echo: gamma', 'Echo: beta', 'Echo: delta')
            Get-SentPrompt | Sort-Object | Should -Be @('delta', 'gamma')
            # A stored answer is the same completion as the one written online, with its conversation.
            $all[0] | Should -BeOfType ([VertexAI.ChatCompletion])
            $all[0].Id | Should -Be $first[0].Id
            $all[2].Usage.TotalTokens | Should -Be $first[1].Usage.TotalTokens
            $all[0].Conversation.Count | Should -Be 2
            $all[0].Conversation[0].Content | Should -Be 'alpha'

            # A third run sends nothing at all.
            Clear-EmulatorRequest
            $again = @('alpha', 'gamma', 'beta', 'delta' | Invoke-GeminiChat -Journal $journal)
            @($again.Content) | Should -Be @('Echo: alpha', 'Echo: gamma', 'Echo: beta', 'Echo: delta')
            Get-SentPrompt | Should -HaveCount 0
        }

        It 'writes each record to disk before the answer reaches the pipeline' -Skip:($IsWindows -or $PSVersionTable.PSEdition -ne 'Core') {
            # The journal is locked while the run holds it; cat reads it as another program would (no lock asked for).
            $journal = Join-Path $TestDrive 'before.jsonl'
            $seen = @('one', 'two', 'three' | Invoke-GeminiChat -Journal $journal -ThrottleLimit 1 | ForEach-Object {
                    $text = (& /bin/cat $journal) -join "`n"
                    [pscustomobject]@{ Input = $_.Input; Journaled = $text.Contains('"input":"' + $_.Input + '"') }
                })
            @($seen.Input) | Should -Be @('one', 'two', 'three')
            @($seen.Journaled) | Should -Be @($true, $true, $true)
        }

        It 'keys a request by everything that is sent: another model or setting is another request' {
            $journal = Join-Path $TestDrive 'settings.jsonl'
            $null = Invoke-GeminiChat 'same words' -Journal $journal
            $null = Invoke-GeminiChat 'same words' -Journal $journal -Temperature 0.3
            $null = Invoke-GeminiChat 'same words' -Journal $journal -Model 'gemini-2.5-pro'
            $null = Invoke-GeminiChat 'same words' -Journal $journal
            Get-SentPrompt | Should -HaveCount 3
            @(Get-EmulatorRequest)[1].BodyJson.temperature | Should -Be 0.3
        }

        It 'treats the same prompt twice as two inputs, each answered once and replayed once' {
            $journal = Join-Path $TestDrive 'twice.jsonl'
            @('echo', 'echo' | Invoke-GeminiChat -Journal $journal) | Should -HaveCount 2
            Get-SentPrompt | Should -HaveCount 2
            Clear-EmulatorRequest
            $results = @('echo', 'echo', 'echo' | Invoke-GeminiChat -Journal $journal)
            @($results.Input) | Should -Be @('echo', 'echo', 'echo')
            Get-SentPrompt | Should -Be @('echo')
        }

        It 'resolves the journal path as PowerShell does (the current location, a PSDrive)' {
            Push-Location $TestDrive
            try {
                $null = Invoke-GeminiChat 'relative' -Journal 'relative.jsonl'
            }
            finally {
                Pop-Location
            }
            Test-Path (Join-Path $TestDrive 'relative.jsonl') | Should -BeTrue
            Clear-EmulatorRequest
            (Invoke-GeminiChat 'relative' -Journal 'TestDrive:\relative.jsonl').Content | Should -Be 'Echo: relative'
            Get-SentPrompt | Should -HaveCount 0
        }

        It 'saves the media of a stored completion again with -OutDirectory (-Force overwrites the earlier run''s files)' {
            $journal = Join-Path $TestDrive 'media.jsonl'
            $dir = Join-Path $TestDrive 'media'
            $first = Invoke-GeminiChat 'Draw a dog.' -Modalities image -OutDirectory $dir -Journal $journal
            $file = Join-Path $dir ($first.Id + '.png')
            $bytes = [IO.File]::ReadAllBytes($file)
            Remove-Item -LiteralPath $file
            Clear-EmulatorRequest

            # The run was killed after journaling the answer but before saving it: the rerun saves it, sending nothing.
            $again = Invoke-GeminiChat 'Draw a dog.' -Modalities image -OutDirectory $dir -Journal $journal
            Get-SentPrompt | Should -HaveCount 0
            @($again.SavedFiles) | Should -Be @($file)
            [IO.File]::ReadAllBytes($file) | Should -Be $bytes

            # Saved already: without -Force the file is kept (an error says so), with -Force it is written again.
            $errors = $null
            $null = Invoke-GeminiChat 'Draw a dog.' -Modalities image -OutDirectory $dir -Journal $journal -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $forced = Invoke-GeminiChat 'Draw a dog.' -Modalities image -OutDirectory $dir -Journal $journal -Force
            @($forced.SavedFiles) | Should -Be @($file)
            Get-SentPrompt | Should -HaveCount 0
        }

        It 'drops a torn last line (a run killed while writing) and resumes after it' {
            $journal = Join-Path $TestDrive 'torn.jsonl'
            $null = 'kept', 'also kept' | Invoke-GeminiChat -Journal $journal -ThrottleLimit 1
            [IO.File]::AppendAllText($journal, '{"key":"0123","n":1,"input":"cut sho')
            Clear-EmulatorRequest
            $results = @('kept', 'also kept', 'new' | Invoke-GeminiChat -Journal $journal -Verbose 4>&1)
            $verbose = @($results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $answers = @($results | Where-Object { $_ -is [VertexAI.ChatCompletion] })
            @($answers.Input) | Should -Be @('kept', 'also kept', 'new')
            Get-SentPrompt | Should -Be @('new')
            ($verbose.Message -join "`n") | Should -Match 'dropped an unfinished last line'
            @(Read-JournalRecord $journal).input | Should -Be @('kept', 'also kept', 'new')
        }
    }

    Context 'Errors' {
        It 'journals a final error, sends that prompt again on the next run, and with -ReplayErrors writes the error again instead' {
            $journal = Join-Path $TestDrive 'errors.jsonl'
            Add-EmulatorScenario -Status 400 -Body '{"error":{"code":400,"message":"the prompt is not allowed","status":"INVALID_ARGUMENT"}}'
            $errors = $null
            $results = @('bad', 'good' | Invoke-GeminiChat -Journal $journal -ThrottleLimit 1 -ErrorVariable errors -ErrorAction SilentlyContinue)
            @($results.Input) | Should -Be @('good')
            $errors | Should -HaveCount 1
            $record = @(Read-JournalRecord $journal | Where-Object input -eq 'bad')
            $record | Should -HaveCount 1
            $record[0].error.httpStatus | Should -Be 400
            $record[0].error.status | Should -Be 'INVALID_ARGUMENT'
            $record[0].error.errorId | Should -Be 'Gemini.INVALID_ARGUMENT'
            [IO.File]::ReadAllText($journal) | Should -Not -Match ([regex]::Escape($emulator.Token))

            # -ReplayErrors: nothing sent, the same error again, naming the prompt.
            Clear-EmulatorRequest
            $replayedErrors = $null
            $replayed = @('bad', 'good' | Invoke-GeminiChat -Journal $journal -ReplayErrors -ErrorVariable replayedErrors -ErrorAction SilentlyContinue)
            @($replayed.Input) | Should -Be @('good')
            Get-SentPrompt | Should -HaveCount 0
            $replayedErrors | Should -HaveCount 1
            $replayedErrors[0].FullyQualifiedErrorId | Should -Be $errors[0].FullyQualifiedErrorId
            $replayedErrors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $replayedErrors[0].TargetObject | Should -Be 'bad'
            $replayedErrors[0].ErrorDetails.Message | Should -Be $errors[0].ErrorDetails.Message
            $replayedErrors[0].Exception.HttpStatus | Should -Be 400

            # By default a failed prompt is sent again; its answer then replaces the error in the journal.
            $fixed = @('bad', 'good' | Invoke-GeminiChat -Journal $journal)
            @($fixed.Content) | Should -Be @('Echo: bad', 'Echo: good')
            Get-SentPrompt | Should -Be @('bad')
            Clear-EmulatorRequest
            $null = 'bad', 'good' | Invoke-GeminiChat -Journal $journal -ReplayErrors
            Get-SentPrompt | Should -HaveCount 0
        }

        It 'refuses a second run on a journal that is in use, naming the file, and sends nothing' {
            $journal = Join-Path $TestDrive 'busy.jsonl'
            $holder = [VertexAI.Batch.RunJournal]::Open($journal)
            try {
                $failure = { 'x' | Invoke-GeminiChat -Journal $journal } | Should -Throw -PassThru
                $failure.FullyQualifiedErrorId | Should -BeLike 'Gemini.JournalBusy,*'
                $failure.CategoryInfo.Category | Should -Be 'ResourceBusy'
                $failure.TargetObject | Should -Be $journal
                $failure.Exception.Message | Should -Match ([regex]::Escape($journal))
            }
            finally {
                $holder.Dispose()
            }
            Get-SentPrompt | Should -HaveCount 0
            (Invoke-GeminiChat 'x' -Journal $journal).Content | Should -Be 'Echo: x'
        }

        It 'refuses a file that is not a journal and leaves it untouched' {
            $path = Join-Path $TestDrive 'prompts.csv'
            Set-Content -LiteralPath $path -Value 'Prompt', 'hello' -Encoding utf8
            $before = [IO.File]::ReadAllText($path)
            $failure = { Invoke-GeminiChat 'x' -Journal $path } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidData'
            $failure.Exception.Message | Should -Match 'not a VertexAI journal'
            [IO.File]::ReadAllText($path) | Should -Be $before
            Get-SentPrompt | Should -HaveCount 0
        }

        It 'refuses -Stream and -InvokeTools with -Journal, and -ReplayErrors without it, before anything is sent' -TestCases @(
            @{ Splat = @{ Stream = $true; Journal = 'j1.jsonl' }; Id = 'Gemini.JournalUnsupported'; Text = '-Stream' }
            @{ Splat = @{ InvokeTools = 'Auto'; Journal = 'j2.jsonl' }; Id = 'Gemini.JournalUnsupported'; Text = '-InvokeTools' }
            @{ Splat = @{ ReplayErrors = $true }; Id = 'Gemini.InvalidArgument'; Text = '-ReplayErrors needs -Journal' }
        ) {
            Push-Location $TestDrive
            try {
                $failure = { Invoke-GeminiChat 'x' @Splat } | Should -Throw -PassThru
            }
            finally {
                Pop-Location
            }
            $failure.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -Match ([regex]::Escape($Text))
            Get-SentPrompt | Should -HaveCount 0
            if ($Splat.Journal) { Test-Path (Join-Path $TestDrive $Splat.Journal) | Should -BeFalse }
        }
    }

    Context 'Killed and resumed' {
        It 'loses nothing and sends nothing twice when the run is killed (SIGKILL) ten times and resumed each time' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
            $count = 500
            $prompts = 1..$count | ForEach-Object { 'prompt {0:d3}' -f $_ }
            $promptFile = Join-Path $TestDrive 'kill-prompts.txt'
            $journal = Join-Path $TestDrive 'kill.jsonl'
            $output = Join-Path $TestDrive 'kill-output.txt'
            [IO.File]::WriteAllLines($promptFile, [string[]] $prompts)
            $script = Join-Path $TestDrive 'kill-run.ps1'
            Set-Content -LiteralPath $script -Encoding utf8 -Value @'
param($Manifest, $Url, $Token, $Prompts, $Journal, $Output)
$ProgressPreference = 'SilentlyContinue'
Import-Module $Manifest -ErrorAction Stop
Get-Content -LiteralPath $Prompts |
    Invoke-GeminiChat -Journal $Journal -ThrottleLimit 16 -BaseUri $Url -AccessToken $Token -Project test-project -Location us-central1 -ErrorAction Stop |
    ForEach-Object { '{0}|{1}' -f $_.Input, $_.Content } |
    Set-Content -LiteralPath $Output -Encoding utf8
'@
            function Start-Run {
                $psi = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
                # Under 'dotnet pwsh' this process is dotnet: run the same pwsh.dll with it.
                if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -ne 'pwsh') { $psi.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
                foreach ($a in '-NoProfile', '-NonInteractive', '-File', $script, (Get-VertexAIModuleManifest), $emulator.Url, $emulator.Token, $promptFile, $journal, $output) {
                    $psi.ArgumentList.Add($a)
                }
                $psi.UseShellExecute = $false
                [Diagnostics.Process]::Start($psi)
            }

            # Every answer is 50 ms late: 16 in flight, so a run lasts long enough to be killed at any stage.
            Set-EmulatorReplyDelay -Milliseconds 50
            $random = [Random]::new(12)
            $done = @{}
            $resent = [Collections.Generic.List[string]]::new()
            $kills = 0
            $torn = 0
            $watch = [Diagnostics.Stopwatch]::StartNew()
            for ($round = 1; $round -le 10; $round++) {
                Clear-EmulatorRequest
                $size = if (Test-Path $journal) { (Get-Item $journal).Length } else { 0 }
                # A random moment: once the journal has grown by a random amount (up to about 20 records, possibly in the
                # middle of writing one), plus a random few milliseconds. Ten rounds never reach the 500th prompt, so every
                # round ends in a kill.
                $grow = $random.Next(1, 20 * 480)
                $process = Start-Run
                $deadline = [DateTime]::UtcNow.AddMinutes(3)
                while (-not $process.HasExited) {
                    $now = if (Test-Path $journal) { (Get-Item $journal).Length } else { 0 }
                    if ($now -ge $size + $grow) { break }
                    if ([DateTime]::UtcNow -gt $deadline) { $process.Kill(); throw "Round $round made no progress in 3 minutes." }
                    Start-Sleep -Milliseconds 10
                }
                Start-Sleep -Milliseconds ($random.Next(0, 40))
                if (-not $process.HasExited) {
                    # SIGKILL on Unix (TerminateProcess on Windows): no finally block, no flush, nothing of the module runs.
                    $process.Kill()
                    $kills++
                }
                $process.WaitForExit()
                $process.Dispose()
                # Informational: a kill in the middle of writing a record leaves a last line without its newline.
                $bytes = [IO.File]::ReadAllBytes($journal)
                if ($bytes.Length -gt 0 -and $bytes[-1] -ne 10) { $torn++ }
                # What this run sent must not include a prompt an earlier run had finished.
                foreach ($p in Get-SentPrompt) { if ($done.ContainsKey($p)) { $resent.Add("round ${round}: $p") } }
                foreach ($r in Read-JournalRecord $journal) { if ($null -ne $r.result) { $done[$r.input] = $true } }
            }

            Clear-EmulatorRequest
            $final = Start-Run
            if (-not $final.WaitForExit(300000)) { $final.Kill(); throw 'The final run did not end in 5 minutes.' }
            $final.ExitCode | Should -Be 0
            $final.Dispose()
            $watch.Stop()
            Write-Host ("  {0} kills ({1} mid-record), {2} prompts finished before the final run, {3:0.0} s in all" -f $kills, $torn, $done.Count, $watch.Elapsed.TotalSeconds)
            foreach ($p in Get-SentPrompt) { if ($done.ContainsKey($p)) { $resent.Add("final: $p") } }

            $resent | Should -HaveCount 0 -Because ($resent -join ', ')
            $kills | Should -Be 10
            # Every input exactly once, in input order, with its own answer.
            $lines = [IO.File]::ReadAllLines($output)
            $lines | Should -HaveCount $count
            $expected = $prompts | ForEach-Object { "$_|Echo: $_" }
            for ($i = 0; $i -lt $count; $i++) { $lines[$i] | Should -Be $expected[$i] }
            # The journal holds each input once, as a result.
            $records = @(Read-JournalRecord $journal)
            $records | Should -HaveCount $count
            @($records | Where-Object { $null -eq $_.result }) | Should -HaveCount 0
            @($records.input | Sort-Object -Unique) | Should -HaveCount $count
        }
    }
}
