# Pester 5: Invoke-GeminiChat in a real PowerShell session against the Vertex AI emulator (tests/VertexAI.Emulator).
# Run from the repository root: Invoke-Pester ./tests/pester

Describe 'Invoke-GeminiChat' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $token = $emulator.Token
        $secureToken = $session.Defaults['*-Gemini*:AccessToken']
        $managedPath = '/v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions'
        # Session defaults, as a user would set them; tests that need other values shadow this variable.
        $PSDefaultParameterValues = $session.Defaults
        $weatherTool = New-GeminiTool get_weather 'Gets the current weather for a city' @{
            type       = 'object'
            properties = @{ city = @{ type = 'string'; description = 'City name' } }
            required   = @('city')
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'Command metadata' {
        It 'declares ChatCompletion as its output type' {
            (@((Get-Command Invoke-GeminiChat).OutputType.Name) -join ',') | Should -Be 'VertexAI.ChatCompletion'
        }

        # The shared chat parameters: ChatParameters.Tests.ps1.
        It '-Stream is a switch' {
            Assert-ParameterShape -CommandName Invoke-GeminiChat -Name Stream -Type 'System.Management.Automation.SwitchParameter'
        }

        It 'limits -ApiVersion to v1 and v1beta1' {
            $set = (Get-Command Invoke-GeminiChat).Parameters['ApiVersion'].Attributes |
                Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
            (@($set.ValidValues | Sort-Object) -join ',') | Should -Be 'v1,v1beta1'
        }

        It 'rejects <Arguments> before sending anything' -ForEach @(
            @{ Arguments = '-Temperature 2.5'; Splat = @{ Temperature = 2.5 } }
            @{ Arguments = '-TopP 1.5'; Splat = @{ TopP = 1.5 } }
            @{ Arguments = '-MaxTokens 0'; Splat = @{ MaxTokens = 0 } }
            @{ Arguments = '-ApiVersion v2'; Splat = @{ ApiVersion = 'v2' } }
        ) {
            { Invoke-GeminiChat 'Hello' @Splat } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'completes <Parameter> values with <Expected>' -ForEach @(
            @{ Parameter = 'Model'; Word = 'gemini-2.5-p'; Expected = 'gemini-2.5-pro' }
            @{ Parameter = 'Location'; Word = 'europe-west'; Expected = 'europe-west4' }
            @{ Parameter = 'ToolChoice'; Word = 're'; Expected = 'required' }
        ) {
            $line = "Invoke-GeminiChat -$Parameter $Word"
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $completions | Should -Contain $Expected
        }

        It 'completes -Model with every model id README and the help use' {
            $root = Get-VertexAIRepoRoot
            $text = (Get-Content -Raw (Join-Path $root 'README.md')) + (Get-Content -Raw (Join-Path $root 'en-US/VertexAI.dll-Help.xml'))
            $used = @([regex]::Matches($text, 'gemini-[0-9][0-9a-z.-]*[0-9a-z]') | ForEach-Object Value | Sort-Object -Unique)
            $used | Should -Contain 'gemini-3-pro-image-preview'
            $completions = (TabExpansion2 -inputScript 'Invoke-GeminiChat -Model gemini' -cursorColumn 'Invoke-GeminiChat -Model gemini'.Length).CompletionMatches.CompletionText
            foreach ($model in $used) { $completions | Should -Contain $model }
        }
    }

    Context 'Where requests go' {
        It 'calls the managed endpoint with google/gemini-2.5-flash and the bearer token by default' {
            Invoke-GeminiChat 'Hello' | Out-Null
            $request = @(Get-EmulatorRequest)
            $request.Count | Should -Be 1
            $request[0].method | Should -Be 'POST'
            $request[0].path | Should -Be $managedPath
            $request[0].apiVersion | Should -Be 'v1'
            $request[0].project | Should -Be 'test-project'
            $request[0].location | Should -Be 'us-central1'
            $request[0].endpointId | Should -Be 'openapi'
            $request[0].headers.Authorization | Should -Be "Bearer $token"
            $request[0].BodyJson.model | Should -Be 'google/gemini-2.5-flash'
        }

        It 'takes every setting as an explicit parameter, with a plain-string token' {
            $PSDefaultParameterValues = @{}
            $result = Invoke-GeminiChat -Prompt 'Hello' -BaseUri $emulator.Url -AccessToken $token -Project explicit-project -Location europe-west4
            $result.Content | Should -Be 'Echo: Hello'
            $request = @(Get-EmulatorRequest)
            $request[0].path | Should -Be '/v1/projects/explicit-project/locations/europe-west4/endpoints/openapi/chat/completions'
            $request[0].headers.Authorization | Should -Be "Bearer $token"
        }

        It 'lets an explicit -Project win over the session default' {
            Invoke-GeminiChat 'Hello' -Project other-project | Out-Null
            (Get-EmulatorRequest)[0].project | Should -Be 'other-project'
        }

        It 'falls back to GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION' {
            $PSDefaultParameterValues = @{
                '*-Gemini*:BaseUri'     = $emulator.BaseUri
                '*-Gemini*:AccessToken' = $secureToken
            }
            $savedProject = $env:GOOGLE_CLOUD_PROJECT
            $savedLocation = $env:GOOGLE_CLOUD_LOCATION
            try {
                $env:GOOGLE_CLOUD_PROJECT = 'env-project'
                $env:GOOGLE_CLOUD_LOCATION = 'asia-northeast1'
                Invoke-GeminiChat 'Hello' | Out-Null
            }
            finally {
                $env:GOOGLE_CLOUD_PROJECT = $savedProject
                $env:GOOGLE_CLOUD_LOCATION = $savedLocation
            }
            (Get-EmulatorRequest)[0].path | Should -Be '/v1/projects/env-project/locations/asia-northeast1/endpoints/openapi/chat/completions'
        }

        It 'prefers the session default over the environment variable' {
            $saved = $env:GOOGLE_CLOUD_PROJECT
            try {
                $env:GOOGLE_CLOUD_PROJECT = 'env-project'
                Invoke-GeminiChat 'Hello' | Out-Null
            }
            finally {
                $env:GOOGLE_CLOUD_PROJECT = $saved
            }
            (Get-EmulatorRequest)[0].project | Should -Be 'test-project'
        }

        It 'calls the global location' {
            Invoke-GeminiChat 'Hello' -Location global | Out-Null
            (Get-EmulatorRequest)[0].path | Should -Be '/v1/projects/test-project/locations/global/endpoints/openapi/chat/completions'
        }

        It 'calls v1beta1 with -ApiVersion v1beta1' {
            Invoke-GeminiChat 'Hello' -ApiVersion v1beta1 | Out-Null
            $request = (Get-EmulatorRequest)[0]
            $request.path | Should -Be '/v1beta1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions'
            $request.apiVersion | Should -Be 'v1beta1'
        }

        It 'calls a self-deployed endpoint with -Endpoint and sends no google/ model' {
            $result = Invoke-GeminiChat 'Hello' -Endpoint 1234567890
            $request = (Get-EmulatorRequest)[0]
            $request.path | Should -Be '/v1/projects/test-project/locations/us-central1/endpoints/1234567890/chat/completions'
            $request.endpointId | Should -Be '1234567890'
            # No -Model: the body carries no model at all (a wrong one would not pass either).
            $request.BodyJson.PSObject.Properties.Name | Should -Not -Contain 'model'
            $result.Content | Should -Be 'Echo: Hello'
        }

        It 'sends the model as given to a self-deployed endpoint (-EndpointId alias)' {
            Invoke-GeminiChat 'Hello' -EndpointId 987 -Model gemma-2-9b-it | Out-Null
            $request = (Get-EmulatorRequest)[0]
            $request.endpointId | Should -Be '987'
            $request.BodyJson.model | Should -Be 'gemma-2-9b-it'
        }

        It 'sends -Model <Model> as <Sent> on the managed endpoint' -ForEach @(
            @{ Model = 'gemini-2.5-pro'; Sent = 'google/gemini-2.5-pro' }
            @{ Model = 'google/gemini-2.5-flash-lite'; Sent = 'google/gemini-2.5-flash-lite' }
            @{ Model = 'gemini-3-pro-preview'; Sent = 'google/gemini-3-pro-preview' }
        ) {
            Invoke-GeminiChat 'Hello' -Model $Model | Out-Null
            (Get-EmulatorRequest)[0].BodyJson.model | Should -Be $Sent
        }
    }

    Context 'Request body' {
        It 'sends the prompt as one user message and leaves unset options out' {
            Invoke-GeminiChat 'Hello there' | Out-Null
            $body = (Get-EmulatorRequest)[0].BodyJson
            @($body.messages).Count | Should -Be 1
            $body.messages[0].role | Should -Be 'user'
            $body.messages[0].content | Should -Be 'Hello there'
            $names = $body.PSObject.Properties.Name
            foreach ($unset in 'temperature', 'top_p', 'max_tokens', 'stop', 'seed', 'tools', 'tool_choice', 'response_format', 'extra_body') {
                $names | Should -Not -Contain $unset
            }
            $body.stream | Should -Not -BeTrue
        }

        It 'sends temperature, top_p, max_tokens, stop and seed' {
            $result = Invoke-GeminiChat 'one two three' -Temperature 0.5 -TopP 0.25 -MaxTokens 2 -Stop 'zzz', 'yyy' -Seed 42
            $body = (Get-EmulatorRequest)[0].BodyJson
            $body.temperature | Should -Be 0.5
            $body.top_p | Should -Be 0.25
            $body.max_tokens | Should -Be 2
            (@($body.stop) -join ',') | Should -Be 'zzz,yyy'
            $body.seed | Should -Be 42
            # The emulator keeps max_tokens words of "Echo: one two three".
            $result.Content | Should -Be 'Echo: one'
            $result.FinishReason | Should -Be 'length'
        }

        It 'ends the answer before a -Stop string' {
            $result = Invoke-GeminiChat 'one two three' -Stop 'three'
            $result.Content | Should -Be 'Echo: one two '
            $result.FinishReason | Should -Be 'stop'
        }

        It 'sends -ResponseFormat json_object' {
            $result = Invoke-GeminiChat 'Hello' -ResponseFormat json_object
            (Get-EmulatorRequest)[0].BodyJson.response_format.type | Should -Be 'json_object'
            ($result.Content | ConvertFrom-Json).echo | Should -Be 'Hello'
        }

        It 'sends a json_schema -ResponseFormat given as a hashtable' {
            $format = @{
                type        = 'json_schema'
                json_schema = @{
                    name   = 'person'
                    schema = @{ type = 'object'; properties = @{ name = @{ type = 'string' } }; required = @('name') }
                }
            }
            $result = Invoke-GeminiChat 'Who wrote Faust?' -ResponseFormat $format
            $sent = (Get-EmulatorRequest)[0].BodyJson.response_format
            $sent.type | Should -Be 'json_schema'
            $sent.json_schema.name | Should -Be 'person'
            $sent.json_schema.schema.properties.name.type | Should -Be 'string'
            ($result.Content | ConvertFrom-Json).name | Should -Be 'example'
        }

        It 'refuses an unknown -ResponseFormat before sending anything' {
            $failure = { Invoke-GeminiChat 'Hello' -ResponseFormat yaml } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'sends -ExtraBody as the literal top-level extra_body and gets the thoughts back' {
            $extra = @{ google = @{ thinking_config = @{ include_thoughts = $true; thinking_budget = 1024 }; thought_tag_marker = 'think' } }
            $result = Invoke-GeminiChat 'Is 7 prime?' -ExtraBody $extra
            $body = (Get-EmulatorRequest)[0].BodyJson
            $body.PSObject.Properties.Name | Should -Contain 'extra_body'
            (@($body.extra_body.PSObject.Properties.Name) -join ',') | Should -Be 'google'
            $body.extra_body.google.thinking_config.include_thoughts | Should -BeTrue
            $body.extra_body.google.thinking_config.thinking_budget | Should -Be 1024
            $body.extra_body.google.thought_tag_marker | Should -Be 'think'
            # The thought_tag_marker from -ExtraBody separates the thoughts: the answer in Content, the text as sent in RawContent.
            $result.Content | Should -Be 'Echo: Is 7 prime?'
            $result.Thoughts | Should -Be 'Thinking about: Is 7 prime?'
            $result.RawContent | Should -Be '<think>Thinking about: Is 7 prime?</think>Echo: Is 7 prime?'
            $result.Usage.ReasoningTokens | Should -Be 7
        }

        It 'sends tools and -ToolChoice required, and returns the tool call with its thought signature' {
            $result = Invoke-GeminiChat 'Weather in Paris?' -Tool $weatherTool -ToolChoice required
            $body = (Get-EmulatorRequest)[0].BodyJson
            @($body.tools).Count | Should -Be 1
            $body.tools[0].type | Should -Be 'function'
            $body.tools[0].function.name | Should -Be 'get_weather'
            $body.tool_choice | Should -Be 'required'
            $result.FinishReason | Should -Be 'tool_calls'
            @($result.ToolCalls).Count | Should -Be 1
            $result.ToolCalls[0].Function.Name | Should -Be 'get_weather'
            ($result.ToolCalls[0].Function.Arguments | ConvertFrom-Json).city | Should -Be 'Weather in Paris?'
            $result.ToolCalls[0].ThoughtSignature | Should -Not -BeNullOrEmpty
        }

        It 'sends a function name as a named tool_choice' {
            Invoke-GeminiChat 'Weather in Paris?' -Tools $weatherTool -ToolChoice get_weather | Out-Null
            $choice = (Get-EmulatorRequest)[0].BodyJson.tool_choice
            $choice.type | Should -Be 'function'
            $choice.function.name | Should -Be 'get_weather'
        }

        It 'sends tool_choice none and gets text back' {
            $result = Invoke-GeminiChat 'Weather in Paris?' -Tool $weatherTool -ToolChoice none
            (Get-EmulatorRequest)[0].BodyJson.tool_choice | Should -Be 'none'
            $result.Content | Should -Be 'Echo: Weather in Paris?'
        }

        It 'sends a message''s extra_content' {
            New-GeminiMessage 'Hi' -ExtraContent @{ google = @{ thought = $true } } | Invoke-GeminiChat | Out-Null
            (Get-EmulatorRequest)[0].BodyJson.messages[0].extra_content.google.thought | Should -BeTrue
        }

        It 'replays a tool call with its thought signature so that Gemini 3 accepts the follow-up' {
            $question = New-GeminiMessage 'Weather in Paris?'
            $first = $question | Invoke-GeminiChat -Tool $weatherTool -Model gemini-3-pro-preview
            $call = $first.ToolCalls[0]
            $answer = New-GeminiMessage -ToolCallId $call.Id '{"sky":"clear"}'
            $second = $question, $first.Message, $answer | Invoke-GeminiChat -Tool $weatherTool -Model gemini-3-pro-preview -ErrorAction Stop
            $second.Content | Should -Be 'Echo: tool results: {"sky":"clear"}'
            $sent = (Get-EmulatorRequest)[1].BodyJson.messages
            (@($sent.role) -join ',') | Should -Be 'user,assistant,tool'
            $sent[1].tool_calls[0].extra_content.google.thought_signature | Should -Be $call.ThoughtSignature
            $sent[2].tool_call_id | Should -Be $call.Id
        }
    }

    Context 'Output' {
        It 'writes one ChatCompletion with the echo, the usage and the model' {
            $result = @(Invoke-GeminiChat 'Hello world')
            $result.Count | Should -Be 1
            $result[0].GetType().FullName | Should -Be 'VertexAI.ChatCompletion'
            $result[0].Content | Should -Be 'Echo: Hello world'
            $result[0].FinishReason | Should -Be 'stop'
            $result[0].Message.Role | Should -Be 'assistant'
            $result[0].Model | Should -Be 'google/gemini-2.5-flash'
            $result[0].Usage.PromptTokens | Should -Be 2
            $result[0].Usage.CompletionTokens | Should -Be 3
            $result[0].Usage.TotalTokens | Should -Be 5
        }

        It 'shows the answer text by default' {
            (Invoke-GeminiChat 'Hello world' | Out-String).Trim() | Should -Be 'Echo: Hello world'
        }

        It 'writes nothing to the host without -Stream' {
            Invoke-GeminiChat 'Hello' -InformationVariable shown | Out-Null
            @($shown).Count | Should -Be 0
        }
    }

    Context '-Stream' {
        It 'streams the text to the host (PSHOST information records), then writes the completion' {
            $result = @(Invoke-GeminiChat 'Hello world' -Stream -InformationVariable shown 6>$null)
            $result.Count | Should -Be 1
            $result[0].GetType().FullName | Should -Be 'VertexAI.ChatCompletion'
            $result[0].Content | Should -Be 'Echo: Hello world'
            $result[0].Usage.CompletionTokens | Should -Be 3
            $hostRecords = @($shown | Where-Object { $_.Tags -contains 'PSHOST' })
            # One record per streamed word ("Echo: ", "Hello ", "world"), possibly a closing line break.
            $hostRecords.Count | Should -BeGreaterOrEqual 3
            $hostRecords[0].MessageData.NoNewLine | Should -BeTrue
            (-join ($hostRecords | ForEach-Object { $_.MessageData.Message })).TrimEnd() | Should -Be 'Echo: Hello world'
            (Get-EmulatorRequest)[0].BodyJson.stream | Should -BeTrue
        }

        It 'is silenced by 6>$null' {
            $merged = @(& { Invoke-GeminiChat 'Hello world' -Stream 6>$null } *>&1)
            @($merged | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).Count | Should -Be 0
            $merged.Count | Should -Be 1
            $merged[0].Content | Should -Be 'Echo: Hello world'
        }

        It 'can be redirected with 6>&1' {
            $merged = @(& { Invoke-GeminiChat 'Hello world' -Stream } 6>&1)
            @($merged | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).Count | Should -BeGreaterOrEqual 3
        }

        It 'assembles streamed tool calls, thought signature included' {
            $result = Invoke-GeminiChat 'Weather in Paris?' -Stream -Tool $weatherTool 6>$null
            $result.FinishReason | Should -Be 'tool_calls'
            @($result.ToolCalls).Count | Should -Be 1
            $result.ToolCalls[0].Function.Name | Should -Be 'get_weather'
            $result.ToolCalls[0].ThoughtSignature | Should -Not -BeNullOrEmpty
        }

        It 'writes what arrived and a non-terminating InvalidResult error when the stream breaks off' {
            $body = New-SseBody -Chunk (New-TestChunkJson -Text 'Partial '), (New-TestChunkJson -Text 'answer') -NoDone
            Add-EmulatorScenario -Status 200 -Body $body -Headers @{ 'Content-Type' = 'text/event-stream' }
            $result = @(Invoke-GeminiChat 'Hello' -Stream -InformationVariable shown -ErrorVariable failed -ErrorAction SilentlyContinue 6>$null)
            $result.Count | Should -Be 0
            (-join (@($shown) | ForEach-Object { $_.MessageData.Message })).TrimEnd() | Should -Be 'Partial answer'
            $failed.Count | Should -Be 1
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidResult'
            $failed[0].Exception.GetType().FullName | Should -Be 'VertexAI.GeminiStreamException'
            @(Get-EmulatorRequest).Count | Should -Be 1
        }
    }

    Context 'Pipeline' {
        It 'sends two chained New-GeminiMessage as one request with two messages' {
            $result = @(New-GeminiMessage -Role system 'Be terse' | New-GeminiMessage 'Hi' | Invoke-GeminiChat)
            $result.Count | Should -Be 1
            $result[0].Content | Should -Be 'Echo: Hi'
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 1
            $messages = $requests[0].BodyJson.messages
            (@($messages.role) -join ',') | Should -Be 'system,user'
            (@($messages.content) -join '|') | Should -Be 'Be terse|Hi'
        }

        It 'sends one request per piped prompt' {
            $result = @('one', 'two', 'three' | Invoke-GeminiChat)
            (@($result.Content) -join '|') | Should -Be 'Echo: one|Echo: two|Echo: three'
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 3
            foreach ($request in $requests) { @($request.BodyJson.messages).Count | Should -Be 1 }
        }

        It 'sends each piped prompt with the messages piped before it' {
            $system = New-GeminiMessage -Role system 'Be terse'
            $result = @($system, 'first', 'second' | Invoke-GeminiChat -ThrottleLimit 1)
            (@($result.Content) -join '|') | Should -Be 'Echo: first|Echo: second'
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            foreach ($i in 0, 1) {
                $messages = @($requests[$i].BodyJson.messages)
                $messages[0].role | Should -Be 'system'
                $messages[0].content | Should -Be 'Be terse'
                $messages[-1].role | Should -Be 'user'
                $expected = @('first', 'second')[$i]
                $messages[-1].content | Should -Be $expected
            }
        }

        It 'sends a command-line prompt after all piped messages, in one request' {
            $system = New-GeminiMessage -Role system 'Be terse'
            $result = @($system | Invoke-GeminiChat 'Hi')
            $result.Count | Should -Be 1
            $messages = @((Get-EmulatorRequest)[0].BodyJson.messages)
            (@($messages.role) -join ',') | Should -Be 'system,user'
            $messages[1].content | Should -Be 'Hi'
        }

        It 'takes the conversation from -Message (alias -Messages) and adds the prompt' {
            $system = New-GeminiMessage -Role system 'Be terse'
            $user = New-GeminiMessage 'First question'
            Invoke-GeminiChat -Message $system, $user | Out-Null
            Invoke-GeminiChat -Messages $system 'Second question' | Out-Null
            $requests = @(Get-EmulatorRequest)
            (@($requests[0].BodyJson.messages.content) -join '|') | Should -Be 'Be terse|First question'
            (@($requests[1].BodyJson.messages.content) -join '|') | Should -Be 'Be terse|Second question'
        }

        It 'continues a conversation with an earlier answer''s Message' {
            $question = New-GeminiMessage 'Hello'
            $first = $question | Invoke-GeminiChat
            $question, $first.Message, (New-GeminiMessage 'And again?') | Invoke-GeminiChat | Out-Null
            $messages = @((Get-EmulatorRequest)[1].BodyJson.messages)
            (@($messages.role) -join ',') | Should -Be 'user,assistant,user'
            $messages[1].content | Should -Be 'Echo: Hello'
        }
    }

    Context 'Errors' {
        It 'turns a persistent 429 into a non-terminating LimitsExceeded error and goes on with the next prompt' {
            # -MaxRetries 1: the 429 is retried once, so 'first' makes exactly two attempts.
            Add-EmulatorScenario -Status 429 -Body (Get-RateLimitBody) -Headers @{ 'Retry-After' = '0' } -Count 2
            # One at a time, so the scripted 429s meet 'first'.
            $result = @('first', 'second' | Invoke-GeminiChat -MaxRetries 1 -ThrottleLimit 1 -ErrorVariable failed -ErrorAction SilentlyContinue)
            $failed.Count | Should -Be 1
            $record = $failed[0]
            $record.CategoryInfo.Category | Should -Be 'LimitsExceeded'
            $record.FullyQualifiedErrorId | Should -BeLike 'Gemini.RESOURCE_EXHAUSTED*'
            $record.TargetObject | Should -Be 'first'
            $record.Exception.GetType().FullName | Should -Be 'VertexAI.GeminiApiException'
            $record.Exception.HttpStatus | Should -Be 429
            $record.Exception.Status | Should -Be 'RESOURCE_EXHAUSTED'
            $record.Exception.Attempts | Should -Be 2
            $record.ToString() | Should -BeLike '*429*'
            $record.ToString() | Should -BeLike '*Resource exhausted, please try again later.*'
            # Non-terminating: the second prompt was still sent and answered.
            $result.Count | Should -Be 1
            $result[0].Content | Should -Be 'Echo: second'
            @(Get-EmulatorRequest).Count | Should -Be 3
        }

        It 'writes the error of a single prompt as it writes that prompt''s error in a batch' {
            # A single prompt on the command line is sent without the batch machinery; its record must not differ.
            Add-EmulatorScenario -Status 429 -Body (Get-RateLimitBody) -Headers @{ 'Retry-After' = '0' } -Count 1
            Invoke-GeminiChat 'alone' -MaxRetries 0 -ErrorVariable single -ErrorAction SilentlyContinue | Out-Null
            Add-EmulatorScenario -Status 429 -Body (Get-RateLimitBody) -Headers @{ 'Retry-After' = '0' } -Count 1
            Invoke-GeminiChat 'alone', 'other' -MaxRetries 0 -ThrottleLimit 1 -ErrorVariable batch -ErrorAction SilentlyContinue | Out-Null
            $single.Count | Should -Be 1
            $batch.Count | Should -Be 1
            $single[0].TargetObject | Should -Be 'alone'
            $single[0].FullyQualifiedErrorId | Should -Be $batch[0].FullyQualifiedErrorId
            $single[0].CategoryInfo.Category | Should -Be $batch[0].CategoryInfo.Category
            $single[0].TargetObject | Should -Be $batch[0].TargetObject
            $single[0].ToString() | Should -Be $batch[0].ToString()
            $single[0].ToString() | Should -BeLike '*alone*'
        }

        It 'maps Vertex''s 400 for a bad model to InvalidArgument' {
            Invoke-GeminiChat 'Hello' -Model 'meta/llama-3' -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
            $failed.Count | Should -Be 1
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.INVALID_ARGUMENT*'
            $failed[0].Exception.HttpStatus | Should -Be 400
            $failed[0].Exception.ErrorMessage | Should -BeLike '*model*'
            (Get-EmulatorRequest)[0].BodyJson.model | Should -Be 'meta/llama-3'
        }

        It 'stops with a terminating error naming -Project when no project is set anywhere' {
            $PSDefaultParameterValues = $PSDefaultParameterValues.Clone()
            $PSDefaultParameterValues.Remove('*-Gemini*:Project')
            $saved = $env:GOOGLE_CLOUD_PROJECT
            try {
                $env:GOOGLE_CLOUD_PROJECT = $null
                $failure = { Invoke-GeminiChat 'Hello' } | Should -Throw -PassThru
            }
            finally {
                $env:GOOGLE_CLOUD_PROJECT = $saved
            }
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*-Project*'
            $failure.Exception.Message | Should -BeLike '*GOOGLE_CLOUD_PROJECT*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'stops with a terminating error naming -Location when no location is set anywhere' {
            $PSDefaultParameterValues = $PSDefaultParameterValues.Clone()
            $PSDefaultParameterValues.Remove('*-Gemini*:Location')
            $saved = $env:GOOGLE_CLOUD_LOCATION
            try {
                $env:GOOGLE_CLOUD_LOCATION = $null
                $failure = { Invoke-GeminiChat 'Hello' } | Should -Throw -PassThru
            }
            finally {
                $env:GOOGLE_CLOUD_LOCATION = $saved
            }
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*-Location*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'refuses plain http to a host that is not loopback' {
            $failure = { Invoke-GeminiChat 'Hello' -BaseUri 'http://example.com/' } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*http*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'reports a token the server rejects as AuthenticationError, without the token' {
            $bad = 'not-a-valid-token-7f3a9c'
            # -ErrorVariable sets the variable in the scope the command runs in, so no & { } here.
            $merged = @(Invoke-GeminiChat 'Hello' -AccessToken $bad -ErrorVariable failed -ErrorAction SilentlyContinue *>&1)
            $failed.Count | Should -Be 1
            $failed[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $failed[0].Exception.GetType().FullName | Should -Be 'VertexAI.GeminiApiException'
            $failed[0].Exception.HttpStatus | Should -Be 401
            (ConvertTo-PlainText ($merged + @($failed))).Contains($bad) | Should -BeFalse
            @(Get-EmulatorRequest).Count | Should -BeGreaterOrEqual 1
        }
    }

    Context 'Verbose output and secrets' {
        It 'shows the URL and the model with -Verbose, and never the token on any stream' {
            $merged = @(& { Invoke-GeminiChat 'Hello' -Verbose } *>&1)
            $verbose = @($merged | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $verbose.Count | Should -BeGreaterThan 0
            $verboseText = @($verbose.Message) -join "`n"
            $verboseText | Should -BeLike "*$($emulator.Url)v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions*"
            $verboseText | Should -BeLike '*google/gemini-2.5-flash*'
            (ConvertTo-PlainText $merged).Contains($token) | Should -BeFalse
        }

        It 'never shows the token in debug output or while streaming, even with a plain-string token' {
            $DebugPreference = 'Continue'
            $merged = @(& { Invoke-GeminiChat 'Hello' -AccessToken $token -Stream -Verbose } *>&1)
            $merged.Count | Should -BeGreaterThan 1
            (ConvertTo-PlainText $merged).Contains($token) | Should -BeFalse
        }
    }

    Context 'Thinking' {
        It 'sends the thinking parameters in extra_body.google, winning over -ExtraBody' {
            $extra = @{ google = @{ thinking_config = @{ thinking_budget = 5; include_thoughts = $false }; safety_settings = @() } }
            Invoke-GeminiChat 'Hi' -ExtraBody $extra -ThinkingBudget 1024 -ThinkingLevel high -IncludeThoughts -ThoughtTagMarker think | Out-Null
            $google = (Get-EmulatorRequest)[0].BodyJson.extra_body.google
            $google.thinking_config.thinking_budget | Should -Be 1024
            $google.thinking_config.thinking_level | Should -Be 'high'
            $google.thinking_config.include_thoughts | Should -BeTrue
            $google.thought_tag_marker | Should -Be 'think'
            $google.PSObject.Properties.Name | Should -Contain 'safety_settings'
        }

        It 'separates tagged thoughts from the answer' {
            $r = Invoke-GeminiChat 'Is 7 prime?' -IncludeThoughts -ThoughtTagMarker think
            $r.Thoughts | Should -Be 'Thinking about: Is 7 prime?'
            $r.Content | Should -Be 'Echo: Is 7 prime?'
            $r.RawContent | Should -BeLike '<think>*'
            $r.Usage.ReasoningTokens | Should -Be 7
            $r.Usage.ToString() | Should -BeLike '*reasoning 7*'
        }

        It 'writes streamed thoughts dimmed and the answer in the host colour' {
            $r = Invoke-GeminiChat 'Is 7 prime?' -IncludeThoughts -ThoughtTagMarker think -Stream -InformationVariable shown 6>$null
            $r.Content | Should -Be 'Echo: Is 7 prime?'
            $dimmed = @($shown | Where-Object { $_.MessageData.ForegroundColor -eq [ConsoleColor]::DarkGray })
            (($dimmed | ForEach-Object { $_.MessageData.Message }) -join '') | Should -Be 'Thinking about: Is 7 prime?'
        }

        It 'sends -ReasoningEffort as reasoning_effort' {
            Invoke-GeminiChat 'Hi' -ReasoningEffort low | Out-Null
            (Get-EmulatorRequest)[0].BodyJson.reasoning_effort | Should -Be 'low'
        }

        It 'refuses -ReasoningEffort with <Name> before any request' -ForEach @(
            @{ Name = '-ThinkingBudget'; Splat = @{ ThinkingBudget = 10 } }
            @{ Name = '-IncludeThoughts'; Splat = @{ IncludeThoughts = $true } }
            @{ Name = 'a thinking_config in -ExtraBody'; Splat = @{ ExtraBody = @{ google = @{ thinking_config = @{ thinking_budget = 1 } } } } }
        ) {
            $failure = { Invoke-GeminiChat 'Hi' -ReasoningEffort high @Splat } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'Gemini.InvalidArgument*'
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*-ReasoningEffort*thinking*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }
    }

    Context 'Structured output' {
        BeforeAll {
            # A type from C# (PowerShell classes work the same way; Add-Type keeps the test independent of class scoping).
            if (-not ('Issue3City' -as [type])) {
                Add-Type -TypeDefinition @'
public class Issue3City
{
    public string Name { get; set; }
    public int Population { get; set; }
    public string[] Landmarks { get; set; }
}
public class Issue3Tree
{
    public string Name { get; set; }
    public Issue3Tree[] Children { get; set; }
}
'@
            }
        }

        It 'derives the schema from a .NET type and binds the answer to it' {
            $r = Invoke-GeminiChat 'Describe Zurich' -ResponseSchema ([Issue3City])
            $format = (Get-EmulatorRequest)[0].BodyJson.response_format
            $format.type | Should -Be 'json_schema'
            $format.json_schema.name | Should -Be 'Issue3City'
            $format.json_schema.strict | Should -BeTrue
            $format.json_schema.schema.properties.Population.type | Should -Be 'integer'
            $format.json_schema.schema.properties.Landmarks.type | Should -Be 'array'
            $r.Parsed.GetType().Name | Should -Be 'Issue3City'
            $r.Parsed.Name | Should -Be 'example'
        }

        It 'takes a hashtable schema with -SchemaName and parses the answer' {
            $schema = @{ type = 'object'; properties = @{ colour = @{ type = 'string' } }; required = @('colour') }
            $r = Invoke-GeminiChat 'A colour' -ResponseSchema $schema -SchemaName colours
            (Get-EmulatorRequest)[0].BodyJson.response_format.json_schema.name | Should -Be 'colours'
            $r.Parsed.colour | Should -Be 'example'
        }

        It 'takes a JSON string schema' {
            $r = Invoke-GeminiChat 'A colour' -ResponseSchema '{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}'
            (Get-EmulatorRequest)[0].BodyJson.response_format.json_schema.name | Should -Be 'response'
            $r.Parsed.n | Should -Be 1
        }

        It 'refuses a recursive type before any request' {
            { Invoke-GeminiChat 'x' -ResponseSchema ([Issue3Tree]) -ErrorAction Stop } | Should -Throw '*recursive*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'refuses a schema with a $ref cycle before any request' {
            $schema = @{ type = 'object'; properties = @{ next = @{ '$ref' = '#' } } }
            { Invoke-GeminiChat 'x' -ResponseSchema $schema -ErrorAction Stop } | Should -Throw '*recursive*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'reports an answer that is not JSON as a non-terminating error that keeps the raw text' {
            Add-EmulatorScenario -Status 200 -Body (@{
                id = 'x'; object = 'chat.completion'; created = 1; model = 'google/gemini-2.5-flash'
                choices = @(@{ index = 0; finish_reason = 'stop'; message = @{ role = 'assistant'; content = 'not json' } })
            } | ConvertTo-Json -Depth 8)
            $r = Invoke-GeminiChat 'x' -ResponseFormat json_object -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.InvalidStructuredOutput*'
            $failed[0].TargetObject | Should -Be 'not json'
            $r.Content | Should -Be 'not json'
            $r.Parsed | Should -BeNullOrEmpty
        }
    }

    Context 'Conversations' {
        It 'continues a piped completion with the new prompt' {
            $second = Invoke-GeminiChat 'Name a prime' | Invoke-GeminiChat 'And the next one?'
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            $messages = @($requests[1].BodyJson.messages)
            $messages.Count | Should -Be 3
            $messages[0].content | Should -Be 'Name a prime'
            $messages[1].role | Should -Be 'assistant'
            $messages[1].content | Should -Be 'Echo: Name a prime'
            $messages[2].content | Should -Be 'And the next one?'
            $second.Content | Should -Be 'Echo: And the next one?'
            @($second.Conversation).Count | Should -Be 4
        }

        It 'binds a piped completion to -Conversation, not to -Prompt' {
            $first = Invoke-GeminiChat 'Name a prime'
            Clear-EmulatorRequest
            $first | Invoke-GeminiChat | Out-Null
            $messages = @((Get-EmulatorRequest)[0].BodyJson.messages)
            $messages.Count | Should -Be 2
            $messages[1].role | Should -Be 'assistant'
        }
    }

    Context 'Generated images' {
        It 'sends -Modalities and exposes the image bytes and media type' {
            $r = Invoke-GeminiChat 'Generate an image of a cat.' -Modalities image
            @((Get-EmulatorRequest)[0].BodyJson.modalities) -join ',' | Should -Be 'image'
            $image = @($r.Images)[0]
            $image.MediaType | Should -Be 'image/png'
            $image.Extension | Should -Be '.png'
            $image.GetBytes()[1..3] | Should -Be @(0x50, 0x4E, 0x47)
        }

        It 'writes the image to -OutFile, names it in SavedFiles and -Verbose, and keeps existing files without -Force' {
            $path = Join-Path $TestDrive 'cat.png'
            $output = @(Invoke-GeminiChat 'Generate an image of a cat.' -Modalities image -OutFile $path -Verbose 4>&1)
            $r = @($output | Where-Object { $_.GetType().FullName -eq 'VertexAI.ChatCompletion' })[0]
            $saved = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Saved *' })
            Test-Path -LiteralPath $path | Should -BeTrue
            @($r.SavedFiles) | Should -Be @((Get-Item -LiteralPath $path).FullName)
            $saved.Count | Should -Be 1
            $again = Invoke-GeminiChat 'Generate an image of a cat.' -Modalities image -OutFile $path -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count | Should -Be 1
            $failed[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $again | Should -Not -BeNullOrEmpty
            Invoke-GeminiChat 'Generate an image of a cat.' -Modalities image -OutFile $path -Force -ErrorVariable failedForce | Out-Null
            $failedForce.Count | Should -Be 0
        }

        It 'writes the image to -OutDirectory under the completion id' {
            $dir = Join-Path $TestDrive 'out'
            $r = Invoke-GeminiChat 'Generate an image of a dog.' -Modalities image -OutDirectory $dir
            $file = @(Get-ChildItem -LiteralPath $dir)
            $file.Count | Should -Be 1
            $file[0].Name | Should -Be ($r.Id + '.png')
        }

        It 'warns when there is nothing to save' {
            Invoke-GeminiChat 'Hello' -OutFile (Join-Path $TestDrive 'none.png') -WarningVariable warned 3>$null | Out-Null
            $warned.Count | Should -Be 1
        }
    }

    Context 'Running tools' {
        AfterAll {
            Remove-Variable -Name VertexAITestToolRuns -Scope Global -ErrorAction SilentlyContinue
        }

        BeforeAll {
            function Get-TestWeather {
                param([Parameter(Mandatory)] [string] $City)
                [pscustomobject]@{ City = $City; Forecast = 'rain' }
            }
            function Get-TestFailure {
                param([Parameter(Mandatory)] [string] $City)
                throw "no weather for $City"
            }
            $global:VertexAITestToolRuns = 0
            # A global counter: the tool runs in a pipeline of its own, outside this file's script scope.
            $countingTool = New-GeminiTool -Name count_calls -ScriptBlock {
                param([Parameter(Mandatory)] [string] $Text)
                $global:VertexAITestToolRuns++
                "counted $Text"
            }
        }

        It 'runs the command with the arguments as named parameters and sends the output back as JSON' {
            $tool = New-GeminiTool -Command Get-TestWeather
            $r = Invoke-GeminiChat 'Zurich' -Tool $tool -InvokeTools Auto
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            $messages = @($requests[1].BodyJson.messages)
            $messages.Count | Should -Be 3
            $messages[1].role | Should -Be 'assistant'
            $messages[1].tool_calls[0].extra_content.google.thought_signature | Should -Not -BeNullOrEmpty
            $messages[2].role | Should -Be 'tool'
            $messages[2].tool_call_id | Should -Be $messages[1].tool_calls[0].id
            ($messages[2].content | ConvertFrom-Json).Forecast | Should -Be 'rain'
            ($messages[2].content | ConvertFrom-Json).City | Should -Be 'Zurich'
            $r.Content | Should -BeLike 'Echo: tool results: *rain*'
            @($r.Conversation).Count | Should -Be 4
        }

        It 'never runs the model text as script' {
            $r = Invoke-GeminiChat '$(throw "injected"); Zurich' -Tool (New-GeminiTool -Command Get-TestWeather) -InvokeTools Auto
            $tool = @(@(Get-EmulatorRequest)[1].BodyJson.messages)[2]
            ($tool.content | ConvertFrom-Json).City | Should -Be '$(throw "injected"); Zurich'
        }

        It 'answers parallel calls in order after running all of them' {
            $first = New-GeminiTool -Name first_tool -ScriptBlock { param([Parameter(Mandatory)] [string] $Text) 'one' }
            $second = New-GeminiTool -Name second_tool -ScriptBlock { param([Parameter(Mandatory)] [string] $Text) 'two' }
            $r = Invoke-GeminiChat 'go' -Tool $first, $second -InvokeTools Auto
            $messages = @(@(Get-EmulatorRequest)[1].BodyJson.messages)
            $messages.Count | Should -Be 4
            $messages[2].content | Should -Be 'one'
            $messages[3].content | Should -Be 'two'
            $r.Content | Should -Be 'Echo: tool results: one; two'
        }

        It 'sends errors as an error payload' {
            $r = Invoke-GeminiChat 'Oslo' -Tool (New-GeminiTool -Command Get-TestFailure) -InvokeTools Auto
            $tool = @(@(Get-EmulatorRequest)[1].BodyJson.messages)[2]
            ($tool.content | ConvertFrom-Json).error | Should -BeLike '*no weather for Oslo*'
        }

        It 'returns the tool calls without -InvokeTools' {
            $global:VertexAITestToolRuns = 0
            $r = Invoke-GeminiChat 'hello' -Tool $countingTool
            $r.FinishReason | Should -Be 'tool_calls'
            $global:VertexAITestToolRuns | Should -Be 0
            @(Get-EmulatorRequest).Count | Should -Be 1
        }

        It 'stops after -MaxToolRounds with a warning' {
            # Scripted: the model calls the tool again and again.
            $call = @{
                id = 'x'; object = 'chat.completion'; created = 1; model = 'google/gemini-2.5-flash'
                choices = @(@{ index = 0; finish_reason = 'tool_calls'; message = @{ role = 'assistant'; content = $null; tool_calls = @(@{ id = 'c1'; type = 'function'; function = @{ name = 'count_calls'; arguments = '{"Text":"a"}' } }) } })
            } | ConvertTo-Json -Depth 10
            Add-EmulatorScenario -Status 200 -Body $call -Count 3
            $global:VertexAITestToolRuns = 0
            $r = Invoke-GeminiChat 'loop' -Tool $countingTool -InvokeTools Auto -MaxToolRounds 2 -WarningVariable warned 3>$null
            $warned.Count | Should -Be 1
            $global:VertexAITestToolRuns | Should -Be 2
            @(Get-EmulatorRequest).Count | Should -Be 3
            $r.FinishReason | Should -Be 'tool_calls'
        }

        It 'sends -StreamFunctionCallArguments in extra_body.google' {
            Invoke-GeminiChat 'Hi' -StreamFunctionCallArguments | Out-Null
            (Get-EmulatorRequest)[0].BodyJson.extra_body.google.stream_function_call_arguments | Should -BeTrue
        }
    }

    Context 'Help' {
        It 'has a synopsis, a description and examples with code' {
            $help = Get-Help Invoke-GeminiChat -Full
            $help.Synopsis | Should -Be 'Sends a chat request to Gemini on Vertex AI and returns the completion.'
            ($help.description | Out-String) | Should -BeLike '*Chat Completions API*'
            $examples = @($help.examples.example)
            $examples.Count | Should -BeGreaterOrEqual 2
            foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
        }

        It 'documents -Message with its alias and pipeline input' {
            $parameter = Get-Help Invoke-GeminiChat -Parameter Message
            $parameter.aliases | Should -Be 'Messages'
            $parameter.pipelineInput | Should -BeLike 'True (ByValue)*'
        }

        It 'finds about_VertexAI when the module folder is on PSModulePath' {
            $modulesRoot = Split-Path -Parent (Split-Path -Parent (Get-VertexAIModuleManifest))
            $saved = $env:PSModulePath
            try {
                $env:PSModulePath = $modulesRoot + [System.IO.Path]::PathSeparator + $saved
                $about = Get-Help about_VertexAI | Out-String
            }
            finally {
                $env:PSModulePath = $saved
            }
            $about | Should -BeLike '*Application Default Credentials*'
        }
    }
}
