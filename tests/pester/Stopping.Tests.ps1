# Pester 5: Ctrl+C stops every cmdlet that talks to Vertex at once. PowerShell turns Ctrl+C into a stop of the running
# pipeline (what PowerShell.Stop() does); here each cmdlet runs in a runspace of its own against an emulator that holds
# its answer back for a minute, and the test stops it once the request has arrived. A cmdlet that waited for the answer
# would leave the request answered (status 200) and Stop() would take a minute; one that stops at once abandons the
# request (the emulator records no status) and Stop() returns within seconds. Wait-GeminiBatchJob, which only polls,
# stops waiting and leaves the job alone. The key itself (tmux, a real terminal) is pressed in the last test.

Describe 'Ctrl+C stops each cmdlet at once' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $manifest = Get-VertexAIModuleManifest
        # The server holds every answer back this long; a stop must not wait for it.
        $holdMs = 60000

        # Runs -Script in a fresh runspace (the module imported, the session's defaults), waits until -Until is true,
        # stops it and reports what happened.
        function Invoke-AndStop([scriptblock] $Script, [scriptblock] $Until) {
            $ps = [powershell]::Create()
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            try {
                $null = $ps.AddScript({
                    param($Manifest, $Defaults, $Body)
                    Import-Module $Manifest
                    $PSDefaultParameterValues = $Defaults
                    & ([scriptblock]::Create($Body))
                }).AddArgument($manifest).AddArgument($PSDefaultParameterValues).AddArgument($Script.ToString())
                # No input: a closed input collection (an open one would keep the pipeline waiting for more).
                $noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $noInput.Complete()
                $async = $ps.BeginInvoke($noInput, $output)
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not (& $Until $output) -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                $ready = [bool](& $Until $output)
                # By index: enumerating a PSDataCollection that is still open blocks until it is closed.
                $errorsBefore = @(for ($i = 0; $i -lt $ps.Streams.Error.Count; $i++) { $ps.Streams.Error[$i].ToString() })
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Stop()
                [pscustomobject]@{
                    Ready       = $ready
                    State       = $ps.InvocationStateInfo.State
                    StopSeconds = $watch.Elapsed.TotalSeconds
                    Output      = @(for ($i = 0; $i -lt $output.Count; $i++) { $output[$i] })
                    Errors      = $errorsBefore
                }
            }
            finally {
                $ps.Dispose()
            }
        }

        function Get-Native([string] $Like) {
            @(Get-EmulatorRequest -All | Where-Object { $_.path -like $Like })
        }

        # -Requests fetches the requests of the command under test. Unless -Answered (a stream's status went out with its
        # first byte), each must have been abandoned by the client: the emulator records no status for it.
        function Assert-StoppedAtOnce($Result, [scriptblock] $Requests, [int] $Expected = 1, [switch] $Answered) {
            $Result.Ready | Should -BeTrue -Because "the request must have reached the server before the stop (errors: $($Result.Errors -join '; '))"
            $Result.State | Should -Be 'Stopped' -Because "the command must still have been running (errors: $($Result.Errors -join '; '))"
            # Far below the minute the server holds the answer: a functional bound, not a timing measurement.
            $Result.StopSeconds | Should -BeLessThan 15
            # A moment for a late answer to be recorded, had the client stayed.
            Start-Sleep -Milliseconds 300
            $seen = @(& $Requests)
            $seen.Count | Should -Be $Expected
            if (-not $Answered) { @($seen.responseStatus) | Should -Be (@(0) * $Expected) }
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    AfterEach {
        Clear-EmulatorScenario
    }

    It 'Invoke-GeminiChat' {
        Add-EmulatorScenario -Status 200 -DelayMs $holdMs
        $r = Invoke-AndStop { Invoke-GeminiChat 'hello' } { @(Get-EmulatorRequest).Count -ge 1 }
        Assert-StoppedAtOnce $r { Get-EmulatorRequest }
        $r.Output | Should -BeNullOrEmpty
    }

    It 'Invoke-GeminiChat -ThrottleLimit, with every request in flight' {
        Add-EmulatorScenario -Status 200 -DelayMs $holdMs -Count 4
        $r = Invoke-AndStop { 'a', 'b', 'c', 'd' | Invoke-GeminiChat -ThrottleLimit 4 } { @(Get-EmulatorRequest).Count -ge 4 }
        Assert-StoppedAtOnce $r { Get-EmulatorRequest } -Expected 4
    }

    It 'Get-GeminiStream, mid-answer: what arrived before the stop was written' {
        # One chunk, then the model goes silent for a minute, then a second chunk that must never be read.
        Add-EmulatorStream -Event @(
            (New-TestChunkJson -Text 'first part '),
            $holdMs,
            (New-TestChunkJson -Text 'never read' -FinishReason 'stop')
        )
        $r = Invoke-AndStop { Get-GeminiStream 'hello' -TextOnly } { param($out) $out.Count -ge 1 }
        Assert-StoppedAtOnce $r { Get-EmulatorRequest } -Answered
        $r.Output | Should -Be @('first part ')
    }

    It 'Get-GeminiEmbedding -ThrottleLimit 2, with both requests in flight' {
        Add-EmulatorScenario -Status 200 -DelayMs $holdMs -Count 2
        $r = Invoke-AndStop { 'one', 'two' | Get-GeminiEmbedding -ThrottleLimit 2 } { @(Get-EmulatorRequest -All | Where-Object kind -eq 'predict').Count -ge 2 }
        Assert-StoppedAtOnce $r { Get-EmulatorRequest -All | Where-Object kind -eq 'predict' } -Expected 2
        $r.Output | Should -BeNullOrEmpty
    }

    It 'Wait-GeminiBatchJob stops waiting without cancelling the job' {
        Set-EmulatorBatchJobSpeed -ReadsPerState 1000
        try {
            $job = 'slow' | Start-GeminiBatchJob -OutputUri gs://stop-bucket/wait/
            Clear-EmulatorRequest
            # The script runs in another runspace: the job's name goes in as text.
            $wait = [scriptblock]::Create("Wait-GeminiBatchJob -Name '$($job.Name)' -PollIntervalSec 0.05")
            $r = Invoke-AndStop $wait { @(Get-EmulatorRequest -All | Where-Object path -like '*batchPredictionJobs/*').Count -ge 3 }
            $r.Ready | Should -BeTrue -Because "the wait must have polled before the stop (errors: $($r.Errors -join '; '))"
            $r.State | Should -Be 'Stopped'
            $r.StopSeconds | Should -BeLessThan 10
            @(Get-EmulatorRequest -All | Where-Object path -like '*:cancel').Count | Should -Be 0
            (Get-GeminiBatchJob $job.Name).State | Should -BeIn 'JOB_STATE_PENDING', 'JOB_STATE_RUNNING'
        }
        finally {
            Set-EmulatorBatchJobSpeed -ReadsPerState 1
        }
    }

    It '<Command>' -ForEach @(
        @{ Command = 'Measure-GeminiToken'; Script = { Measure-GeminiToken 'How many tokens is this?' }; Path = '*:countTokens' }
        @{ Command = 'Get-GeminiModel'; Script = { Get-GeminiModel }; Path = '*/publishers/google/models*' }
        @{ Command = 'New-GeminiCache'; Script = { New-GeminiCache ('A long document. ' * 400) }; Path = '*/cachedContents' }
        @{ Command = 'Get-GeminiCache'; Script = { Get-GeminiCache }; Path = '*/cachedContents*' }
        @{ Command = 'Set-GeminiCache'; Script = { Set-GeminiCache -Name 1234567890 -Ttl '01:00:00' }; Path = '*/cachedContents/1234567890*' }
        @{ Command = 'Remove-GeminiCache'; Script = { Remove-GeminiCache -Name 1234567890 -Confirm:$false }; Path = '*/cachedContents/1234567890*' }
        @{ Command = 'Get-GeminiBatchJob'; Script = { Get-GeminiBatchJob }; Path = '*/batchPredictionJobs*' }
        @{ Command = 'Stop-GeminiBatchJob'; Script = { Stop-GeminiBatchJob -Name 1234567890 -Confirm:$false }; Path = '*/batchPredictionJobs/1234567890*' }
        @{ Command = 'Receive-GeminiBatchJob'; Script = { Receive-GeminiBatchJob -Name 1234567890 }; Path = '*/batchPredictionJobs/1234567890*' }
    ) {
        Add-EmulatorScenario -Status 200 -Body '{}' -DelayMs $holdMs
        $like = $Path
        $r = Invoke-AndStop $Script { @(Get-EmulatorRequest -All | Where-Object path -like $like).Count -ge 1 }.GetNewClosure()
        Assert-StoppedAtOnce $r { Get-EmulatorRequest -All | Where-Object path -like $like }.GetNewClosure()
        $r.Output | Should -BeNullOrEmpty
    }

    It 'Start-GeminiBatchJob, while the job is being created after the upload' {
        # The upload (Cloud Storage) is answered; the create call on Vertex is held back.
        Add-EmulatorScenario -Status 200 -Body '{}' -DelayMs $holdMs
        $r = Invoke-AndStop { 'one', 'two' | Start-GeminiBatchJob -OutputUri gs://stop-bucket/runs/ } { (Get-Native '*/batchPredictionJobs').Count -ge 1 }
        Assert-StoppedAtOnce $r { Get-Native '*/batchPredictionJobs' }
        $r.Output | Should -BeNullOrEmpty
    }

    Context 'in a real terminal' {
        BeforeAll {
            Import-Module (Join-Path $PSScriptRoot 'Terminal.psm1') -Force
            $work = Join-Path ([IO.Path]::GetTempPath()) ('vertexai-stop-' + [guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory -Path $work | Out-Null
            $init = New-TerminalInitScript -Path (Join-Path $work 'init.ps1') -Manifest $manifest -Emulator $emulator
            # Without tmux (.ci/run installs it) the test fails, saying so.
            $terminal = if (Test-Tmux) { New-TmuxPwsh -InitScript $init } else { $null }
        }

        AfterAll {
            if ($terminal) { Stop-TmuxPwsh -Terminal $terminal }
            Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
        }

        It 'Ctrl+C at the prompt stops Invoke-GeminiChat and gives the prompt back' {
            $terminal | Should -Not -BeNullOrEmpty -Because 'tmux is needed for this test'
            Add-EmulatorScenario -Status 200 -DelayMs $holdMs
            Clear-TmuxScreen -Terminal $terminal
            Send-TmuxKeys -Terminal $terminal -Line "Invoke-GeminiChat 'hello'; 'AFTER'"
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (@(Get-EmulatorRequest).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            @(Get-EmulatorRequest).Count | Should -Be 1
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Send-TmuxKeys -Terminal $terminal -Key 'C-c'
            # The prompt is back, and the rest of the line did not run (a stop ends the whole pipeline line).
            $screen = Wait-TmuxScreen -Terminal $terminal -Pattern "hello'; 'AFTER'\s*\n(.*\n)*READY>\s*\z" -Timeout ([TimeSpan]::FromSeconds(20))
            $watch.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
            $screen | Should -Not -Match '(?m)^AFTER'
            # No error record for a stop the user asked for.
            $screen | Should -Not -Match 'Exception|Error'
            Start-Sleep -Milliseconds 300
            @((Get-EmulatorRequest).responseStatus) | Should -Be @(0)
        }
    }
}
