# Pester 5: the module's types by name ([VertexAI.ChatCompletion], catch [VertexAI.GeminiApiException], parameter types)
# in a real PowerShell session against the Vertex AI emulator (tests/VertexAI.Emulator), while the dependencies stay
# out of PowerShell's default load context.
# Run from the repository root: Invoke-Pester ./tests/pester/Types.Tests.ps1

Describe 'VertexAI types by name' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $token = $emulator.Token
        $PSDefaultParameterValues = $session.Defaults
        $manifest = Get-VertexAIModuleManifest
        $dependencies = Join-Path (Split-Path -Parent $manifest) 'Dependencies'
        $accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')

        function Get-VertexAIAccelerator {
            # The user type accelerators named VertexAI.* (the table PowerShell resolves names against).
            @($accelerators::Get.Keys | Where-Object { $_ -like 'VertexAI.*' } | Sort-Object)
        }

        function Get-GoogleErrorBody {
            param([int] $Code, [string] $Status, [string] $Message)
            @{ error = @{ code = $Code; message = $Message; status = $Status } } | ConvertTo-Json -Compress -Depth 3
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'catch [VertexAI.GeminiApiException]' {
        It 'catches a <Status> from the API under -ErrorAction Stop, with the exception as thrown' -ForEach @(
            @{ Code = 400; Status = 'INVALID_ARGUMENT'; Category = 'InvalidArgument' }
            @{ Code = 404; Status = 'NOT_FOUND'; Category = 'ObjectNotFound' }
        ) {
            Add-EmulatorScenario -Status $Code -Body (Get-GoogleErrorBody -Code $Code -Status $Status -Message 'scripted failure')
            $caught = $null
            try {
                Invoke-GeminiChat 'Hi' -ErrorAction Stop
                $caught = 'nothing thrown'
            }
            catch [VertexAI.GeminiApiException] {
                $caught = $_
            }
            catch {
                $caught = "caught by the general handler: $($_.Exception.GetType().FullName)"
            }
            $caught | Should -BeOfType ([System.Management.Automation.ErrorRecord])
            $caught.Exception | Should -BeOfType ([VertexAI.GeminiApiException])
            $caught.Exception.HttpStatus | Should -Be $Code
            $caught.Exception.Status | Should -Be $Status
            $caught.FullyQualifiedErrorId | Should -BeLike "Gemini.$Status*"
            "$($caught.CategoryInfo.Category)" | Should -Be $Category
        }

        It 'does not catch the API error with the derived [VertexAI.GeminiStreamException]' {
            Add-EmulatorScenario -Status 400 -Body (Get-GoogleErrorBody -Code 400 -Status 'INVALID_ARGUMENT' -Message 'scripted failure')
            $handler = $null
            try {
                Invoke-GeminiChat 'Hi' -ErrorAction Stop
            }
            catch [VertexAI.GeminiStreamException] {
                $handler = 'stream'
            }
            catch [VertexAI.GeminiApiException] {
                $handler = 'api'
            }
            $handler | Should -Be 'api'
            [VertexAI.GeminiStreamException].IsSubclassOf([VertexAI.GeminiApiException]) | Should -BeTrue
        }

        It 'catches the error of a failed stream too' {
            Add-EmulatorScenario -Status 400 -Body (Get-GoogleErrorBody -Code 400 -Status 'INVALID_ARGUMENT' -Message 'scripted failure')
            $caught = $null
            try {
                Get-GeminiStream 'Hi' -ErrorAction Stop | Out-Null
            }
            catch [VertexAI.GeminiApiException] {
                $caught = $_.Exception
            }
            $caught | Should -Not -BeNullOrEmpty
            $caught.HttpStatus | Should -Be 400
        }
    }

    Context 'Type tests and parameter types' {
        It '$r -is [VertexAI.ChatCompletion], and the name means the type the cmdlet returns' {
            $r = Invoke-GeminiChat 'Hello'
            $r -is [VertexAI.ChatCompletion] | Should -BeTrue
            $r | Should -BeOfType ([VertexAI.ChatCompletion])
            $r.Message -is [VertexAI.ChatMessage] | Should -BeTrue
            $r.Usage -is [VertexAI.Usage] | Should -BeTrue
            [VertexAI.ChatCompletion] | Should -Be $r.GetType()
            ([type] 'VertexAI.ChatCompletion') | Should -Be $r.GetType()
        }

        It 'a function with a [VertexAI.ChatMessage[]] parameter takes New-GeminiMessage output, by argument and from the pipeline' {
            function Get-MessageSummary {
                param([Parameter(Mandatory, ValueFromPipeline)] [VertexAI.ChatMessage[]] $Message)
                begin { $all = New-Object System.Collections.Generic.List[VertexAI.ChatMessage] }
                process { foreach ($m in $Message) { $all.Add($m) } }
                end { $all | ForEach-Object { '{0}: {1}' -f $_.Role, $_.Content } }
            }
            $conversation = @(
                New-GeminiMessage -Role system -Content 'Be brief.'
                New-GeminiMessage -Role user -Content 'Hi'
            )
            Get-MessageSummary -Message $conversation | Should -Be @('system: Be brief.', 'user: Hi')
            $conversation | Get-MessageSummary | Should -Be @('system: Be brief.', 'user: Hi')

            # The typed messages go on to the cmdlets unchanged.
            [VertexAI.ChatMessage[]] $typed = $conversation
            $reply = Invoke-GeminiChat 'And again?' -Message $typed
            $reply -is [VertexAI.ChatCompletion] | Should -BeTrue
            $sent = (Get-EmulatorRequest)[-1].BodyJson.messages
            @($sent | ForEach-Object { $_.role }) | Should -Be @('system', 'user', 'user')
        }

        It 'a function with a [VertexAI.ChatCompletionChunk] parameter takes Get-GeminiStream output' {
            function Measure-Chunk {
                param([Parameter(Mandatory, ValueFromPipeline)] [VertexAI.ChatCompletionChunk] $Chunk)
                begin { $count = 0 }
                process { $count++ }
                end { $count }
            }
            $chunks = @(Get-GeminiStream 'Stream this')
            $chunks.Count | Should -BeGreaterThan 1
            foreach ($chunk in $chunks) { $chunk -is [VertexAI.ChatCompletionChunk] | Should -BeTrue }
            $chunks | Measure-Chunk | Should -Be $chunks.Count
        }

        It '[VertexAI.ChatMessage]::new and New-Object build messages the cmdlets send' {
            $viaNew = [VertexAI.ChatMessage]::new('user', 'Hi from ::new')
            $viaNewObject = New-Object VertexAI.ChatMessage -ArgumentList 'user', 'Hi from New-Object'
            $empty = [VertexAI.ChatMessage]::new()
            $viaNew.Content | Should -Be 'Hi from ::new'
            $viaNewObject.Role | Should -Be 'user'
            $empty | Should -BeOfType ([VertexAI.ChatMessage])

            $viaNewObject | Invoke-GeminiChat | Should -BeOfType ([VertexAI.ChatCompletion])
            (Get-EmulatorRequest)[-1].BodyJson.messages[0].content | Should -Be 'Hi from New-Object'
        }

        It 'resolves in generic arguments, in generic definitions and after using namespace VertexAI' {
            $list = New-Object 'System.Collections.Generic.List[VertexAI.ChatMessage]'
            $list.Add((New-GeminiMessage -Role user -Content 'x'))
            $list.Count | Should -Be 1
            [System.Collections.Generic.Dictionary[string, VertexAI.ToolDefinition]].GenericTypeArguments[1].FullName | Should -Be 'VertexAI.ToolDefinition'
            [VertexAI.Batch.OrderedBatch[string]].GetGenericTypeDefinition().FullName | Should -Be 'VertexAI.Batch.OrderedBatch`1'
            $usingNamespace = [scriptblock]::Create("using namespace VertexAI`n[ChatCompletion]")
            & $usingNamespace | Should -Be ([VertexAI.ChatCompletion])
        }

        It 'names the one copy of each type: the one in the module''s private load context' -Skip:($PSVersionTable.PSEdition -eq 'Desktop') {
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([VertexAI.ChatCompletion].Assembly).Name | Should -Be 'VertexAI'
            [VertexAI.ChatCompletion].Assembly.Location | Should -BeLike (Join-Path $dependencies '*')
            @([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { $_.GetName().Name -eq 'VertexAI.Core' }) | Should -BeNullOrEmpty
        }
    }

    Context 'Remove-Module and Import-Module' {
        It 'removes the type names with the module and registers them again on import' {
            $before = Get-VertexAIAccelerator
            $before | Should -Contain 'VertexAI.GeminiApiException'
            $before | Should -Contain 'VertexAI.ChatCompletion'
            $before | Should -Contain 'VertexAI.Batch.OrderedBatch`1'

            Remove-Module VertexAI -ErrorAction Stop
            Get-VertexAIAccelerator | Should -BeNullOrEmpty

            Import-Module $manifest -Global -ErrorAction Stop
            Import-Module $manifest -Global -Force -ErrorAction Stop   # a second import changes nothing
            Get-VertexAIAccelerator | Should -Be $before
            $accelerators::Get['VertexAI.ChatCompletion'] | Should -Be ([type] 'VertexAI.ChatCompletion')

            # And the names still mean what the reimported cmdlets return and throw.
            (Invoke-GeminiChat 'Hello again') -is [VertexAI.ChatCompletion] | Should -BeTrue
            Add-EmulatorScenario -Status 404 -Body (Get-GoogleErrorBody -Code 404 -Status 'NOT_FOUND' -Message 'scripted failure')
            $caught = $null
            try { Invoke-GeminiChat 'Hi' -ErrorAction Stop } catch [VertexAI.GeminiApiException] { $caught = $_.Exception.HttpStatus }
            $caught | Should -Be 404
        }

        It 'leaves an accelerator of the same name that means another type as it was' {
            Remove-Module VertexAI -ErrorAction Stop
            $accelerators::Add('VertexAI.ToolResults', [string])
            try {
                Import-Module $manifest -Global -ErrorAction Stop
                $accelerators::Get['VertexAI.ToolResults'] | Should -Be ([string])
                Get-VertexAIAccelerator | Should -Contain 'VertexAI.ChatCompletion'
                Remove-Module VertexAI -ErrorAction Stop
                $accelerators::Get['VertexAI.ToolResults'] | Should -Be ([string])
            }
            finally {
                $accelerators::Remove('VertexAI.ToolResults') | Out-Null
                Import-Module $manifest -Global -Force -ErrorAction Stop
            }
            $accelerators::Get['VertexAI.ToolResults'].FullName | Should -Be 'VertexAI.ToolResults'
        }
    }

    Context 'Isolation' {
        It 'keeps every assembly of Dependencies/ out of the default load context, in a fresh pwsh after import and real calls' -Skip:($PSVersionTable.PSEdition -eq 'Desktop') {
            $script = Join-Path $TestDrive 'isolation.ps1'
            Set-Content -LiteralPath $script -Encoding UTF8 -Value @'
$ErrorActionPreference = 'Stop'
Import-Module $env:VERTEXAI_TEST_MANIFEST
$token = ConvertTo-SecureString $env:VERTEXAI_TEST_TOKEN -AsPlainText -Force
$common = @{ BaseUri = $env:VERTEXAI_TEST_BASEURI; AccessToken = $token; Project = 'test-project'; Location = 'us-central1' }
$reply = Invoke-GeminiChat 'Hello' @common
$chunks = @(Get-GeminiStream 'Stream this' @common)
# Without a token: Application Default Credentials, which loads Google.Apis.Auth (the key file does not exist).
$env:GOOGLE_APPLICATION_CREDENTIALS = Join-Path $env:VERTEXAI_TEST_TEMP 'missing-key.json'
$adc = try { Invoke-GeminiChat 'Hi' -BaseUri $common.BaseUri -Project 'test-project' -Location 'us-central1'; 'no error' } catch { $_.FullyQualifiedErrorId }
$alc = [System.Runtime.Loader.AssemblyLoadContext]
[pscustomobject]@{
    IsCompletion = $reply -is [VertexAI.ChatCompletion]
    ChunksTyped  = @($chunks | Where-Object { $_ -is [VertexAI.ChatCompletionChunk] }).Count -eq $chunks.Count -and $chunks.Count -gt 0
    Adc          = $adc
    Assemblies   = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic } | ForEach-Object {
        [pscustomobject]@{ Name = $_.GetName().Name; Location = $_.Location; Context = $alc::GetLoadContext($_).Name }
    })
} | ConvertTo-Json -Depth 4 -Compress
'@
            $pwsh = Join-Path $PSHOME 'pwsh.dll'
            $exe = (Get-Process -Id $PID).Path
            $arguments = @('-NoProfile', '-NonInteractive', '-File', $script)
            if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $arguments = @($pwsh) + $arguments }
            $env:VERTEXAI_TEST_MANIFEST = $manifest
            $env:VERTEXAI_TEST_TOKEN = $token
            $env:VERTEXAI_TEST_BASEURI = $emulator.Url
            $env:VERTEXAI_TEST_TEMP = "$TestDrive"
            try {
                $output = & $exe @arguments 2>&1 | Out-String
            }
            finally {
                Remove-Item Env:VERTEXAI_TEST_MANIFEST, Env:VERTEXAI_TEST_TOKEN, Env:VERTEXAI_TEST_BASEURI, Env:VERTEXAI_TEST_TEMP -ErrorAction SilentlyContinue
            }
            $LASTEXITCODE | Should -Be 0 -Because $output
            $result = $output | ConvertFrom-Json

            $result.IsCompletion | Should -BeTrue
            $result.ChunksTyped | Should -BeTrue
            $result.Adc | Should -BeLike 'Gemini.Credentials*'

            $fromDependencies = @($result.Assemblies | Where-Object { $_.Location -and $_.Location.StartsWith($dependencies, [System.StringComparison]::OrdinalIgnoreCase) })
            # What the calls needed did load, from Dependencies/, privately...
            $fromDependencies.Name | Should -Contain 'VertexAI.Core'
            $fromDependencies.Name | Should -Contain 'Google.Apis.Auth'
            # ...and nothing from Dependencies/ is in the default context; the isolated names are not there from it either.
            @($fromDependencies | Where-Object { $_.Context -ne 'VertexAI' } | ForEach-Object { "$($_.Name) in $($_.Context)" }) | Should -BeNullOrEmpty
            $isolated = @($result.Assemblies | Where-Object {
                    $_.Context -eq 'Default' -and ($_.Name -like 'Google.Apis*' -or $_.Name -in 'VertexAI.Core', 'Newtonsoft.Json', 'System.Text.Json', 'System.Net.ServerSentEvents') -and
                    $_.Location -and $_.Location.StartsWith($dependencies, [System.StringComparison]::OrdinalIgnoreCase)
                })
            $isolated | Should -BeNullOrEmpty
            @($result.Assemblies | Where-Object { $_.Context -eq 'Default' -and ($_.Name -like 'Google.Apis*' -or $_.Name -eq 'VertexAI.Core') }) | Should -BeNullOrEmpty
        }
    }
}
