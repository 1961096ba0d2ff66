# Pester 5: what a person sees at the prompt. Streamed answers appear once, thoughts apart from the answer, cut or
# blocked answers say so, timeouts say what ran out, every type has a view a person can read at 120 columns, -Debug
# shows the request, and Get-Help reads like PowerShell's own. The interactive cases run pwsh in a real terminal
# (tmux): typed lines, then the screen as captured.

BeforeDiscovery {
    $script:canUseTmux = (-not $IsWindows) -and $null -ne (Get-Command tmux -ErrorAction SilentlyContinue)
}

Describe 'At the prompt' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults

        # An answer blocked by the safety filters, in the shape this module reads: finish_reason content_filter, no text,
        # and what Gemini reports about the block (finish reason and safety ratings) under extra_content.google.
        $blockInfo = [ordered]@{
            google = [ordered]@{
                finish_reason  = 'SAFETY'
                safety_ratings = @(
                    [ordered]@{ category = 'HARM_CATEGORY_DANGEROUS_CONTENT'; probability = 'HIGH'; blocked = $true }
                    [ordered]@{ category = 'HARM_CATEGORY_HARASSMENT'; probability = 'NEGLIGIBLE' }
                )
            }
        }
        $blockedBody = [ordered]@{
            id = 'blocked-1'; object = 'chat.completion'; created = 1700000000; model = 'google/gemini-2.5-flash'; system_fingerprint = ''
            choices = @([ordered]@{ index = 0; finish_reason = 'content_filter'; logprobs = $null
                    message = [ordered]@{ role = 'assistant'; content = $null; extra_content = $blockInfo } })
            usage = [ordered]@{ prompt_tokens = 5; completion_tokens = 0; total_tokens = 5 }
        } | ConvertTo-Json -Depth 20 -Compress
        # The same block in a stream, after some text had arrived.
        $blockedStream = @(
            (New-TestChunkJson -Text 'Here is how')
            ([ordered]@{ id = 'scripted-1'; object = 'chat.completion.chunk'; created = 1700000000; model = 'google/gemini-2.5-flash'
                choices = @([ordered]@{ index = 0; finish_reason = 'content_filter'; delta = [ordered]@{ extra_content = $blockInfo } })
            } | ConvertTo-Json -Depth 20 -Compress)
        )
        # A blocked prompt: 200 with no choice at all, and the prompt feedback.
        $blockedPromptBody = '{"id":"blocked-2","object":"chat.completion","created":1700000000,"model":"google/gemini-2.5-flash","choices":[],"prompt_feedback":{"block_reason":"PROHIBITED_CONTENT","block_reason_message":"The prompt is blocked due to prohibited contents"}}'

        # A tool call streamed in pieces, as Vertex sends it (stream_function_call_arguments).
        $toolCallStream = @(
            '{"id":"t1","object":"chat.completion.chunk","created":1,"model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","type":"function","index":0,"function":{"name":"get_weather","arguments":""}}]}}]}'
            '{"id":"t1","object":"chat.completion.chunk","created":1,"model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","type":"function","index":0,"function":{"name":"get_weather","arguments":"{\"city\":"}}]}}]}'
            '{"id":"t1","object":"chat.completion.chunk","created":1,"model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","type":"function","index":0,"function":{"name":"get_weather","arguments":"\"Paris\"}"}}]},"finish_reason":"tool_calls"}]}'
        )

        # Runs pwsh in a real terminal: imports the module, points it at the emulator, types each line and waits until
        # the screen shows -Until (or the time is up); returns the captured screen.
        function Get-TerminalScreen {
            param([string[]] $Line, [string] $Until, [int] $TimeoutSec = 60, [int] $Width = 120)
            $setup = Join-Path ([IO.Path]::GetTempPath()) ("vertexai-screen-" + [guid]::NewGuid().ToString('N') + '.ps1')
            @(
                "Import-Module '$((Get-VertexAIModuleManifest) -replace "'", "''")'"
                "`$PSDefaultParameterValues['*-Gemini*:BaseUri'] = '$($emulator.BaseUri)'"
                "`$PSDefaultParameterValues['*-Gemini*:AccessToken'] = '$($emulator.Token)'"
                "`$PSDefaultParameterValues['*-Gemini*:Project'] = 'test-project'"
                "`$PSDefaultParameterValues['*-Gemini*:Location'] = 'us-central1'"
                "Clear-Host"
            ) | Set-Content -LiteralPath $setup
            $exe = (Get-Process -Id $PID).Path
            $pwsh = if ($exe -match 'dotnet(\.exe)?$') { "'$exe' '$(Join-Path $PSHOME 'pwsh.dll')'" } else { "'$exe'" }
            $socket = 'vertexai-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            try {
                & tmux -L $socket new-session -d -x $Width -y 50 "$pwsh -NoProfile -NoLogo -NoExit -File '$setup'"
                $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
                # Wait for the first prompt, then type.
                do { Start-Sleep -Milliseconds 300; $screen = (& tmux -L $socket capture-pane -p) -join "`n" } until ($screen -match '(?m)^PS .*> ?$' -or [DateTime]::UtcNow -gt $deadline)
                # The prompt shows a moment before the line editor takes keys (an early Enter is lost on a cold start):
                # type a probe, pressing Enter again until it has run, then clear the screen.
                & tmux -L $socket send-keys -l "'PROBE-' + 'OK'"
                do {
                    & tmux -L $socket send-keys Enter
                    Start-Sleep -Milliseconds 1500
                    $screen = (& tmux -L $socket capture-pane -p) -join "`n"
                } until ($screen -match 'PROBE-OK' -or [DateTime]::UtcNow -gt $deadline)
                & tmux -L $socket send-keys -l 'Clear-Host'
                & tmux -L $socket send-keys Enter
                Start-Sleep -Milliseconds 1000
                # The command itself gets its own time.
                $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
                foreach ($l in $Line) {
                    & tmux -L $socket send-keys -l $l
                    & tmux -L $socket send-keys Enter
                }
                do {
                    Start-Sleep -Milliseconds 300
                    $screen = (& tmux -L $socket capture-pane -p -S -200) -join "`n"
                } until (($screen -match $Until) -or [DateTime]::UtcNow -gt $deadline)
                $screen
            }
            finally {
                & tmux -L $socket kill-server 2>$null
                Remove-Item -LiteralPath $setup -ErrorAction SilentlyContinue
            }
        }

        function Get-Occurrence {
            param([string] $Text, [string] $Pattern)
            ([regex]::Matches($Text, [regex]::Escape($Pattern))).Count
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context '-Stream shows the answer once' {
        It 'shows the streamed answer exactly once in a terminal, then a one-line summary' -Skip:(-not $canUseTmux) {
            $screen = Get-TerminalScreen -Line "Invoke-GeminiChat 'Tell me a story' -Stream; 'DONE-' + 'MARK'" -Until 'DONE-MARK'
            Get-Occurrence $screen 'Echo: Tell me a story' | Should -Be 1 -Because $screen
            $screen | Should -Match '\(streamed: finish reason stop, \d+ tokens, [\d.,]+ s\)'
        }

        It 'shows each of several streamed answers once, in order' -Skip:(-not $canUseTmux) {
            $screen = Get-TerminalScreen -Line "'First prompt', 'Second prompt' | Invoke-GeminiChat -Stream; 'DONE-' + 'MARK'" -Until 'DONE-MARK'
            Get-Occurrence $screen 'Echo: First prompt' | Should -Be 1 -Because $screen
            Get-Occurrence $screen 'Echo: Second prompt' | Should -Be 1 -Because $screen
            $screen.IndexOf('Echo: First prompt') | Should -BeLessThan $screen.IndexOf('Echo: Second prompt')
            ([regex]::Matches($screen, '\(streamed: ')).Count | Should -Be 2
        }

        It 'still gives the whole completion to a variable' {
            $r = Invoke-GeminiChat 'Tell me a story' -Stream 6>$null
            $r.Content | Should -Be 'Echo: Tell me a story'
            $r.PSObject.TypeNames[0] | Should -Be 'VertexAI.ChatCompletion#Streamed'
            $r.Input | Should -Be 'Tell me a story'
            $r.Duration | Should -BeOfType [TimeSpan]
            ($r | Out-String -Width 120).Trim() | Should -Match '^\(streamed: finish reason stop, \d+ tokens, [\d.,]+ s\)$'
            ($r | Format-List | Out-String -Width 120) | Should -Match 'Content\s+: Echo: Tell me a story'
        }

        It 'keeps the default view of a completion that was not streamed' {
            $r = Invoke-GeminiChat 'Plain'
            $r.PSObject.TypeNames[0] | Should -Be 'VertexAI.ChatCompletion'
            ($r | Out-String -Width 120).Trim() | Should -Be 'Echo: Plain'
        }
    }

    Context 'Thoughts apart from the answer' {
        It 'ends the thoughts with a newline before the answer in a terminal' -Skip:(-not $canUseTmux) {
            $screen = Get-TerminalScreen -Line "Invoke-GeminiChat 'Why?' -Stream -IncludeThoughts -ThoughtTagMarker think; 'DONE-' + 'MARK'" -Until 'DONE-MARK'
            $screen | Should -Not -Match 'Why\?Echo' -Because $screen
            $screen | Should -Match '(?m)^Thinking about: Why\?\s*$'
            $screen | Should -Match '(?m)^Echo: Why\?\s*$'
        }

        It 'writes the thoughts and the answer as separate host lines' {
            $null = Invoke-GeminiChat 'Why?' -Stream -IncludeThoughts -ThoughtTagMarker think -InformationVariable info 6>$null
            $text = -join @($info | ForEach-Object { $m = $_.MessageData; if ($m.NoNewLine) { $m.Message } else { $m.Message + "`n" } })
            $text | Should -Be "Thinking about: Why?`nEcho: Why?`n"
        }

        It 'shows thoughts in their own column of the chunk table, without tags' {
            $out = Get-GeminiStream 'Hi' -IncludeThoughts -ThoughtTagMarker think | Out-String -Width 120
            $out | Should -Not -Match '<think>|</think>'
            $out | Should -Match 'Thought'
            $out | Should -Match 'Thinking'
            $out | Should -Match 'Echo:'
        }

        It 'shows the tool call being built in the chunk table' {
            Add-EmulatorStream -Event $toolCallStream
            $out = Get-GeminiStream 'Weather in Paris?' | Out-String -Width 120
            $out | Should -Match '\[tool call\] get_weather\(\)'
            $out | Should -Match '\[tool call\] get_weather\(\{"city":\)'
            $out | Should -Match '\[tool call\] get_weather\(\{"city":"Paris"\}\)'
        }
    }

    Context 'Honest endings' {
        It 'warns, naming -MaxTokens, when the answer was cut (<Mode>)' -ForEach @(
            @{ Mode = 'Invoke-GeminiChat' }
            @{ Mode = 'Invoke-GeminiChat -Stream' }
            @{ Mode = 'Get-GeminiStream' }
        ) {
            $warnings = $null
            $output = switch ($Mode) {
                'Invoke-GeminiChat' { Invoke-GeminiChat 'Tell me a story' -MaxTokens 2 -WarningVariable warnings -WarningAction SilentlyContinue }
                'Invoke-GeminiChat -Stream' { Invoke-GeminiChat 'Tell me a story' -MaxTokens 2 -Stream -WarningVariable warnings -WarningAction SilentlyContinue 6>$null }
                'Get-GeminiStream' { Get-GeminiStream 'Tell me a story' -MaxTokens 2 -TextOnly -WarningVariable warnings -WarningAction SilentlyContinue }
            }
            @($warnings) | Should -HaveCount 1
            "$($warnings[0])" | Should -Match '-MaxTokens 2'
            "$($warnings[0])" | Should -Match 'cut off'
            ("WARNING: $($warnings[0])").Length | Should -BeLessOrEqual 120
            # The partial text is not hidden.
            ((@($output) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Content } }) -join '') | Should -Match 'Echo: ?Tell'
        }

        It 'warns with the block reason and the safety ratings when the answer was blocked (<Mode>)' -ForEach @(
            @{ Mode = 'Invoke-GeminiChat' }
            @{ Mode = 'Invoke-GeminiChat -Stream' }
            @{ Mode = 'Get-GeminiStream' }
        ) {
            if ($Mode -eq 'Invoke-GeminiChat') { Add-EmulatorScenario -Status 200 -Body $blockedBody }
            else { Add-EmulatorStream -Event $blockedStream }
            $warnings = $null
            $output = switch ($Mode) {
                'Invoke-GeminiChat' { Invoke-GeminiChat 'Something' -WarningVariable warnings -WarningAction SilentlyContinue }
                'Invoke-GeminiChat -Stream' { Invoke-GeminiChat 'Something' -Stream -WarningVariable warnings -WarningAction SilentlyContinue 6>$null }
                'Get-GeminiStream' { Get-GeminiStream 'Something' -TextOnly -WarningVariable warnings -WarningAction SilentlyContinue }
            }
            @($warnings) | Should -HaveCount 1
            $w = "$($warnings[0])"
            $w | Should -Match 'blocked by Vertex AI''s safety filters'
            $w | Should -Match "finish reason 'content_filter'"
            $w | Should -Match 'SAFETY'
            $w | Should -Match 'DANGEROUS_CONTENT HIGH \(blocked\)'
            $w | Should -Match 'HARASSMENT NEGLIGIBLE'
            $w | Should -Not -Match "`n"
            if ($Mode -ne 'Invoke-GeminiChat') {
                $w | Should -Match 'text before the block is kept'
                ((@($output) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Content } }) -join '') | Should -Be 'Here is how'
            }
        }

        It 'shows a blocked completion as why it has no text, not as "assistant: "' {
            Add-EmulatorScenario -Status 200 -Body $blockedBody
            $r = Invoke-GeminiChat 'Something' -WarningAction SilentlyContinue
            $view = ($r | Out-String -Width 120).Trim()
            $view | Should -Be '(no answer text; finish reason: content_filter)'
        }

        It 'warns when the prompt itself was blocked (no choices)' {
            Add-EmulatorScenario -Status 200 -Body $blockedPromptBody
            $warnings = $null
            $null = Invoke-GeminiChat 'Something' -WarningVariable warnings -WarningAction SilentlyContinue
            "$($warnings[0])" | Should -Match 'no answer \(no choices\)'
            "$($warnings[0])" | Should -Match 'PROHIBITED_CONTENT'
        }

        It 'does not warn about an answer that ended by itself' {
            $warnings = $null
            $null = Invoke-GeminiChat 'Fine' -WarningVariable warnings -WarningAction SilentlyContinue
            $null = Get-GeminiStream 'Fine' -WarningVariable +warnings -WarningAction SilentlyContinue
            @($warnings) | Should -HaveCount 0
        }
    }

    Context 'Timeouts' {
        It 'says that no answer came within -TimeoutSec and suggests raising it' {
            Add-EmulatorScenario -Status 200 -DelayMs 5000
            $errors = $null
            Invoke-GeminiChat 'slow' -TimeoutSec 2 -MaxRetries 0 -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors | Should -HaveCount 1
            $text = "$($errors[0])"
            $text | Should -Match 'No answer from Vertex AI .* within 2 s'
            $text | Should -Match '-TimeoutSec'
            $text | Should -Not -Match 'Could not reach|network connection'
            $errors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $errors[0].ErrorDetails.RecommendedAction | Should -Match '-TimeoutSec'
        }

        It 'bounds the silence after the first chunk of a stream by -TimeoutSec (<Mode>)' -ForEach @(
            @{ Mode = 'Get-GeminiStream' }
            @{ Mode = 'Invoke-GeminiChat -Stream' }
        ) {
            Add-EmulatorStream -Event @((New-TestChunkJson -Text 'first '), 20000, (New-TestChunkJson -Text 'late' -FinishReason 'stop'))
            $errors = $null
            $watch = [Diagnostics.Stopwatch]::StartNew()
            if ($Mode -eq 'Get-GeminiStream') { $null = Get-GeminiStream 'x' -TimeoutSec 2 -MaxRetries 0 -ErrorVariable errors -ErrorAction SilentlyContinue }
            else { $null = Invoke-GeminiChat 'x' -Stream -TimeoutSec 2 -MaxRetries 0 -ErrorVariable errors -ErrorAction SilentlyContinue 6>$null }
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $errors | Should -HaveCount 1
            "$($errors[0])" | Should -Match 'no event for 2 s'
            "$($errors[0])" | Should -Match '-TimeoutSec'
            $errors[0].Exception.PartialCompletion.Content | Should -Be 'first '
        }

        It 'lets a stream that keeps sending run longer than -TimeoutSec' {
            Add-EmulatorStream -Event @(
                (New-TestChunkJson -Text 'a'), 800, (New-TestChunkJson -Text 'b'), 800, (New-TestChunkJson -Text 'c'), 800,
                (New-TestChunkJson -Text 'd' -FinishReason 'stop'))
            (Get-GeminiStream 'x' -TimeoutSec 1 -MaxRetries 0 -TextOnly) -join '' | Should -Be 'abcd'
        }

        It 'documents in -TimeoutSec''s help that it bounds the silences of a stream' {
            $help = (Get-Help Invoke-GeminiChat -Parameter TimeoutSec | Out-String -Width 200)
            $help | Should -Match 'every silence between two of its events'
            $help | Should -Not -Match '2 minutes'
        }
    }

    Context 'Views at 120 columns' {
        It 'shows usage without a dictionary dump' {
            $u = (Invoke-GeminiChat 'count').Usage
            foreach ($text in ($u | Out-String -Width 120), ($u | Format-List | Out-String -Width 120)) {
                $text | Should -Match 'PromptTokens'
                $text | Should -Match 'ON_DEMAND'
                $text | Should -Not -Match 'System\.Collections|ExtraProperties|AdditionalProperties'
            }
        }

        It 'shows a tool call on one line, its id unwrapped' {
            Add-EmulatorStream -Event $toolCallStream
            $r = Invoke-GeminiChat 'Weather in Paris?' -Stream 6>$null
            $table = $r.ToolCalls | Out-String -Width 120
            $table | Should -Match 'get_weather\s+\{"city":"Paris"\}\s+function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8'
            $list = $r.ToolCalls | Format-List | Out-String -Width 120
            $list | Should -Match 'Name\s+: get_weather'
            $list | Should -Not -Match 'VertexAI\.FunctionCall|AdditionalProperties'
            ($r | Out-String -Width 120) | Should -Match '\(streamed: finish reason tool_calls, 1 tool call\(s\)'
        }

        It 'shows a tool definition by name, description and parameters' {
            $tool = New-GeminiTool -Name get_weather -Description 'Gets the weather' -Parameter @{ city = 'string' }
            foreach ($text in ($tool | Out-String -Width 120), ($tool | Format-List | Out-String -Width 120)) {
                $text | Should -Match 'get_weather'
                $text | Should -Match 'Gets the weather'
                $text | Should -Not -Match 'VertexAI\.FunctionDefinition|AdditionalProperties'
            }
        }

        It 'shows a message''s list without internal fields' {
            $m = (Invoke-GeminiChat 'hello').Message
            $list = $m | Format-List | Out-String -Width 120
            $list | Should -Match 'Role\s+: assistant'
            $list | Should -Match 'Text\s+: Echo: hello'
            $list | Should -Not -Match 'ContentWasNull|AdditionalProperties|ExtraContent'
        }

        It 'shows a completion''s list without type-name dumps' {
            $list = Invoke-GeminiChat 'hello' | Format-List | Out-String -Width 120
            $list | Should -Match 'Content\s+: Echo: hello'
            $list | Should -Match 'Usage\s+: prompt \d+'
            $list | Should -Not -Match 'VertexAI\.\w+\b(?!\.)|System\.Collections'
        }

        It 'tags each chunk with its prompt and groups the chunk table by it' {
            $chunks = @(Get-GeminiStream 'One', 'Two')
            @($chunks | Where-Object Input -EQ 'One').Count | Should -BeGreaterThan 0
            @($chunks | Where-Object Input -EQ 'Two').Count | Should -BeGreaterThan 0
            @($chunks | Where-Object { -not $_.Input }).Count | Should -Be 0
            $table = $chunks | Out-String -Width 120
            $table | Should -Match 'Input: One'
            $table | Should -Match 'Input: Two'
            $list = $chunks[0] | Format-List | Out-String -Width 120
            $list | Should -Match 'Input\s+: One'
        }

        It 'shows generated media without base64' {
            $file = New-TestPng -Path (Join-Path ([IO.Path]::GetTempPath()) ("vertexai-media-" + [guid]::NewGuid().ToString('N') + '.png'))
            $png = [Convert]::ToBase64String([IO.File]::ReadAllBytes($file))
            Remove-Item -LiteralPath $file
            $body = '{"id":"img","object":"chat.completion","created":1,"model":"google/gemini-2.5-flash-image","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":null,"audio":{"data":"' + $png + '","extra_content":{"google":{"mime_type":"image/png"}}}}}]}'
            Add-EmulatorScenario -Status 200 -Body $body
            $r = Invoke-GeminiChat 'Draw'
            ($r.Images | Out-String -Width 120) | Should -Match 'image/png\s+\d+\s+\.?png'
            ($r.Message.Audio | Out-String -Width 120) | Should -Match 'MimeType\s+: image/png'
            ($r.Message.Audio | Out-String -Width 120) | Should -Not -Match ([regex]::Escape($png.Substring(0, 20)))
            ($r | Out-String -Width 120) | Should -Match '\[image/png, \d+ bytes\]'
        }
    }

    Context '-Debug' {
        It 'shows the request JSON with data: URIs shortened and no token' -Skip:($PSVersionTable.PSEdition -eq 'Desktop') {
            # -Debug prompts on Windows PowerShell 5.1; $DebugPreference does the same without asking.
            $png = Join-Path ([IO.Path]::GetTempPath()) ("vertexai-debug-" + [guid]::NewGuid().ToString('N') + '.png')
            $null = New-TestPng -Path $png
            try {
                $DebugPreference = 'Continue'
                $records = @(New-GeminiMessage 'Describe' -Image $png | Invoke-GeminiChat 5>&1)
                $DebugPreference = 'SilentlyContinue'
            }
            finally { Remove-Item -LiteralPath $png -ErrorAction SilentlyContinue }
            $debug = (@($records | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message) -join "`n"
            $debug | Should -Match '"role": "user"'
            $debug | Should -Match '"text": "Describe"'
            $debug | Should -Match ('data:image/png;base64,iVBOR' + [char]0x2026 + '\(\d+ bytes\)')
            $debug | Should -Not -Match ([regex]::Escape($emulator.Token))
            $debug | Should -Not -Match 'Bearer'
        }
    }

    Context 'Get-Help' {
        It 'shows switches as PowerShell''s own help does (<Command>)' -ForEach @(
            @{ Command = 'Invoke-GeminiChat' }
            @{ Command = 'Get-GeminiStream' }
        ) {
            $help = Get-Help $Command | Out-String -Width 200
            $help | Should -Not -Match '<SwitchParameter>'
            $help | Should -Match '\[-IncludeThoughts\]'
        }
    }
}
