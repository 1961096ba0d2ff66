# Pester 5: Measure-GeminiToken against the emulator's countTokens route (a token per four characters of text,
# 258 per image).

Describe 'Measure-GeminiToken' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        function Get-CountRequest { @(Get-EmulatorRequest -All | Where-Object kind -eq 'countTokens') }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    It 'declares its output type' {
        (Get-Command Measure-GeminiToken).OutputType.Type | Should -Be ([VertexAI.TokenCount])
    }

    It 'counts a prompt, tagged with it' {
        # 'hello world': 11 characters, 3 tokens; 10 billable characters.
        $count = Measure-GeminiToken 'hello world'
        $count | Should -BeOfType ([VertexAI.TokenCount])
        $count.TotalTokens | Should -Be 3
        $count.TotalBillableCharacters | Should -Be 10
        $count.Input | Should -Be 'hello world'
        $count.Model | Should -Be 'gemini-2.5-flash'
        (Get-CountRequest)[0].path | Should -Be '/v1/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens'
    }

    It 'counts each piped prompt on its own, and CSV rows by their Prompt' {
        $counts = @('abcd', 'abcdefgh' | Measure-GeminiToken)
        @($counts.TotalTokens) | Should -Be @(1, 2)
        $rows = @([pscustomobject]@{ Prompt = 'abcdefghijkl' })
        ($rows | Measure-GeminiToken).TotalTokens | Should -Be 3
    }

    It 'counts messages, a system instruction, tools and files with per-modality details' {
        $png = Join-Path $TestDrive 'p.png'
        New-TestPng -Path $png | Out-Null
        $tool = New-GeminiTool lookup 'Looks up' @{ type = 'object' }
        $count = New-GeminiMessage 'abcd' | Measure-GeminiToken -SystemInstruction 'abcdefgh' -Tool $tool -File $png -Model gemini-2.5-pro
        $count.Model | Should -Be 'gemini-2.5-pro'
        ($count.Details | Where-Object Modality -eq 'IMAGE').TokenCount | Should -Be 258
        $body = (Get-CountRequest)[0].BodyJson
        $body.systemInstruction.parts[0].text | Should -Be 'abcdefgh'
        $body.tools[0].functionDeclarations[0].name | Should -Be 'lookup'
        $body.contents[0].parts[0].inlineData.mimeType | Should -Be 'image/png'
        $body.contents[1].parts[0].text | Should -Be 'abcd'
        $count.TotalTokens | Should -Be (($count.Details | Measure-Object TokenCount -Sum).Sum)
    }

    It 'counts -Message and a whole conversation from -Conversation' {
        $chat = Invoke-GeminiChat 'abcd'
        $count = Measure-GeminiToken -Conversation $chat
        $body = (Get-CountRequest)[0].BodyJson
        @($body.contents.role) | Should -Be @('user', 'model')
        $count.Input | Should -BeNullOrEmpty
        Clear-EmulatorRequest
        Measure-GeminiToken -Message (New-GeminiMessage 'one'), (New-GeminiMessage 'two') | Out-Null
        @((Get-CountRequest)[0].BodyJson.contents).Count | Should -Be 2
    }

    It 'sends a tool''s parameters as the OpenAPI schema they are (FunctionDeclaration.parameters, nullable kept)' {
        function Find-Order { param([Nullable[int]] $Limit) }
        $tool = New-GeminiTool -Command (Get-Command Find-Order)
        Measure-GeminiToken 'abcd' -Tool $tool | Out-Null
        $declaration = (Get-CountRequest)[0].BodyJson.tools[0].functionDeclarations[0]
        $declaration.PSObject.Properties.Name | Should -Not -Contain 'parametersJsonSchema'
        $declaration.parameters.type | Should -Be 'object'
        $declaration.parameters.properties.Limit.type | Should -Be 'integer'
        $declaration.parameters.properties.Limit.nullable | Should -BeTrue
    }

    It 'counts a conversation with parallel tool calls: the results share one user content' {
        $call1 = [VertexAI.ToolCall]@{ Id = 'c1'; Function = [VertexAI.FunctionCall]@{ Name = 'lookup'; Arguments = '{"q":"a"}' } }
        $call2 = [VertexAI.ToolCall]@{ Id = 'c2'; Function = [VertexAI.FunctionCall]@{ Name = 'lookup'; Arguments = '{"q":"b"}' } }
        $messages = @(
            (New-GeminiMessage 'Look both up')
            [VertexAI.ChatMessage]@{ Role = 'assistant'; ToolCalls = [Collections.Generic.List[VertexAI.ToolCall]]@($call1, $call2) }
            [VertexAI.ChatMessage]@{ Role = 'tool'; ToolCallId = 'c1'; Content = 'first' }
            [VertexAI.ChatMessage]@{ Role = 'tool'; ToolCallId = 'c2'; Content = '{"n":2}' }
        )
        Measure-GeminiToken -Message $messages | Out-Null
        $contents = @((Get-CountRequest)[0].BodyJson.contents)
        @($contents.role) | Should -Be @('user', 'model', 'user')
        @($contents[2].parts.functionResponse.name) | Should -Be @('lookup', 'lookup')
        $contents[2].parts[0].functionResponse.response.content | Should -Be 'first'
        $contents[2].parts[1].functionResponse.response.n | Should -Be 2
    }

    It 'passes -MediaType on for -File' {
        $path = Join-Path $TestDrive 'notes.bin'
        [IO.File]::WriteAllText($path, 'abcdefgh')
        (Measure-GeminiToken -File $path -MediaType text/plain).TotalTokens | Should -Be 2
        (Get-CountRequest)[0].BodyJson.contents[0].parts[0].inlineData.mimeType | Should -Be 'text/plain'
    }

    It 'refuses a system instruction alone before sending' {
        { Measure-GeminiToken -SystemInstruction 'only this' -ErrorAction Stop } | Should -Throw '*Nothing to count*'
        Get-CountRequest | Should -BeNullOrEmpty
    }

    It 'retries a 429' {
        Add-EmulatorRateLimit
        (Measure-GeminiToken 'abcd').TotalTokens | Should -Be 1
        @((Get-CountRequest).responseStatus) | Should -Be @(429, 200)
    }

    It 'works on global and v1beta1' {
        Measure-GeminiToken 'abcd' -Location global -ApiVersion v1beta1 | Out-Null
        (Get-CountRequest)[0].path | Should -Be '/v1beta1/projects/test-project/locations/global/publishers/google/models/gemini-2.5-flash:countTokens'
    }

    It 'reports an unknown model as ObjectNotFound' {
        Measure-GeminiToken 'abcd' -Model no-such-model -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
