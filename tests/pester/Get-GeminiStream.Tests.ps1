# Pester 5: Get-GeminiStream in a real PowerShell session against the Vertex AI emulator (tests/VertexAI.Emulator).
# Run from the repository root: Invoke-Pester ./tests/pester

Describe 'Get-GeminiStream' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $token = $emulator.Token
        $PSDefaultParameterValues = $session.Defaults
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'Command metadata' {
        It 'declares ChatCompletionChunk and String as its output types' {
            (@((Get-Command Get-GeminiStream).OutputType.Name | Sort-Object) -join ',') | Should -Be 'System.String,VertexAI.ChatCompletionChunk'
        }

        # The shared chat parameters: ChatParameters.Tests.ps1.
        It '-TextOnly is a switch and there is no -Stream' {
            Assert-ParameterShape -CommandName Get-GeminiStream -Name TextOnly -Type 'System.Management.Automation.SwitchParameter'
            (Get-Command Get-GeminiStream).Parameters.ContainsKey('Stream') | Should -BeFalse
        }
    }

    Context 'Chunks' {
        It 'writes one chunk per streamed word whose Text joins to the echo' {
            $chunks = @(Get-GeminiStream 'Hello world')
            $chunks.Count | Should -Be 3
            foreach ($chunk in $chunks) { $chunk.GetType().FullName | Should -Be 'VertexAI.ChatCompletionChunk' }
            (-join $chunks.Text) | Should -Be 'Echo: Hello world'
            $chunks[-1].FinishReason | Should -Be 'stop'
            $chunks[-1].Usage.PromptTokens | Should -Be 2
            $chunks[-1].Usage.CompletionTokens | Should -Be 3
        }

        It 'asks for a stream from the managed endpoint' {
            Get-GeminiStream 'Hello' | Out-Null
            $request = @(Get-EmulatorRequest)
            $request.Count | Should -Be 1
            $request[0].path | Should -Be '/v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions'
            $request[0].BodyJson.stream | Should -BeTrue
            $request[0].BodyJson.model | Should -Be 'google/gemini-2.5-flash'
            $request[0].headers.Authorization | Should -Be "Bearer $token"
        }

        It 'writes only the non-empty text as strings with -TextOnly' {
            $pieces = @(Get-GeminiStream 'Hello world' -TextOnly)
            $pieces.Count | Should -Be 3
            foreach ($piece in $pieces) {
                $piece | Should -BeOfType [string]
                $piece | Should -Not -BeNullOrEmpty
            }
            (-join $pieces) | Should -Be 'Echo: Hello world'
        }

        It 'writes every piece to the next command, in order' {
            $seen = New-Object System.Collections.Generic.List[string]
            Get-GeminiStream 'one two three four' -TextOnly | ForEach-Object { $seen.Add($_) }
            (@($seen) -join '|') | Should -Be 'Echo: |one |two |three |four'
        }

        It 'stops cleanly when the pipeline wants only the first chunk' {
            $first = @(Get-GeminiStream 'one two three four five six' | Select-Object -First 1)
            $first.Count | Should -Be 1
            $first[0].Text | Should -Be 'Echo: '
            # The command is usable again right away.
            (-join (Get-GeminiStream 'again' -TextOnly)) | Should -Be 'Echo: again'
        }

        It 'streams the thoughts first when -ExtraBody asks for them' {
            $extra = @{ google = @{ thinking_config = @{ include_thoughts = $true; thinking_budget = 1024 }; thought_tag_marker = 'think' } }
            $chunks = @(Get-GeminiStream 'Is 7 prime?' -ExtraBody $extra)
            (Get-EmulatorRequest)[0].BodyJson.extra_body.google.thought_tag_marker | Should -Be 'think'
            # The tags are taken off: thoughts come in ThoughtText (first), the answer in AnswerText.
            -join ($chunks | ForEach-Object ThoughtText) | Should -Be 'Thinking about: Is 7 prime?'
            -join ($chunks | ForEach-Object AnswerText) | Should -Be 'Echo: Is 7 prime?'
            $chunks[0].IsThought | Should -BeTrue
            $firstAnswer = [array]::FindIndex([object[]] $chunks, [Predicate[object]] { param($c) -not [string]::IsNullOrEmpty($c.AnswerText) })
            $lastThought = [array]::FindLastIndex([object[]] $chunks, [Predicate[object]] { param($c) -not [string]::IsNullOrEmpty($c.ThoughtText) })
            $lastThought | Should -BeLessOrEqual $firstAnswer
            -join ($chunks | ForEach-Object Text) | Should -Be '<think>Thinking about: Is 7 prime?</think>Echo: Is 7 prime?'
            # -TextOnly writes the answer only.
            -join (Get-GeminiStream 'Is 7 prime?' -ExtraBody $extra -TextOnly) | Should -Be 'Echo: Is 7 prime?'
        }

        It 'streams a tool call as a chunk with the call and its thought signature' {
            $tool = New-GeminiTool get_weather 'Gets the weather' @{ type = 'object'; properties = @{ city = @{ type = 'string' } }; required = @('city') }
            $chunks = @(Get-GeminiStream 'Weather in Oslo?' -Tool $tool)
            $calls = @($chunks | ForEach-Object { $_.Choices } | ForEach-Object { $_.Delta.ToolCalls } | Where-Object { $null -ne $_ })
            $calls.Count | Should -BeGreaterOrEqual 1
            $calls[0].Function.Name | Should -Be 'get_weather'
            @($calls | Where-Object { $_.ThoughtSignature }).Count | Should -BeGreaterOrEqual 1
            $chunks[-1].FinishReason | Should -Be 'tool_calls'
        }
    }

    Context 'Endpoints and options' {
        It 'uses the global location, v1beta1 and an explicit token' {
            $PSDefaultParameterValues = @{}
            Get-GeminiStream -Prompt 'Hello' -BaseUri $emulator.Url -AccessToken $token -Project explicit-project -Location global -ApiVersion v1beta1 | Out-Null
            (Get-EmulatorRequest)[0].path | Should -Be '/v1beta1/projects/explicit-project/locations/global/endpoints/openapi/chat/completions'
        }

        It 'calls a self-deployed endpoint' {
            Get-GeminiStream 'Hello' -Endpoint 555 -Model gemma-2-9b-it | Out-Null
            $request = (Get-EmulatorRequest)[0]
            $request.path | Should -Be '/v1/projects/test-project/locations/us-central1/endpoints/555/chat/completions'
            $request.BodyJson.model | Should -Be 'gemma-2-9b-it'
        }

        It 'sends temperature, max_tokens and stop' {
            $text = -join (Get-GeminiStream 'one two three' -Temperature 0.2 -MaxTokens 2 -Stop 'zzz' -TextOnly)
            $body = (Get-EmulatorRequest)[0].BodyJson
            $body.temperature | Should -Be 0.2
            $body.max_tokens | Should -Be 2
            (@($body.stop) -join ',') | Should -Be 'zzz'
            $text | Should -Be 'Echo: one'
        }
    }

    Context 'Pipeline' {
        It 'sends two chained New-GeminiMessage as one streamed request' {
            $text = -join (New-GeminiMessage -Role system 'Be terse' | New-GeminiMessage 'Hi' | Get-GeminiStream -TextOnly)
            $text | Should -Be 'Echo: Hi'
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 1
            (@($requests[0].BodyJson.messages.role) -join ',') | Should -Be 'system,user'
        }

        It 'streams one request per piped prompt, in order' {
            $pieces = @('a', 'b' | Get-GeminiStream -TextOnly)
            (-join $pieces) | Should -Be 'Echo: aEcho: b'
            @(Get-EmulatorRequest).Count | Should -Be 2
        }
    }

    Context 'Errors' {
        It 'turns a persistent 429 into a non-terminating LimitsExceeded error before any chunk' {
            # -MaxRetries 1: the 429 is retried once, so 'first' makes exactly two attempts.
            Add-EmulatorScenario -Status 429 -Body (Get-RateLimitBody) -Headers @{ 'Retry-After' = '0' } -Count 2
            $pieces = @('first', 'second' | Get-GeminiStream -MaxRetries 1 -TextOnly -ErrorVariable failed -ErrorAction SilentlyContinue)
            $failed.Count | Should -Be 1
            $failed[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.RESOURCE_EXHAUSTED*'
            $failed[0].Exception.GetType().FullName | Should -Be 'VertexAI.GeminiApiException'
            $failed[0].Exception.HttpStatus | Should -Be 429
            $failed[0].TargetObject | Should -Be 'first'
            (-join $pieces) | Should -Be 'Echo: second'
            $failed[0].Exception.Attempts | Should -Be 2
            @(Get-EmulatorRequest).Count | Should -Be 3
        }

        It 'keeps the chunks that arrived and reports a broken stream as InvalidResult' {
            $body = New-SseBody -Chunk (New-TestChunkJson -Text 'Partial '), (New-TestChunkJson -Text 'answer') -NoDone
            Add-EmulatorScenario -Status 200 -Body $body -Headers @{ 'Content-Type' = 'text/event-stream' }
            $chunks = @(Get-GeminiStream 'Hello' -ErrorVariable failed -ErrorAction SilentlyContinue)
            $chunks.Count | Should -Be 2
            (-join $chunks.Text) | Should -Be 'Partial answer'
            $failed.Count | Should -Be 1
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidResult'
            $failed[0].Exception.GetType().FullName | Should -Be 'VertexAI.GeminiStreamException'
            $failed[0].Exception.ChunksReceived | Should -Be 2
            # Nothing is retried once chunks have been written.
            @(Get-EmulatorRequest).Count | Should -Be 1
        }

        It 'reads a scripted stream that ends properly' {
            $body = New-SseBody -Chunk (New-TestChunkJson -Text 'Scripted '), (New-TestChunkJson -Text 'reply' -FinishReason 'stop')
            Add-EmulatorScenario -Status 200 -Body $body -Headers @{ 'Content-Type' = 'text/event-stream' }
            (-join (Get-GeminiStream 'Hello' -TextOnly -ErrorAction Stop)) | Should -Be 'Scripted reply'
        }

        It 'reports a rejected token as AuthenticationError without showing it' {
            $bad = 'not-a-valid-token-51c2e0'
            $merged = @(Get-GeminiStream 'Hello' -AccessToken $bad -ErrorVariable failed -ErrorAction SilentlyContinue *>&1)
            $failed.Count | Should -Be 1
            $failed[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $failed[0].Exception.HttpStatus | Should -Be 401
            (ConvertTo-PlainText ($merged + @($failed))).Contains($bad) | Should -BeFalse
        }

        It 'stops with a terminating error naming -Project when no project is set anywhere' {
            $PSDefaultParameterValues = $PSDefaultParameterValues.Clone()
            $PSDefaultParameterValues.Remove('*-Gemini*:Project')
            $saved = $env:GOOGLE_CLOUD_PROJECT
            try {
                $env:GOOGLE_CLOUD_PROJECT = $null
                $failure = { Get-GeminiStream 'Hello' } | Should -Throw -PassThru
            }
            finally {
                $env:GOOGLE_CLOUD_PROJECT = $saved
            }
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*-Project*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'refuses plain http to a host that is not loopback' {
            $failure = { Get-GeminiStream 'Hello' -BaseUri 'http://10.1.2.3:8080/' } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }
    }

    Context 'Verbose output and secrets' {
        It 'shows the URL with -Verbose and never the token on any stream' {
            $DebugPreference = 'Continue'
            $merged = @(& { Get-GeminiStream 'Hello' -Verbose } *>&1)
            $verboseText = @($merged | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n"
            $verboseText | Should -BeLike "*$($emulator.Url)v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions*"
            (ConvertTo-PlainText $merged).Contains($token) | Should -BeFalse
        }
    }

    Context 'Streamed function call arguments' {
        It 'writes the chunks as they arrive and the last chunk holds the assembled calls' {
            $tool = New-GeminiTool get_weather 'Gets the weather' @{ type = 'object'; properties = @{ city = @{ type = 'string' } }; required = @('city') }
            $chunks = @(Get-GeminiStream 'Boston' -Tool $tool -StreamFunctionCallArguments)
            (Get-EmulatorRequest)[0].BodyJson.extra_body.google.stream_function_call_arguments | Should -BeTrue
            $chunks.Count | Should -BeGreaterThan 2
            $calls = @($chunks[-1].ToolCallsSoFar)
            $calls.Count | Should -Be 1
            ($calls[0].Function.Arguments | ConvertFrom-Json).city | Should -Be 'Boston'
            $calls[0].ThoughtSignature | Should -Not -BeNullOrEmpty
        }

        It 'tells thought text from answer text and -TextOnly writes only the answer' {
            $chunks = @(Get-GeminiStream 'Is 7 prime?' -IncludeThoughts -ThoughtTagMarker think)
            (($chunks | ForEach-Object { $_.ThoughtText }) -join '') | Should -Be 'Thinking about: Is 7 prime?'
            (($chunks | ForEach-Object { $_.AnswerText }) -join '') | Should -Be 'Echo: Is 7 prime?'
            ((Get-GeminiStream 'Is 7 prime?' -IncludeThoughts -ThoughtTagMarker think -TextOnly) -join '') | Should -Be 'Echo: Is 7 prime?'
        }
    }

    Context 'Help' {
        It 'has a synopsis and examples with code, -TextOnly among them' {
            $help = Get-Help Get-GeminiStream -Full
            $help.Synopsis | Should -Be 'Streams a Gemini chat completion from Vertex AI, writing each chunk as it arrives.'
            $examples = @($help.examples.example)
            $examples.Count | Should -BeGreaterOrEqual 2
            foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
            (@($examples.code) -join "`n") | Should -BeLike '*-TextOnly*'
        }
    }
}
