# Pester 5: Export-GeminiConversation and Import-GeminiConversation, round trips against the Vertex AI emulator.
# Run from the repository root: Invoke-Pester ./tests/pester

Describe 'Export-GeminiConversation and Import-GeminiConversation' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $weatherTool = New-GeminiTool get_weather 'Gets the weather' @{ type = 'object'; properties = @{ city = @{ type = 'string' } }; required = @('city') }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'Command metadata' {
        It 'Export declares FileInfo and Import ChatMessage as output types' {
            (@((Get-Command Export-GeminiConversation).OutputType.Name) -join ',') | Should -Be 'System.IO.FileInfo'
            (@((Get-Command Import-GeminiConversation).OutputType.Name) -join ',') | Should -Be 'VertexAI.ChatMessage'
        }

        It 'Export -Path is mandatory at position 0 and -InputObject comes from the pipeline' {
            Assert-ParameterShape -CommandName Export-GeminiConversation -Name Path -Type 'System.String' -Position 0 -Mandatory $true
            Assert-ParameterShape -CommandName Export-GeminiConversation -Name InputObject -Type 'System.Object[]' -Pipeline $true -Mandatory $true
        }

        It 'Import -Path is mandatory at position 0' {
            Assert-ParameterShape -CommandName Import-GeminiConversation -Name Path -Type 'System.String' -Position 0 -Mandatory $true
        }
    }

    Context 'Round trip' {
        It 'saves a continued conversation once and reads back the same messages' {
            $path = Join-Path $TestDrive 'primes.json'
            Invoke-GeminiChat 'Name a prime' | Invoke-GeminiChat 'And the next one?' | Export-GeminiConversation $path
            $json = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json
            @($json).Count | Should -Be 4
            @($json)[0].content | Should -Be 'Name a prime'
            @($json)[3].content | Should -Be 'Echo: And the next one?'
            $messages = @(Import-GeminiConversation $path)
            $messages.Count | Should -Be 4
            $messages[0].GetType().FullName | Should -Be 'VertexAI.ChatMessage'
            $messages[1].Role | Should -Be 'assistant'
        }

        It 'keeps thought signatures so the next request sends them verbatim' {
            $path = Join-Path $TestDrive 'tools.json'
            $reply = Invoke-GeminiChat 'weather in Oslo' -Tool $weatherTool
            $signature = $reply.ToolCalls[0].ThoughtSignature
            $signature | Should -Not -BeNullOrEmpty
            $reply | Export-GeminiConversation $path
            $loaded = @(Import-GeminiConversation $path)
            $loaded[1].ToolCalls[0].ThoughtSignature | Should -Be $signature
            Clear-EmulatorRequest
            $loaded + @(New-GeminiMessage -ToolCallId $reply.ToolCalls[0].Id '{"forecast":"rain"}') | Invoke-GeminiChat -Tool $weatherTool | Out-Null
            $sent = @((Get-EmulatorRequest)[0].BodyJson.messages)
            $sent[1].tool_calls[0].extra_content.google.thought_signature | Should -Be $signature
        }

        It 'continues an imported conversation with a new prompt' {
            $path = Join-Path $TestDrive 'continue.json'
            Invoke-GeminiChat 'Name a prime' | Export-GeminiConversation $path
            Clear-EmulatorRequest
            $r = Import-GeminiConversation $path | Invoke-GeminiChat 'And the next one?'
            @((Get-EmulatorRequest)[0].BodyJson.messages).Count | Should -Be 3
            $r.Content | Should -Be 'Echo: And the next one?'
        }

        It 'saves messages from New-GeminiMessage and writes the FileInfo with -PassThru' {
            $path = Join-Path $TestDrive 'start.json'
            $file = New-GeminiMessage -Role system 'Be terse.' | New-GeminiMessage 'Hi' | Export-GeminiConversation $path -PassThru
            $file | Should -BeOfType [System.IO.FileInfo]
            $file.FullName | Should -Be (Get-Item -LiteralPath $path).FullName
            @(Import-GeminiConversation $path).Role -join ',' | Should -Be 'system,user'
        }
    }

    Context 'Errors' {
        It 'keeps an existing file with -NoClobber' {
            $path = Join-Path $TestDrive 'keep.json'
            Set-Content -LiteralPath $path -Value 'original'
            $failure = { New-GeminiMessage 'Hi' | Export-GeminiConversation $path -NoClobber } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'ResourceExists'
            (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'original'
        }

        It 'reports objects that are not messages or completions' {
            $path = Join-Path $TestDrive 'bad.json'
            'text' | Export-GeminiConversation $path -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.NotAConversation*'
        }

        It 'reports a missing file as ObjectNotFound' {
            $failure = { Import-GeminiConversation (Join-Path $TestDrive 'missing.json') } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'reports a file that is not a messages array as InvalidData' {
            $path = Join-Path $TestDrive 'object.json'
            Set-Content -LiteralPath $path -Value '{"a":1}'
            $failure = { Import-GeminiConversation $path } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidData'
        }
    }

    Context 'Help' {
        It '<Name> has help with at least two examples' -ForEach @(
            @{ Name = 'Export-GeminiConversation' }, @{ Name = 'Import-GeminiConversation' }
        ) {
            $help = Get-Help $Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        }
    }
}
