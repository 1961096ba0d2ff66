# Pester 5: what the chat cmdlets send for each documented pipeline shape. Each case runs through Invoke-GeminiChat,
# Invoke-GeminiChat -Stream and Get-GeminiStream, and asserts the emulator's request log: the exact number of requests
# and the message list of each. A piped object binds to exactly one parameter (Trace-Command shows it).

BeforeDiscovery {
    $modes = @(
        @{ Mode = 'Invoke-GeminiChat' }
        @{ Mode = 'Invoke-GeminiChat -Stream' }
        @{ Mode = 'Get-GeminiStream' }
    )
}

Describe 'Pipeline composition' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults

        # Runs the chat command of a mode with the given pipeline input and arguments; host output (-Stream) is dropped.
        function Invoke-Mode {
            param([string] $Mode, [object[]] $InputObject, [hashtable] $Arguments = @{}, [switch] $NoInput)
            $splat = $Arguments.Clone()
            $command = 'Invoke-GeminiChat'
            # Streams go one at a time; only Invoke-GeminiChat has -ThrottleLimit.
            if ($Mode -eq 'Get-GeminiStream') { $command = 'Get-GeminiStream'; $splat.Remove('ThrottleLimit') }
            if ($Mode -eq 'Invoke-GeminiChat -Stream') { $splat['Stream'] = $true }
            if ($NoInput) { & $command @splat 6>$null }
            else { $InputObject | & $command @splat 6>$null }
        }

        # Each logged chat request as 'role:text|role:text'.
        function Get-SentConversation {
            @(Get-EmulatorRequest) | ForEach-Object {
                (@($_.BodyJson.messages) | ForEach-Object {
                        $content = $_.content
                        if ($content -is [array]) { $content = (@($content | Where-Object type -EQ 'text') | ForEach-Object text) -join '' }
                        "$($_.role):$content"
                    }) -join '|'
            }
        }

        $conversationFile = Join-Path ([System.IO.Path]::GetTempPath()) ("vertexai-conv-" + [guid]::NewGuid().ToString('N') + '.json')
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
        Remove-Item -LiteralPath $conversationFile -ErrorAction SilentlyContinue
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context '<Mode>' -ForEach $modes {
        It 'sends chained New-GeminiMessage output as one request [system, user]' {
            New-GeminiMessage -Role system 'Be terse' | New-GeminiMessage 'Hi' | ForEach-Object { $_ } |
                Set-Variable piped
            $null = Invoke-Mode $Mode $piped
            @(Get-SentConversation) | Should -Be @('system:Be terse|user:Hi')
        }

        It 'sends one piped message as one request [user]' {
            $null = Invoke-Mode $Mode @(New-GeminiMessage 'Hi')
            @(Get-SentConversation) | Should -Be @('user:Hi')
        }

        It 'sends an imported conversation, then the command-line prompt, in one request' {
            $first = Invoke-GeminiChat 'saved question'
            $first | Export-GeminiConversation -Path $conversationFile
            Clear-EmulatorRequest
            $null = Invoke-Mode $Mode @(Import-GeminiConversation $conversationFile) @{ Prompt = 'next' }
            @(Get-SentConversation) | Should -Be @('user:saved question|assistant:Echo: saved question|user:next')
        }

        It 'continues a piped completion: its conversation, its answer, then the prompt, in one request' {
            $first = Invoke-GeminiChat 'first question'
            Clear-EmulatorRequest
            $null = Invoke-Mode $Mode @($first) @{ Prompt = 'next' }
            @(Get-SentConversation) | Should -Be @('user:first question|assistant:Echo: first question|user:next')
        }

        It 'sends each piped prompt with the message piped before it: 2 requests' {
            $system = New-GeminiMessage -Role system 'Be terse'
            $null = Invoke-Mode $Mode @($system, 'q1', 'q2') @{ ThrottleLimit = 1 }
            @(Get-SentConversation) | Should -Be @('system:Be terse|user:q1', 'system:Be terse|user:q2')
        }

        It 'sends each piped prompt after -Message: 2 requests' {
            $system = New-GeminiMessage -Role system 'Be terse'
            $null = Invoke-Mode $Mode @('q1', 'q2') @{ Message = $system; ThrottleLimit = 1 }
            @(Get-SentConversation) | Should -Be @('system:Be terse|user:q1', 'system:Be terse|user:q2')
        }

        It 'takes the Prompt property of piped objects (Import-Csv rows), one request each' {
            $csv = 'Id,Prompt', '1,first ticket', '2,second ticket' | ConvertFrom-Csv
            $null = Invoke-Mode $Mode $csv @{ ThrottleLimit = 1 }
            @(Get-SentConversation) | Should -Be @('user:first ticket', 'user:second ticket')
        }

        It 'sends a piped number as prompt text' {
            $null = Invoke-Mode $Mode @(42)
            @(Get-SentConversation) | Should -Be @('user:42')
        }

        It 'refuses a piped <Kind> by its type before any request' -ForEach @(
            @{ Kind = 'hashtable'; Value = @{ Id = 1; Text = 'x' }; TypeName = 'System.Collections.Hashtable' }
            @{ Kind = 'PSCustomObject without Prompt'; Value = [pscustomobject]@{ Id = 1; Question = 'x' }; TypeName = 'System.Management.Automation.PSCustomObject' }
            @{ Kind = '.NET object'; Value = [System.Version]'1.2.3'; TypeName = 'System.Version' }
        ) {
            $failure = { Invoke-Mode $Mode @($Value) @{ Prompt = 'after' } } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'Gemini.UnsupportedInput*'
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike "*$TypeName*"
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'refuses a piped file before any request, pointing at New-GeminiMessage' {
            $file = Join-Path $TestDrive 'pixel.png'
            [System.IO.File]::WriteAllBytes($file, [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='))
            $failure = { Invoke-Mode $Mode @(Get-Item -LiteralPath $file) @{ Prompt = 'Describe' } } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'Gemini.UnsupportedInput*'
            $failure.Exception.Message | Should -BeLike '*New-GeminiMessage*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }
    }

    Context 'Sending files through New-GeminiMessage' {
        It 'attaches a piped file to the message, which then goes in one request' {
            $file = Join-Path $TestDrive 'pixel.png'
            [System.IO.File]::WriteAllBytes($file, [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='))
            Get-Item -LiteralPath $file | New-GeminiMessage 'Describe' | Invoke-GeminiChat | Out-Null
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 1
            $parts = @($requests[0].BodyJson.messages[0].content)
            $parts[0].text | Should -Be 'Describe'
            $parts[1].image_url | Should -BeLike 'data:image/png;base64,*'
        }

        It 'passes a piped message through New-GeminiMessage without inventing one from its text' {
            $system = New-GeminiMessage -Role system 'Be terse'
            $out = @($system | New-GeminiMessage)
            $out.Count | Should -Be 1
            $out[0].Role | Should -Be 'system'
        }
    }

    Context 'Function calling, as in help Example 7' {
        It 'ends with the model''s final answer after the tool result is sent back' {
            $weather = New-GeminiTool get_weather 'Gets the current weather for a city' @{
                type       = 'object'
                properties = @{ city = @{ type = 'string'; description = 'City name, e.g. Zurich' } }
                required   = @('city')
            }
            $question = New-GeminiMessage 'Do I need an umbrella in Zurich today?'
            $reply = $question | Invoke-GeminiChat -Tool $weather -Model gemini-3-pro-preview
            $call = $reply.ToolCalls[0]
            $arguments = $call.Function.Arguments | ConvertFrom-Json
            $result = @{ city = $arguments.city; forecast = 'rain' } | ConvertTo-Json -Compress
            $final = @($question, $reply.Message, (New-GeminiMessage -ToolCallId $call.Id $result) |
                    Invoke-GeminiChat -Tool $weather -Model gemini-3-pro-preview)

            $final.Count | Should -Be 1
            $final[0].FinishReason | Should -Be 'stop'
            $final[0].Content | Should -Be "Echo: tool results: $result"
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            (@($requests[1].BodyJson.messages.role) -join ',') | Should -Be 'user,assistant,tool'
            $requests[1].BodyJson.messages[1].tool_calls[0].extra_content.google.thought_signature | Should -Be $call.ThoughtSignature
        }
    }

    Context 'One piped object binds to one parameter' {
        It 'binds a piped <Kind> to <Expected> only (Trace-Command)' -ForEach @(
            @{ Kind = 'message'; Expected = 'Message'; Make = { New-GeminiMessage 'Hi' } }
            @{ Kind = 'string'; Expected = 'Prompt'; Make = { 'Hi' } }
            @{ Kind = 'Import-Csv row'; Expected = 'Prompt'; Make = { [pscustomobject]@{ Id = 1; Prompt = 'Hi' } } }
            @{ Kind = 'completion'; Expected = 'Conversation'; Make = { Invoke-GeminiChat 'Hi' } }
        ) {
            $object = & $Make
            $log = Join-Path $TestDrive 'binding.log'
            Remove-Item -LiteralPath $log -ErrorAction SilentlyContinue
            $prompt = if ($Expected -eq 'Prompt') { @{} } else { @{ Prompt = 'next' } }
            Trace-Command -Name ParameterBinding -FilePath $log -Expression { $null = $object | Invoke-GeminiChat @prompt }
            $text = Get-Content -LiteralPath $log -Raw
            # Only what happens from the pipeline binding of Invoke-GeminiChat on.
            $pipeline = $text.Substring($text.IndexOf('BIND PIPELINE object to parameters: [Invoke-GeminiChat]'))
            $bound = @([regex]::Matches($pipeline, '(?s)BIND arg \[.*?\] to param \[(\w+)\] SUCCESSFUL') | ForEach-Object { $_.Groups[1].Value })
            $bound | Should -Be @($Expected)
        }
    }
}
