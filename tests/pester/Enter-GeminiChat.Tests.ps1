# Pester 5: Enter-GeminiChat in a real terminal. pwsh runs in tmux (Terminal.psm1), keys are typed with send-keys and
# the screen is read with capture-pane; the emulator's request log shows what each turn sent. Every wait polls the screen
# for a pattern with a deadline. The terminal tests need tmux (.ci/run installs it): without it they fail, saying so.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Terminal.psm1') -Force
    # ProcessStartInfo.ArgumentList (exact arguments for the child pwsh) needs .NET Core.
    $noArgumentList = $PSVersionTable.PSVersion.Major -lt 7
}

Describe 'Enter-GeminiChat' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'Terminal.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $work = Join-Path ([IO.Path]::GetTempPath()) ('vertexai-enter-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $work | Out-Null

        # What the pwsh in the terminal (or a child pwsh) runs first: the module by path, the emulator as the default,
        # and a prompt the tests wait for.
        $init = New-TerminalInitScript -Path (Join-Path $work 'init.ps1') -Manifest (Get-VertexAIModuleManifest) -Emulator $emulator

        $terminal = $null
        if (Test-Tmux) { $terminal = New-TmuxPwsh -InitScript $init -Width 140 -Height 45 }

        # Each logged chat request's messages as 'role:text' strings.
        function Get-SentMessages {
            param($Request)
            @($Request.BodyJson.messages) | ForEach-Object { "$($_.role):$($_.content)" }
        }

        # Starts '$c = Enter-GeminiChat <arguments>' at a cleared screen and waits for its first prompt.
        function Start-Chat {
            param([string] $Arguments = '')
            Clear-TmuxScreen -Terminal $terminal
            Send-TmuxKeys -Terminal $terminal -Line "`$c = Enter-GeminiChat $Arguments"
            Wait-TmuxScreen -Terminal $terminal -Pattern '^You:' | Out-Null
        }

        # Types a turn and waits until the answer is on the screen and the next prompt has appeared after it.
        function Send-Turn {
            param([string] $Text, [string] $Answer)
            Send-TmuxKeys -Terminal $terminal -Line $Text
            Wait-TmuxScreen -Terminal $terminal -Pattern ("Gemini: " + [regex]::Escape($Answer) + '\s*\nYou:')
        }

        # Ends the chat with /exit and returns how many messages it output into $c. The next line is typed only once the
        # pwsh prompt is back: typed at once, it would arrive with /exit as one burst, which the chat takes for a paste.
        function Stop-Chat {
            Send-TmuxKeys -Terminal $terminal -Line '/exit'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'READY>\s*\z' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line '"COUNT=$($c.Count)"'
            $screen = Wait-TmuxScreen -Terminal $terminal -Pattern '^COUNT=\d+'
            [int]([regex]::Match($screen, '(?m)^COUNT=(\d+)').Groups[1].Value)
        }

        # A stream of Count chunks 'tick<i> ' sent EventDelayMs apart: a model still answering.
        function Add-SlowStream {
            param([int] $Count, [int] $EventDelayMs)
            $chunks = 1..$Count | ForEach-Object { New-TestChunkJson -Text "tick$_ " }
            Add-EmulatorStreamScenario -Event $chunks -EventDelayMs $EventDelayMs
        }
    }

    AfterAll {
        Stop-TmuxPwsh -Terminal $terminal
        Stop-VertexEmulator -Emulator $emulator
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    AfterEach {
        # A test that failed mid-chat leaves the chat running: end it (Ctrl+C drops a half-typed line, /exit ends the
        # chat; at the READY> prompt both are harmless), so the next test starts at the pwsh prompt.
        if ($null -ne $terminal) {
            Send-TmuxKeys -Terminal $terminal -Key 'C-c'
            Send-TmuxKeys -Terminal $terminal -Line '/exit'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'READY>\s*\z' | Out-Null
        }
    }

    It 'has help: synopsis, the slash commands, Ctrl+C, and examples' {
        $help = Get-Help Enter-GeminiChat -Full
        $help.Synopsis | Should -Match 'interactively'
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 4
        $text = $help | Out-String -Width 200
        foreach ($command in '/model', '/system', '/save', '/load', '/clear', '/rewind', '/exit', 'Ctrl+C', 'Ctrl+D') { $text | Should -Match ([regex]::Escape($command)) }
        (Get-Command Enter-GeminiChat).OutputType.Name | Should -Be 'VertexAI.ChatMessage'
    }

    Context 'in a terminal' {
        BeforeAll {
            if (-not (Test-Tmux)) { throw 'tmux is not installed: the terminal tests run pwsh under it (apt-get install tmux; .ci/run installs it).' }
        }

        It 'carries the conversation turn after turn and outputs it on /exit' {
            Start-Chat
            Send-Turn 'first question' 'Echo: first question' | Out-Null
            $screen = Send-Turn 'second question' 'Echo: second question'
            Stop-Chat | Should -Be 4

            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            Get-SentMessages $requests[0] | Should -Be @('user:first question')
            Get-SentMessages $requests[1] | Should -Be @('user:first question', 'assistant:Echo: first question', 'user:second question')
            $requests[1].BodyJson.stream | Should -BeTrue
            $screen | Should -Match '(?m)^You: first question\s*\nGemini: Echo: first question\s*\nYou: second question'
            # Kept for the closing note: a real session's screen.
            Set-Content -LiteralPath (Join-Path ([IO.Path]::GetTempPath()) 'enter-screen.txt') -Value (Get-TmuxScreen -Terminal $terminal -History)
        }

        It 'lists the sources under a grounded answer (-GoogleSearch)' {
            Start-Chat '-GoogleSearch'
            Send-TmuxKeys -Terminal $terminal -Line 'Is us-central1 degraded?'
            $screen = Wait-TmuxScreen -Terminal $terminal -Pattern 'Sources:\s*\n\s*\[1\] example\.com \(https://vertexaisearch\.cloud\.google\.com/grounding-api-redirect/\S+-1\)\s*\n\s*\[2\] example\.org \(https://\S+-2\)\s*\nYou:'
            $screen | Should -Match '(?m)^Gemini: Echo: Is us-central1 degraded\?\s*\nSources:'
            Stop-Chat | Should -Be 2
            $request = @(Get-EmulatorRequest)[0]
            $request.body | Should -Match '"web_search_options":\{\}'
        }

        It 'writes the answer while it streams' {
            Add-SlowStream -Count 8 -EventDelayMs 300
            Start-Chat
            Send-TmuxKeys -Terminal $terminal -Line 'stream please'
            # The first pieces are on the screen while the last has not been sent yet.
            $early = Wait-TmuxScreen -Terminal $terminal -Pattern 'Gemini: tick1 tick2'
            $early | Should -Not -Match 'tick8'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'tick8\s*\nYou:' | Out-Null
            Stop-Chat | Should -Be 2
        }

        It 'writes thoughts dimmed on their own line, apart from the answer' {
            Start-Chat '-IncludeThoughts -ThoughtTagMarker think'
            $screen = Send-Turn 'ponder this' 'Echo: ponder this'
            $screen | Should -Match '(?m)^You: ponder this\s*\nThinking about: ponder this\s*\nGemini: Echo: ponder this'
            # Dark gray (SGR 90) right before the thought; the answer is not inside it.
            $colored = Get-TmuxScreen -Terminal $terminal -History -Escape
            $colored | Should -Match '\x1b\[90m(\x1b\[[0-9;]*m)*Thinking about: ponder this'
            Stop-Chat | Should -Be 2
            (Get-EmulatorRequest).BodyJson.extra_body.google.thinking_config.include_thoughts | Should -BeTrue
        }

        It 'stops an answer at Ctrl+C, keeps chatting, and drops the stopped turn' {
            Add-SlowStream -Count 40 -EventDelayMs 250
            Start-Chat
            Send-TmuxKeys -Terminal $terminal -Line 'talk slowly'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Gemini: tick1 tick2' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Key 'C-c'
            $screen = Wait-TmuxScreen -Terminal $terminal -Pattern '\[stopped\]\s*\nYou:'
            $screen | Should -Not -Match 'tick40'
            $screen | Should -Not -Match 'READY>\s*\z'
            Send-Turn 'after the stop' 'Echo: after the stop' | Out-Null
            Stop-Chat | Should -Be 2
            $last = @(Get-EmulatorRequest)[-1]
            Get-SentMessages $last | Should -Be @('user:after the stop')
        }

        It 'sends a pasted block of lines as one turn' {
            Start-Chat
            Send-TmuxKeys -Terminal $terminal -Text "line one`nline two`nline three`n"
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Gemini: Echo: line one\s*\nline two\s*\nline three\s*\nYou:' | Out-Null
            Stop-Chat | Should -Be 2
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 1
            $requests[0].BodyJson.messages[0].content | Should -Be "line one`nline two`nline three"
        }

        It 'continues a line ending in a backslash, and takes a """ block as one turn' {
            Start-Chat
            Send-TmuxKeys -Terminal $terminal -Line 'first part \'
            Wait-TmuxScreen -Terminal $terminal -Pattern '^\.\.\.:' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line 'second part'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Gemini: Echo: first part\s*\nsecond part\s*\nYou:' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line '"""'
            Send-TmuxKeys -Terminal $terminal -Line 'alpha'
            Send-TmuxKeys -Terminal $terminal -Line 'beta'
            Send-TmuxKeys -Terminal $terminal -Line '"""'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Gemini: Echo: alpha\s*\nbeta\s*\nYou:' | Out-Null
            Stop-Chat | Should -Be 4
            $requests = @(Get-EmulatorRequest)
            $requests[0].BodyJson.messages[0].content | Should -Be "first part `nsecond part"
            $requests[1].BodyJson.messages[-1].content | Should -Be "alpha`nbeta"
        }

        It '/help lists the commands and an unknown command gets a hint' {
            Start-Chat
            Send-TmuxKeys -Terminal $terminal -Line '/help'
            $screen = Wait-TmuxScreen -Terminal $terminal -Pattern '/rewind[\s\S]*Ctrl\+C'
            foreach ($command in '/model', '/system', '/save', '/load', '/clear', '/rewind', '/exit') { $screen | Should -Match ([regex]::Escape($command)) }
            Send-TmuxKeys -Terminal $terminal -Line '/frobnicate'
            Wait-TmuxScreen -Terminal $terminal -Pattern "Unknown command '/frobnicate'.*/help" | Out-Null
            Stop-Chat | Should -Be 0
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It '/model shows the model and switches it for the next turns' {
            Start-Chat
            Send-TmuxKeys -Terminal $terminal -Line '/model'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Model: google/gemini-2\.5-flash' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line '/model gemini-2.5-pro'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Model: google/gemini-2\.5-pro' | Out-Null
            Send-Turn 'which model' 'Echo: which model' | Out-Null
            Stop-Chat | Should -Be 2
            (Get-EmulatorRequest).BodyJson.model | Should -Be 'google/gemini-2.5-pro'
        }

        It '/system sets and replaces the system message sent first' {
            Start-Chat '-SystemMessage "Be brief."'
            Send-Turn 'one' 'Echo: one' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line '/system Be verbose.'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'System message set' | Out-Null
            Send-Turn 'two' 'Echo: two' | Out-Null
            Stop-Chat | Should -Be 5
            $requests = @(Get-EmulatorRequest)
            Get-SentMessages $requests[0] | Should -Be @('system:Be brief.', 'user:one')
            Get-SentMessages $requests[1] | Should -Be @('system:Be verbose.', 'user:one', 'assistant:Echo: one', 'user:two')
        }

        It '/save writes the Export-GeminiConversation format, /load reads it back' {
            $file = Join-Path $work 'saved.json'
            Start-Chat
            Send-Turn 'remember me' 'Echo: remember me' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line "/save $file"
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Saved 2 message' | Out-Null
            $saved = @(Import-GeminiConversation $file)
            $saved.Role | Should -Be @('user', 'assistant')
            $saved[1].Text | Should -Be 'Echo: remember me'

            Send-TmuxKeys -Terminal $terminal -Line '/clear'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Cleared the conversation' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line "/load $file"
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Loaded 2 message' | Out-Null
            Send-Turn 'and now' 'Echo: and now' | Out-Null
            Stop-Chat | Should -Be 4
            Get-SentMessages @(Get-EmulatorRequest)[-1] | Should -Be @('user:remember me', 'assistant:Echo: remember me', 'user:and now')
        }

        It '/clear forgets the conversation but keeps the system message' {
            Start-Chat '-SystemMessage "Rules."'
            Send-Turn 'before' 'Echo: before' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line '/clear'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Cleared the conversation \(the system message stays\)' | Out-Null
            Send-Turn 'after' 'Echo: after' | Out-Null
            Stop-Chat | Should -Be 3
            Get-SentMessages @(Get-EmulatorRequest)[-1] | Should -Be @('system:Rules.', 'user:after')
        }

        It '/rewind drops the last turn' {
            Start-Chat
            Send-Turn 'keep this' 'Echo: keep this' | Out-Null
            Send-Turn 'regret this' 'Echo: regret this' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line '/rewind'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Dropped the last turn: regret this' | Out-Null
            Send-Turn 'instead' 'Echo: instead' | Out-Null
            Stop-Chat | Should -Be 4
            Get-SentMessages @(Get-EmulatorRequest)[-1] | Should -Be @('user:keep this', 'assistant:Echo: keep this', 'user:instead')
        }

        It 'Ctrl+C at the prompt discards the line; Ctrl+D at an empty prompt ends the chat with its output' {
            Start-Chat
            Send-TmuxKeys -Terminal $terminal -Text 'never sent' -Key 'C-c'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'never sent\^C\s*\nYou:' | Out-Null
            Send-Turn 'sent' 'Echo: sent' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Key 'C-d'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'READY>\s*\z' | Out-Null
            Send-TmuxKeys -Terminal $terminal -Line '"COUNT=$($c.Count) LAST=$($c[-1].Text)"'
            Wait-TmuxScreen -Terminal $terminal -Pattern '^COUNT=2 LAST=Echo: sent' | Out-Null
            Get-SentMessages @(Get-EmulatorRequest) | Should -Be @('user:sent')
        }

        It 'shows an API error and goes on with the next turn' {
            Add-EmulatorScenario -Status 400 -Body '{"error":{"code":400,"message":"Scripted refusal.","status":"INVALID_ARGUMENT"}}'
            Start-Chat '-MaxRetries 0'
            Send-TmuxKeys -Terminal $terminal -Line 'refused'
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Scripted refusal[\s\S]*\nYou:' | Out-Null
            Send-Turn 'accepted' 'Echo: accepted' | Out-Null
            Stop-Chat | Should -Be 2
            Get-SentMessages @(Get-EmulatorRequest)[-1] | Should -Be @('user:accepted')
        }

        It 'starts from piped messages and the output pipes into Invoke-GeminiChat' {
            Clear-TmuxScreen -Terminal $terminal
            Send-TmuxKeys -Terminal $terminal -Line "`$c = New-GeminiMessage 'earlier' | New-GeminiMessage -Role assistant 'Echo: earlier' | Enter-GeminiChat"
            Wait-TmuxScreen -Terminal $terminal -Pattern 'Continuing a conversation of 2 message' | Out-Null
            Send-Turn 'later' 'Echo: later' | Out-Null
            Stop-Chat | Should -Be 4
            Send-TmuxKeys -Terminal $terminal -Line '($c | Invoke-GeminiChat "last").Content'
            Wait-TmuxScreen -Terminal $terminal -Pattern '^Echo: last' | Out-Null
            Get-SentMessages @(Get-EmulatorRequest)[-1] | Should -Be @('user:earlier', 'assistant:Echo: earlier', 'user:later', 'assistant:Echo: later', 'user:last')
        }
    }

    Context 'with redirected input' -Skip:$noArgumentList {
        BeforeAll {
            # Runs a child pwsh with Turns as its stdin; fails the test rather than hanging when it does not end.
            function Invoke-RedirectedChat {
                param([string[]] $Turns, [string] $Command, [hashtable] $Environment = @{})
                $turnsFile = Join-Path $work ('turns-' + [guid]::NewGuid().ToString('N') + '.txt')
                [IO.File]::WriteAllText($turnsFile, (($Turns -join "`n") + "`n"))
                $psi = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
                if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -ne 'pwsh') { $psi.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
                foreach ($a in '-NoProfile', '-NonInteractive', '-Command', ". '$init'; $Command") { $psi.ArgumentList.Add($a) }
                $psi.RedirectStandardInput = $true
                $psi.RedirectStandardOutput = $true
                $psi.RedirectStandardError = $true
                $psi.UseShellExecute = $false
                foreach ($name in $Environment.Keys) { $psi.Environment[$name] = $Environment[$name] }
                $process = [Diagnostics.Process]::Start($psi)
                try {
                    $process.StandardInput.Write([IO.File]::ReadAllText($turnsFile))
                    $process.StandardInput.Close()
                    $stdout = $process.StandardOutput.ReadToEndAsync()
                    $stderr = $process.StandardError.ReadToEndAsync()
                    if (-not $process.WaitForExit(60000)) { throw "The chat did not end at the end of its input. Output so far: $($stdout.Result)" }
                    [pscustomobject]@{ Output = $stdout.Result; Error = $stderr.Result; ExitCode = $process.ExitCode }
                }
                finally {
                    if (-not $process.HasExited) { $process.Kill() }
                    $process.Dispose()
                }
            }
        }

        It 'reads turns from stdin, echoes them, and ends at the end of the input' {
            $result = Invoke-RedirectedChat -Turns 'hello', 'continued \', 'line', '/model', 'bye' -Command '$c = Enter-GeminiChat; "COUNT=$($c.Count)"'
            $result.Error | Should -BeNullOrEmpty
            $result.Output | Should -Match '(?m)^You: hello\s*\nGemini: Echo: hello'
            $result.Output | Should -Match 'Model: google/gemini-2\.5-flash'
            $result.Output | Should -Match '(?m)^COUNT=6\s*$'
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 3
            Get-SentMessages $requests[2] | Should -Be @('user:hello', 'assistant:Echo: hello', "user:continued `nline", "assistant:Echo: continued `nline", 'user:bye')
        }

        It 'never shows the access token in verbose or debug output' {
            $result = Invoke-RedirectedChat -Turns 'secret check' -Command '$DebugPreference = ''Continue''; Enter-GeminiChat -Verbose *>&1 | Out-String -Width 400'
            # Merged into one stream, each piece of the streamed answer is a record (a line) of its own.
            $result.Output | Should -Match 'Echo:\s*\n\s*secret'
            $result.Output | Should -Match 'explicit access token, attempt 1'
            $result.Output | Should -Not -Match ([regex]::Escape($emulator.Token))
        }

        It 'ends with a clear error when no access token can be had, and still outputs the conversation' {
            $missing = Join-Path $work 'no-such-key.json'
            $command = '$PSDefaultParameterValues.Remove(''*-Gemini*:AccessToken''); $c = ''/system Rules.'' | Enter-GeminiChat; "COUNT=$($c.Count)"'
            $result = Invoke-RedirectedChat -Turns 'hello', 'never read' -Command $command -Environment @{ GOOGLE_APPLICATION_CREDENTIALS = $missing }
            $result.Error + $result.Output | Should -Match 'credential|access token'
            $result.Output | Should -Match 'The chat ends'
            $result.Output | Should -Not -Match 'never read'
            $result.Output | Should -Match '(?m)^COUNT=1\s*$'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'sends -SafetySetting, -CachedContent and -MediaResolution with every turn' {
            $cache = New-EmulatorCache
            $result = Invoke-RedirectedChat -Turns 'one', 'two' -Command ('$c = Enter-GeminiChat -SafetySetting @{ HARM_CATEGORY_HARASSMENT = ''BLOCK_NONE'' } -CachedContent ' + ($cache -split '/')[-1] + ' -MediaResolution medium; "COUNT=$($c.Count)"')
            $result.Error | Should -BeNullOrEmpty
            $result.Output | Should -Match '(?m)^COUNT=4\s*$'
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            foreach ($request in $requests) {
                $request.body | Should -Match ([regex]::Escape('"extra_body":{"google":{"safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],"cached_content":"' + $cache + '","media_resolution":"MEDIA_RESOLUTION_MEDIUM"}}'))
            }
        }

        It 'refuses -CachedContent on location global before the first turn' {
            $result = Invoke-RedirectedChat -Turns 'never sent' -Command 'Enter-GeminiChat -CachedContent 55 -Location global; "AFTER"'
            $result.Error | Should -Match "no context caches in location 'global'"
            $result.Output | Should -Not -Match 'You:'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'takes piped prompts as first turns, slash commands included' {
            $result = Invoke-RedirectedChat -Turns @() -Command '$c = ''one'', ''/exit'', ''never'' | Enter-GeminiChat; "COUNT=$($c.Count)"'
            $result.Output | Should -Match '(?m)^You: one\s*\nGemini: Echo: one'
            $result.Output | Should -Match '(?m)^COUNT=2\s*$'
            Get-SentMessages @(Get-EmulatorRequest) | Should -Be @('user:one')
        }
    }
}
