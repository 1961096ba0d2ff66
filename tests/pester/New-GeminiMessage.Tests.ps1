# Pester 5: New-GeminiMessage, as objects and as the JSON that reaches the Vertex AI emulator.
# Run from the repository root: Invoke-Pester ./tests/pester

Describe 'New-GeminiMessage' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $png = New-TestPng -Path (Join-Path $TestDrive 'pixel.png')
        $pngBase64 = [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($png))
        $wav = Join-Path $TestDrive 'clip.wav'
        [System.IO.File]::WriteAllBytes($wav, [byte[]](0x52, 0x49, 0x46, 0x46, 0x24, 0, 0, 0, 0x57, 0x41, 0x56, 0x45, 1, 2, 3, 4))
        $wavBase64 = [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($wav))
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'Command metadata' {
        It 'declares ChatMessage as its output type' {
            (@((Get-Command New-GeminiMessage).OutputType.Name) -join ',') | Should -Be 'VertexAI.ChatMessage'
        }

        It '-<Name> is <Type> as the surface fixes it' -ForEach @(
            @{ Name = 'Text'; Type = 'System.String'; Position = 0; Pipeline = $true; Aliases = @('Content') }
            @{ Name = 'Role'; Type = 'System.String'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'Image'; Type = 'System.String[]'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'Audio'; Type = 'System.String[]'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'ToolCallId'; Type = 'System.String'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'ExtraContent'; Type = 'System.Collections.IDictionary'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'InputObject'; Type = 'VertexAI.ChatMessage[]'; Position = -1; Pipeline = $true; Aliases = @() }
            @{ Name = 'Video'; Type = 'System.String[]'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'Document'; Type = 'System.String[]'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'MediaType'; Type = 'System.String'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'FileUri'; Type = 'System.String[]'; Position = -1; Pipeline = $false; Aliases = @() }
            @{ Name = 'DisplayName'; Type = 'System.String'; Position = -1; Pipeline = $false; Aliases = @() }
        ) {
            Assert-ParameterShape -CommandName New-GeminiMessage -Name $Name -Type $Type -Position $Position -Pipeline $Pipeline -Aliases $Aliases
        }

        It 'limits -Role to the five roles' {
            $set = (Get-Command New-GeminiMessage).Parameters['Role'].Attributes |
                Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
            (@($set.ValidValues | Sort-Object) -join ',') | Should -Be 'assistant,developer,system,tool,user'
            { New-GeminiMessage 'Hi' -Role narrator } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        }
    }

    Context 'Text messages' {
        It 'makes a user message by default' {
            $message = New-GeminiMessage 'Hello'
            $message.GetType().FullName | Should -Be 'VertexAI.ChatMessage'
            $message.Role | Should -Be 'user'
            $message.Content | Should -Be 'Hello'
            $message.Text | Should -Be 'Hello'
        }

        It 'makes a <Role> message with -Role <Role>' -ForEach @(
            @{ Role = 'system' }, @{ Role = 'assistant' }, @{ Role = 'developer' }
        ) {
            (New-GeminiMessage 'Hello' -Role $Role).Role | Should -Be $Role
        }

        It 'takes the text through the -Content alias' {
            (New-GeminiMessage -Content 'Aliased').Text | Should -Be 'Aliased'
        }

        It 'makes one message per piped string' {
            $messages = @('one', 'two' | New-GeminiMessage -Role system)
            $messages.Count | Should -Be 2
            (@($messages.Text) -join ',') | Should -Be 'one,two'
            (@($messages.Role) -join ',') | Should -Be 'system,system'
        }

        It 'is sent as a plain string content' {
            New-GeminiMessage 'Hello' | Invoke-GeminiChat | Out-Null
            $sent = (Get-EmulatorRequest)[0].BodyJson.messages[0]
            $sent.role | Should -Be 'user'
            $sent.content | Should -BeOfType [string]
            $sent.content | Should -Be 'Hello'
        }
    }

    Context 'Chaining' {
        It 'passes piped messages through before its own' {
            $messages = @(New-GeminiMessage -Role system 'Be terse' | New-GeminiMessage 'Hi')
            $messages.Count | Should -Be 2
            (@($messages.Role) -join ',') | Should -Be 'system,user'
            (@($messages.Text) -join ',') | Should -Be 'Be terse,Hi'
        }

        It 'keeps the order over three links and writes each message once' {
            $messages = @(New-GeminiMessage 'a' | New-GeminiMessage 'b' | New-GeminiMessage 'c')
            (@($messages.Text) -join ',') | Should -Be 'a,b,c'
        }

        It 'passes the same objects through' {
            $first = New-GeminiMessage 'first'
            $chained = @($first | New-GeminiMessage 'second')
            [object]::ReferenceEquals($chained[0], $first) | Should -BeTrue
        }

        It 'takes messages from -InputObject too' {
            $first = New-GeminiMessage 'first'
            $chained = @(New-GeminiMessage 'second' -InputObject $first)
            (@($chained.Text) -join ',') | Should -Be 'first,second'
        }
    }

    Context 'Images' {
        It 'sends a gs:// image as a bare image_url string after the text' {
            $message = New-GeminiMessage 'What is this?' -Image 'gs://cloud-samples-data/generative-ai/image/scones.jpg'
            (@($message.Parts.Type) -join ',') | Should -Be 'text,image_url'
            $message.Text | Should -Be 'What is this?'
            $result = $message | Invoke-GeminiChat
            $result.Content | Should -Be 'Echo: What is this? [1 image]'
            $content = @((Get-EmulatorRequest)[0].BodyJson.messages[0].content)
            $content.Count | Should -Be 2
            $content[0].type | Should -Be 'text'
            $content[0].text | Should -Be 'What is this?'
            $content[1].type | Should -Be 'image_url'
            $content[1].image_url | Should -BeOfType [string]
            $content[1].image_url | Should -Be 'gs://cloud-samples-data/generative-ai/image/scones.jpg'
        }

        It 'passes <Kind> URIs through unchanged' -ForEach @(
            @{ Kind = 'https'; Uri = 'https://example.com/images/cat.jpg' }
            @{ Kind = 'data'; Uri = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' }
        ) {
            $message = New-GeminiMessage 'Look' -Image $Uri
            ($message.Parts | Where-Object Type -eq 'image_url').ImageUrl | Should -Be $Uri
        }

        It 'inlines a local file as a data URI with image/png' {
            $message = New-GeminiMessage 'What is this?' -Image $png
            $message | Invoke-GeminiChat | Out-Null
            $url = (Get-EmulatorRequest)[0].BodyJson.messages[0].content[1].image_url
            $url | Should -Be "data:image/png;base64,$pngBase64"
        }

        It 'resolves a relative path against the PowerShell location, not the process directory' {
            Push-Location -LiteralPath $TestDrive
            try {
                $message = New-GeminiMessage 'What is this?' -Image 'pixel.png'
            }
            finally {
                Pop-Location
            }
            ($message.Parts | Where-Object Type -eq 'image_url').ImageUrl | Should -Be "data:image/png;base64,$pngBase64"
        }

        It 'sends several images, counted by the emulator' {
            $result = New-GeminiMessage 'Compare' -Image 'gs://b/one.png', $png | Invoke-GeminiChat
            $result.Content | Should -Be 'Echo: Compare [2 images]'
        }

        It 'stops with an error for a file that does not exist' {
            $missing = Join-Path $TestDrive 'missing.png'
            { New-GeminiMessage 'x' -Image $missing -ErrorAction Stop } | Should -Throw
        }
    }

    Context 'Audio' {
        It 'sends a gs:// audio file as input_audio with its MIME type as the format' {
            $message = New-GeminiMessage 'Listen' -Audio 'gs://my-bucket/clip.mp3'
            $part = $message.Parts | Where-Object Type -eq 'input_audio'
            $part.AudioData | Should -Be 'gs://my-bucket/clip.mp3'
            $part.AudioFormat | Should -Be 'audio/mp3'
            $result = $message | Invoke-GeminiChat
            $result.Content | Should -Be 'Echo: Listen [1 audio]'
            $sent = (Get-EmulatorRequest)[0].BodyJson.messages[0].content[1]
            $sent.type | Should -Be 'input_audio'
            $sent.input_audio.data | Should -Be 'gs://my-bucket/clip.mp3'
            $sent.input_audio.format | Should -Be 'audio/mp3'
        }

        It 'inlines a local audio file as plain base64 with its MIME type' {
            New-GeminiMessage 'Listen' -Audio $wav | Invoke-GeminiChat | Out-Null
            $sent = (Get-EmulatorRequest)[0].BodyJson.messages[0].content[1]
            $sent.input_audio.data | Should -Be $wavBase64
            $sent.input_audio.data | Should -Not -BeLike 'data:*'
            $sent.input_audio.format | Should -Be 'audio/wav'
        }

        It 'puts the text first, then images, then audio' {
            $message = New-GeminiMessage 'All of it' -Image 'gs://b/p.png' -Audio 'gs://b/a.mp3'
            (@($message.Parts.Type) -join ',') | Should -Be 'text,image_url,input_audio'
            ($message | Invoke-GeminiChat).Content | Should -Be 'Echo: All of it [1 image, 1 audio]'
        }
    }

    Context 'Tool results and extra_content' {
        It 'makes a tool message from -ToolCallId' {
            $message = New-GeminiMessage -ToolCallId 'call-42' '{"temperature":21}'
            $message.Role | Should -Be 'tool'
            $message.ToolCallId | Should -Be 'call-42'
            $message.Content | Should -Be '{"temperature":21}'
        }

        It 'accepts -Role tool with -ToolCallId' {
            (New-GeminiMessage -ToolCallId 'call-42' -Role tool 'ok').Role | Should -Be 'tool'
        }

        It 'refuses -ToolCallId with another explicit role' {
            $failure = { New-GeminiMessage -ToolCallId 'call-42' -Role user 'ok' } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }

        It 'sends tool_call_id and the tool result' {
            $user = New-GeminiMessage 'Weather?'
            $tool = New-GeminiMessage -ToolCallId 'call-42' 'sunny'
            $result = $user, (New-TestToolCallMessage -Id 'call-42'), $tool | Invoke-GeminiChat
            $result.Content | Should -Be 'Echo: tool results: sunny'
            $sent = (Get-EmulatorRequest)[0].BodyJson.messages[2]
            $sent.role | Should -Be 'tool'
            $sent.tool_call_id | Should -Be 'call-42'
        }

        It 'sends -ExtraContent as the message''s extra_content' {
            $parts = @(@{ file_data = @{ mime_type = 'image/jpeg'; display_name = 'dress.jpg'; file_uri = 'gs://b/dress.jpg' } })
            $message = New-GeminiMessage -ToolCallId 'call-7' 'Here it is' -ExtraContent @{ google = @{ parts = $parts } }
            $message.ExtraContent | Should -Not -BeNullOrEmpty
            (New-GeminiMessage 'Show me' ), (New-TestToolCallMessage -Id 'call-7' -Name 'get_image'), $message | Invoke-GeminiChat | Out-Null
            $sent = (Get-EmulatorRequest)[0].BodyJson.messages[2]
            $sent.extra_content.google.parts[0].file_data.file_uri | Should -Be 'gs://b/dress.jpg'
            $sent.extra_content.google.parts[0].file_data.mime_type | Should -Be 'image/jpeg'
        }
    }

    Context 'Files, video and documents' {
        It '-File binds FileInfo by FullName from the pipeline and takes a ByPropertyName shape' {
            Assert-ParameterShape -CommandName New-GeminiMessage -Name File -Type 'System.String[]' -Aliases @('FullName') -ByPropertyName $true
        }

        It 'makes one message with the text and every piped image' {
            $dir = Join-Path $TestDrive 'pics'
            New-Item -ItemType Directory -Path $dir | Out-Null
            New-TestPng -Path (Join-Path $dir 'a.png') | Out-Null
            New-TestPng -Path (Join-Path $dir 'b.png') | Out-Null
            $messages = @(Get-ChildItem -LiteralPath $dir -Filter *.png | New-GeminiMessage 'Describe these')
            $messages.Count | Should -Be 1
            $parts = @($messages[0].Parts)
            $parts.Count | Should -Be 3
            $parts[0].Text | Should -Be 'Describe these'
            $parts[1].Type | Should -Be 'image_url'
            $parts[1].ImageUrl | Should -BeLike 'data:image/png;base64,*'
            $parts[2].Type | Should -Be 'image_url'
            $messages[0] | Invoke-GeminiChat | ForEach-Object { $_.Content } | Should -Be 'Echo: Describe these [2 images]'
        }

        It 'sends a local PDF as input_audio with its media type' {
            $pdf = Join-Path $TestDrive 'doc.pdf'
            [System.IO.File]::WriteAllBytes($pdf, [byte[]](0x25, 0x50, 0x44, 0x46, 0x2D, 0x31))
            $m = New-GeminiMessage 'Summarize' -Document $pdf
            $m.Parts[1].Type | Should -Be 'input_audio'
            $m.Parts[1].AudioFormat | Should -Be 'application/pdf'
        }

        It 'passes a gs:// video through with its media type' {
            $m = New-GeminiMessage 'What happens?' -Video gs://bucket/clip.mp4
            $m.Parts[1].AudioData | Should -Be 'gs://bucket/clip.mp4'
            $m.Parts[1].AudioFormat | Should -Be 'video/mp4'
        }

        It 'uses -MediaType for a file whose type is unknown' {
            $dat = Join-Path $TestDrive 'notes.dat'
            Set-Content -LiteralPath $dat -Value 'hello'
            $m = New-GeminiMessage 'Read' -File $dat -MediaType text/plain
            $m.Parts[1].AudioFormat | Should -Be 'text/plain'
        }

        It 'suggests -MediaType for an unknown type' {
            $dat = Join-Path $TestDrive 'unknown.dat'
            Set-Content -LiteralPath $dat -Value 'hello'
            $failure = { New-GeminiMessage 'Read' -File $dat } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*-MediaType*'
        }

        It 'reports a missing file as ObjectNotFound' {
            $failure = { New-GeminiMessage 'Read' -File (Join-Path $TestDrive 'missing.pdf') } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'refuses a file over the inline limit, naming the limit and gs://' {
            $big = Join-Path $TestDrive 'big.mp4'
            $stream = [System.IO.File]::Create($big)
            try { $stream.SetLength(20MB + 1) } finally { $stream.Dispose() }
            $failure = { New-GeminiMessage 'Watch' -Video $big } | Should -Throw -PassThru
            $failure.Exception.Message | Should -BeLike '*20 MB*gs://*'
        }
    }

    Context 'Multimodal function responses' {
        It 'puts -FileUri into extra_content.google.parts as file_data, as documented' {
            $m = New-GeminiMessage -ToolCallId 'function-call-1' '{"image_ref":{"$ref":"dress.jpg"}}' -FileUri gs://cloud-samples-data/generative-ai/image/dress.jpg -MediaType image/jpg -DisplayName dress.jpg
            $m.Role | Should -Be 'tool'
            $question = New-GeminiMessage 'Show me the green shirt I ordered last month.'
            $call = New-TestToolCallMessage -Id 'function-call-1' -Name 'get_image' -Arguments '{"item_name":"green shirt"}'
            $question, $call, $m | Invoke-GeminiChat | Out-Null
            $sent = @((Get-EmulatorRequest)[0].BodyJson.messages)[2]
            $sent.tool_call_id | Should -Be 'function-call-1'
            $file = $sent.extra_content.google.parts[0].file_data
            $file.mime_type | Should -Be 'image/jpg'
            $file.display_name | Should -Be 'dress.jpg'
            $file.file_uri | Should -Be 'gs://cloud-samples-data/generative-ai/image/dress.jpg'
        }

        It 'refuses -FileUri on a message that is not a tool message' {
            $failure = { New-GeminiMessage 'x' -FileUri gs://b/a.png } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'Gemini.FileUriNeedsToolRole*'
        }
    }

    Context 'Help' {
        It 'has a synopsis and examples with code' {
            $help = Get-Help New-GeminiMessage -Full
            $help.Synopsis | Should -Be 'Creates a chat message (text, images, audio, tool results) for Invoke-GeminiChat and Get-GeminiStream.'
            $examples = @($help.examples.example)
            $examples.Count | Should -BeGreaterOrEqual 2
            foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
        }
    }
}

Describe 'New-GeminiMessage paths' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        Import-VertexAITestModule
        $dir = Join-Path $TestDrive 'media'
        New-Item -ItemType Directory -Path $dir | Out-Null
        foreach ($name in 'b.png', 'a.png', 'x[1].png') { New-TestPng -Path (Join-Path $dir $name) | Out-Null }
        [System.IO.File]::WriteAllText((Join-Path $dir 'notes.xyz'), 'nothing recognisable here')
    }

    It 'expands wildcards in -Image, adding every match in name order' {
        $message = New-GeminiMessage 'Compare' -Image (Join-Path $dir '[ab].png') -Verbose 4>&1 | Where-Object { $_ -is [VertexAI.ChatMessage] }
        $images = @($message.Parts | Where-Object Type -EQ 'image_url')
        $images.Count | Should -Be 2
        $images[0].ImageUrl | Should -BeLike 'data:image/png;base64,*'
    }

    It 'says which pattern matched nothing, as ObjectNotFound' {
        $failure = { New-GeminiMessage 'Compare' -Image (Join-Path $dir '*.gif') } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.Exception.Message | Should -BeLike "No file matches '*`*.gif'."
    }

    It 'takes a path that names an existing file literally, brackets and all' {
        $message = New-GeminiMessage 'One' -File (Join-Path $dir 'x[1].png')
        @($message.Parts | Where-Object Type -EQ 'image_url').Count | Should -Be 1
    }

    It 'expands wildcards in -File too' {
        $message = New-GeminiMessage 'All' -File (Join-Path $dir '*.png')
        @($message.Parts | Where-Object Type -EQ 'image_url').Count | Should -Be 3
    }

    It 'explains an unknown media type in one sentence, without parameter names' {
        $failure = { New-GeminiMessage 'Read' -File (Join-Path $dir 'notes.xyz') } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $text = $failure.ToString()
        $text | Should -BeLike "Cannot tell the media type of '*notes.xyz' (*): use a file with a known extension (*), or give the type with -MediaType (for example -MediaType application/pdf)."
        $text | Should -Not -BeLike '*(Parameter*'
    }
}
