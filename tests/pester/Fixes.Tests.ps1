# Pester 5: regression tests for the bugs of issue "PowerShell for real", section 4, each in a real PowerShell session
# (and, where the bug needs a fresh session or standard input, in a child pwsh).
# Run from the repository root: Invoke-Pester ./tests/pester/Fixes.Tests.ps1

Describe 'Views of the module''s objects (VertexAI.format.ps1xml)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        Import-VertexAITestModule
        # The model types live in the module's own load context: reach them through an object the module made.
        $modelAssembly = (New-GeminiMessage 'x').GetType().Assembly
        function New-ModelObject([string] $Name) { [Activator]::CreateInstance($modelAssembly.GetType("VertexAI.$Name", $true)) }

        # Every view, rendered with -DisplayError: a format script that throws shows as #ERR instead of an empty cell.
        function Format-AllViews($InputObject, [string[]] $View) {
            foreach ($name in $View) {
                $kind = (Get-FormatData -TypeName $InputObject.GetType().FullName).FormatViewDefinition |
                    Where-Object Name -eq $name | ForEach-Object { $_.Control.GetType().Name }
                switch ($kind) {
                    'TableControl' { $InputObject | Format-Table -View $name -DisplayError | Out-String -Width 200 }
                    'ListControl' { $InputObject | Format-List -View $name -DisplayError | Out-String -Width 200 }
                    'CustomControl' { $InputObject | Format-Custom -View $name -DisplayError | Out-String -Width 200 }
                    default { throw "No view $name for $($InputObject.GetType().FullName)." }
                }
            }
        }
    }

    Context 'A message without parts' {
        It 'shows its text in the default view' {
            $text = New-GeminiMessage 'Hi' | Out-String
            $text | Should -Match 'user\s+Hi'
        }

        It 'renders every message view without a format error' {
            $out = Format-AllViews (New-GeminiMessage 'Hi') 'VertexAI.ChatMessage', 'VertexAI.ChatMessage.List'
            $out -join "`n" | Should -Not -Match '#ERR'
            $out[0] | Should -Match 'user\s+Hi'
            $out[1] | Should -Match 'Text\s+: Hi'
        }

        It 'shows an image message''s text and its image' {
            $png = New-TestPng -Path (Join-Path $TestDrive 'dot.png')
            $out = New-GeminiMessage 'Look' -Image $png | Format-Table -DisplayError | Out-String -Width 200
            $out | Should -Not -Match '#ERR'
            $out | Should -Match 'Look \[image data:image/png;base64'
        }

        It 'shows a tool call of an assistant message without text' {
            $message = New-ModelObject ChatMessage
            $message.Role = 'assistant'
            $call = New-ModelObject ToolCall
            $call.Id = 'c1'; $call.Function.Name = 'get_weather'; $call.Function.Arguments = '{"city":"Oslo"}'
            $message.ToolCalls = [Activator]::CreateInstance([System.Collections.Generic.List`1].MakeGenericType($call.GetType()))
            $message.ToolCalls.Add($call)
            $out = Format-AllViews $message 'VertexAI.ChatMessage', 'VertexAI.ChatMessage.List'
            $out -join "`n" | Should -Not -Match '#ERR'
            $out[0] | Should -Match 'assistant\s+get_weather\(\{"city":"Oslo"\}\)'
            $out[1] | Should -Match 'ToolCalls\s+: get_weather'
        }
    }

    Context 'Minimal objects of every type' {
        It 'renders every completion view' {
            $completion = New-ModelObject ChatCompletion
            $choice = New-ModelObject ChatChoice
            $choice.Message = New-GeminiMessage 'Answer' -Role assistant
            $completion.Choices.Add($choice)
            $out = Format-AllViews $completion 'VertexAI.ChatCompletion', 'VertexAI.ChatCompletion.List', 'VertexAI.ChatCompletion.Table'
            $out -join "`n" | Should -Not -Match '#ERR'
            foreach ($o in $out) { $o | Should -Match 'Answer' }
            $completion | Out-String | Should -Match 'Answer'
        }

        It 'renders an empty completion' {
            $out = Format-AllViews (New-ModelObject ChatCompletion) 'VertexAI.ChatCompletion', 'VertexAI.ChatCompletion.List', 'VertexAI.ChatCompletion.Table'
            $out -join "`n" | Should -Not -Match '#ERR'
            # The list view names its items and leaves out those with nothing to show (no tool calls here).
            $out[1] | Should -Match 'FinishReason'
            $out[1] | Should -Not -Match 'ToolCalls'
        }

        It 'renders every chunk view' {
            $chunk = New-ModelObject ChatCompletionChunk
            $choice = New-ModelObject ChunkChoice
            $choice.Delta = New-GeminiMessage 'Delta' -Role assistant
            $chunk.Choices.Add($choice)
            $out = Format-AllViews $chunk 'VertexAI.ChatCompletionChunk', 'VertexAI.ChatCompletionChunk.List'
            $out -join "`n" | Should -Not -Match '#ERR'
            foreach ($o in $out) { $o | Should -Match 'Delta' }
            Format-AllViews (New-ModelObject ChatCompletionChunk) 'VertexAI.ChatCompletionChunk', 'VertexAI.ChatCompletionChunk.List' |
                Should -Not -Match '#ERR'
        }

        It 'renders a tool definition, a tool call and usage' {
            $tool = New-GeminiTool -Name add_numbers -Description 'Adds two numbers'
            $tool | Format-Table -DisplayError | Out-String | Should -Match 'add_numbers\s+Adds two numbers'
            $call = New-ModelObject ToolCall
            $call.Id = 'c1'; $call.Function.Name = 'add_numbers'; $call.Function.Arguments = '{"a":1}'
            $call | Format-Table -DisplayError | Out-String | Should -Match 'add_numbers\s+\{"a":1\}\s+c1'
            New-ModelObject ToolCall | Format-Table -DisplayError | Out-String | Should -Not -Match '#ERR'
            $usage = New-ModelObject Usage
            $usage.PromptTokens = 7
            $usage | Format-Table -DisplayError | Out-String | Should -Match '(?m)^\s+7\s+0\s'
        }
    }
}

Describe 'Chat cmdlets against the emulator (fixes)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $secureToken = $session.Defaults['*-Gemini*:AccessToken']
        $manifest = Get-VertexAIModuleManifest

        # Runs a script in a child PowerShell (this same executable) with standard input at its end from the start,
        # -Environment added to its environment; returns its exit code and its output and error text.
        function Invoke-ChildPwsh([string] $Script, [hashtable] $Environment = @{}) {
            $exe = (Get-Process -Id $PID).Path
            $arguments = '-NoProfile -NoLogo -EncodedCommand ' + [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
            if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
                # pwsh as a .NET tool ('dotnet pwsh'): run its pwsh.dll with the same dotnet.
                $arguments = '"' + (Join-Path $PSHOME 'pwsh.dll') + '" ' + $arguments
            }
            $psi = New-Object System.Diagnostics.ProcessStartInfo $exe, $arguments
            $psi.UseShellExecute = $false
            $psi.RedirectStandardInput = $true
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            foreach ($key in $Environment.Keys) { $psi.EnvironmentVariables[$key] = [string] $Environment[$key] }
            $process = [System.Diagnostics.Process]::Start($psi)
            $process.StandardInput.Close()
            $stderr = $process.StandardError.ReadToEndAsync()
            $stdout = $process.StandardOutput.ReadToEnd()
            if (-not $process.WaitForExit(120000)) { $process.Kill(); throw "The child pwsh did not end in 2 minutes:`n$stdout" }
            [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout; Errors = $stderr.Result }
        }

        # What a child session needs to reach the emulator; the token travels in its environment, never on a command line.
        $childEnvironment = @{ VERTEXAI_TEST_MANIFEST = $manifest; VERTEXAI_TEST_URL = $emulator.Url; VERTEXAI_TEST_TOKEN = $emulator.Token }
        $childPrelude = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:VERTEXAI_TEST_MANIFEST
$PSDefaultParameterValues = @{
    '*-Gemini*:BaseUri'     = $env:VERTEXAI_TEST_URL
    '*-Gemini*:AccessToken' = (ConvertTo-SecureString $env:VERTEXAI_TEST_TOKEN -AsPlainText -Force)
    '*-Gemini*:Project'     = 'test-project'
    '*-Gemini*:Location'    = 'us-central1'
}
'@
        $PSDefaultParameterValues = $session.Defaults
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'Size of a generated image' {
        It 'shows the decoded byte count, the same as the bytes and the saved file' {
            $path = Join-Path $TestDrive 'cat.png'
            $r = Invoke-GeminiChat 'Generate an image of a cat.' -Modalities image -OutFile $path
            $image = @($r.Images)[0]
            $size = $image.GetBytes().Length
            (Get-Item -LiteralPath $path).Length | Should -Be $size
            $image.Length | Should -Be $size
            $image.ToString() | Should -Be "[image/png, $size bytes]"
            $r | Out-String | Should -Match "\[image/png, $size bytes\]"
            $r.Message.Audio.ToString() | Should -Be "[image/png, $size bytes]"
        }
    }

    Context 'Running tools: what -Verbose and -InvokeTools Confirm say' {
        BeforeAll {
            $addNumbers = New-GeminiTool -Name add_numbers -Description 'Adds two numbers' -ScriptBlock {
                param([int] $A, [int] $B)
                $A + $B
            }
            $callBody = @{
                id = 'x'; object = 'chat.completion'; created = 1; model = 'google/gemini-2.5-flash'
                choices = @(@{ index = 0; finish_reason = 'tool_calls'; message = @{ role = 'assistant'; content = $null; tool_calls = @(@{ id = 'call-7'; type = 'function'; function = @{ name = 'add_numbers'; arguments = '{"A":2,"B":3}' } }) } })
            } | ConvertTo-Json -Depth 10 -Compress
        }

        It 'names the tool the model called and its arguments in -Verbose, not the internal function' {
            Add-EmulatorScenario -Status 200 -Body $callBody
            $output = @(Invoke-GeminiChat 'Add 2 and 3' -Tool $addNumbers -InvokeTools Auto -Verbose 4>&1)
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $running = @($verbose | Where-Object { $_ -like 'Running *' })
            $running.Count | Should -Be 1
            $running[0] | Should -Be 'Running tool add_numbers for call call-7 with the arguments {"A":2,"B":3}.'
            ($verbose -join "`n") | Should -Not -Match 'vertexai_tool'
            ($verbose -join "`n") | Should -Not -Match ([regex]::Escape($emulator.Token))
            $tool = @(@(Get-EmulatorRequest)[1].BodyJson.messages)[2]
            $tool.content | Should -Be '5'
        }

        It 'names the command too when a -Command tool has another name' {
            function Measure-TestSum { param([int] $A, [int] $B) $A + $B }
            $tool = New-GeminiTool -Command Measure-TestSum -Name add_numbers
            Add-EmulatorScenario -Status 200 -Body $callBody
            $output = @(Invoke-GeminiChat 'Add 2 and 3' -Tool $tool -InvokeTools Auto -Verbose 4>&1)
            @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Running *' })[0].Message |
                Should -Be 'Running tool add_numbers (Measure-TestSum) for call call-7 with the arguments {"A":2,"B":3}.'
        }

        It 'declines the call when standard input has ended, without a NullReferenceException' {
            Add-EmulatorScenario -Status 200 -Body $callBody
            $script = $childPrelude + "`n" + @'
$tool = New-GeminiTool -Name add_numbers -Description 'Adds two numbers' -ScriptBlock { param([int] $A, [int] $B) 'TOOL RAN'; $A + $B }
$r = Invoke-GeminiChat 'Add 2 and 3' -Tool $tool -InvokeTools Confirm -WarningVariable warned 3>$null
'WARNINGS: ' + $warned.Count + ' ' + ($warned -join ' ')
'CONTENT: ' + $r.Content
'@
            $child = Invoke-ChildPwsh -Script $script -Environment $childEnvironment
            $all = $child.Output + $child.Errors
            $all | Should -Not -Match 'Object reference not set|NullReference'
            $child.ExitCode | Should -Be 0 -Because "$($child.Output)`n$($child.Errors)"
            $child.Output | Should -Match 'WARNINGS: 1 No answer to run add_numbers: standard input has ended'
            $child.Output | Should -Not -Match 'TOOL RAN'
            $child.Output | Should -Match 'CONTENT: Echo: tool results: .*declined'
            $tool = @(@(Get-EmulatorRequest)[1].BodyJson.messages)[2]
            $tool.tool_call_id | Should -Be 'call-7'
            ($tool.content | ConvertFrom-Json).error | Should -Be 'The user declined to run this tool.'
        }
    }

    Context 'Values in -ExtraBody and -ExtraContent' {
        It 'refuses a script block in -ExtraBody with one InvalidArgument error naming its path, before sending anything' {
            $caught = $null
            try {
                Invoke-GeminiChat 'first', 'second' -ExtraBody @{ sb = { 'not JSON' } } -ErrorVariable failed
            }
            catch {
                $caught = $_
            }
            $caught | Should -Not -BeNullOrEmpty
            @($failed).Count | Should -Be 1
            $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $caught.Exception.Message | Should -BeLike '*extra_body.sb is a script block*'
            "$caught" | Should -Not -BeLike '*target of an invocation*'
            @(Get-EmulatorRequest -All | Where-Object kind -ne 'other').Count | Should -Be 0
        }

        It 'refuses an arbitrary object deep in -ExtraContent, naming its path' {
            $caught = $null
            try {
                New-GeminiMessage 'Hi' -ExtraContent @{ google = @{ x = [System.Text.StringBuilder]::new('sb') } } -ErrorVariable failed
            }
            catch {
                $caught = $_
            }
            $caught | Should -Not -BeNullOrEmpty
            @($failed).Count | Should -Be 1
            $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $caught.Exception.Message | Should -BeLike '*extra_content.google.x is a `[System.Text.StringBuilder`]*'
        }

        It 'names the index of a bad array element' {
            { Invoke-GeminiChat 'Hi' -ExtraBody @{ list = @(1, { 2 }) } } | Should -Throw '*extra_body.list`[1`] is a script block*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'sends JSON-like scalars, nested PSCustomObjects and lists as JSON' {
            $when = [DateTime]::new(2025, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
            $id = [guid]'0f8fad5b-d9cb-469f-a165-70867728950e'
            $list = [System.Collections.Generic.List[int]]::new()
            $list.Add(1); $list.Add(2)
            $extra = @{
                google = @{ labels = [pscustomobject]@{ team = 'docs'; size = 3 } }
                when   = $when
                id     = $id
                color  = [System.ConsoleColor]::DarkRed
                list   = $list
                none   = $null
                ratio  = 0.5
            }
            Invoke-GeminiChat 'Hi' -ExtraBody $extra | Out-Null
            $body = (Get-EmulatorRequest)[0].Body | ConvertFrom-Json -AsHashtable
            $body.extra_body.google.labels.team | Should -Be 'docs'
            $body.extra_body.google.labels.size | Should -Be 3
            (Get-EmulatorRequest)[0].Body | Should -BeLike '*"when":"2025-01-02T03:04:05.0000000Z"*'
            $body.extra_body.id | Should -Be '0f8fad5b-d9cb-469f-a165-70867728950e'
            $body.extra_body.color | Should -Be 'DarkRed'
            @($body.extra_body.list) -join ',' | Should -Be '1,2'
            $body.extra_body.ContainsKey('none') | Should -BeTrue
            $body.extra_body.ratio | Should -Be 0.5
        }

        It 'takes a PSCustomObject at the top, as ConvertFrom-Json makes it' {
            $extra = '{"google":{"thinking_config":{"include_thoughts":true}}}' | ConvertFrom-Json
            Invoke-GeminiChat 'Hi' -ExtraBody $extra | Out-Null
            (Get-EmulatorRequest)[0].BodyJson.extra_body.google.thinking_config.include_thoughts | Should -BeTrue
            $content = '{"google":{"thought_signature":"c2ln"}}' | ConvertFrom-Json
            $message = New-GeminiMessage 'Hi' -ExtraContent $content
            $message.ThoughtSignature | Should -Be 'c2ln'
        }
    }
}
