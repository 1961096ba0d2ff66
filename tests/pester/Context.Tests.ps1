# Pester 5: Set-GeminiContext / Get-GeminiContext (session defaults) and -SystemMessage, against the emulator.
# No $PSDefaultParameterValues here: the context is what carries the emulator's address and token.

Describe 'Set-GeminiContext and Get-GeminiContext' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        Import-VertexAITestModule
        $emulator = Start-VertexEmulator
        $savedProject = $env:GOOGLE_CLOUD_PROJECT
        $savedLocation = $env:GOOGLE_CLOUD_LOCATION
        # The emulator everywhere, as a user would set it up once.
        function Set-EmulatorContext {
            Set-GeminiContext -Clear -BaseUri $emulator.BaseUri -AccessToken $emulator.Token -Project ctx-project -Location us-central1
        }
    }

    AfterAll {
        Set-GeminiContext -Clear
        $env:GOOGLE_CLOUD_PROJECT = $savedProject
        $env:GOOGLE_CLOUD_LOCATION = $savedLocation
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
        Set-EmulatorContext
    }

    Context 'Where requests go' {
        It 'sends to the project, location and model of the context' {
            Set-GeminiContext -Model gemini-2.5-pro
            $r = Invoke-GeminiChat 'Hi'
            $r.Content | Should -Be 'Echo: Hi'
            $request = @(Get-EmulatorRequest)[0]
            $request.path | Should -Be '/v1/projects/ctx-project/locations/us-central1/endpoints/openapi/chat/completions'
            $request.BodyJson.model | Should -Be 'google/gemini-2.5-pro'
        }

        It 'lets a parameter win over the context' {
            Invoke-GeminiChat 'Hi' -Project param-project -Location europe-west4 | Out-Null
            (@(Get-EmulatorRequest)[0]).path | Should -Be '/v1/projects/param-project/locations/europe-west4/endpoints/openapi/chat/completions'
        }

        It 'wins over GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION' {
            $env:GOOGLE_CLOUD_PROJECT = 'env-project'
            $env:GOOGLE_CLOUD_LOCATION = 'asia-northeast1'
            try { Get-GeminiStream 'Hi' -TextOnly | Out-Null }
            finally { $env:GOOGLE_CLOUD_PROJECT = $savedProject; $env:GOOGLE_CLOUD_LOCATION = $savedLocation }
            (@(Get-EmulatorRequest)[0]).path | Should -Be '/v1/projects/ctx-project/locations/us-central1/endpoints/openapi/chat/completions'
        }

        It 'uses the environment again after -Clear' {
            Set-GeminiContext -Clear -BaseUri $emulator.BaseUri -AccessToken $emulator.Token
            $env:GOOGLE_CLOUD_PROJECT = 'env-project'
            $env:GOOGLE_CLOUD_LOCATION = 'asia-northeast1'
            try { Invoke-GeminiChat 'Hi' | Out-Null }
            finally { $env:GOOGLE_CLOUD_PROJECT = $savedProject; $env:GOOGLE_CLOUD_LOCATION = $savedLocation }
            (@(Get-EmulatorRequest)[0]).path | Should -Be '/v1/projects/env-project/locations/asia-northeast1/endpoints/openapi/chat/completions'
        }

        It 'removes one setting given as an empty string, and names -Project when none is left' {
            Set-GeminiContext -Project ''
            $env:GOOGLE_CLOUD_PROJECT = $null
            try { $failure = { Invoke-GeminiChat 'Hi' } | Should -Throw -PassThru }
            finally { $env:GOOGLE_CLOUD_PROJECT = $savedProject }
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike '*-Project*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'takes -MaxRetries from the context' {
            Set-GeminiContext -MaxRetries 0
            Add-EmulatorScenario -Status 503 -Body '{"error":{"code":503,"message":"Unavailable","status":"UNAVAILABLE"}}' -Count 1
            Invoke-GeminiChat 'Hi' -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
            $failed.Count | Should -Be 1
            $failed[0].Exception.Attempts | Should -Be 1
            @(Get-EmulatorRequest).Count | Should -Be 1
        }

        It 'sends the context''s access token' {
            Invoke-GeminiChat 'Hi' | Out-Null
            (@(Get-EmulatorRequest)[0]).headers.Authorization | Should -Be "Bearer $($emulator.Token)"
        }
    }

    Context 'A setting changed between two calls holds for the second (the chat client is kept between commands)' {
        # Each test makes a first call (which builds the client that later calls with the same settings reuse), changes
        # one setting, and proves on the wire that the second call used the new value.
        BeforeAll {
            $savedQuota = $env:GOOGLE_CLOUD_QUOTA_PROJECT
            function Get-Sent { @(Get-EmulatorRequest) }
        }

        AfterEach {
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = $savedQuota
            $env:GOOGLE_CLOUD_PROJECT = $savedProject
            $env:GOOGLE_CLOUD_LOCATION = $savedLocation
            Set-EmulatorReplyDelay -Milliseconds 0
        }

        It 'sends the new access token (<Command>)' -ForEach @(@{ Command = 'Invoke-GeminiChat' }, @{ Command = 'Get-GeminiStream' }) {
            & $Command 'one' | Out-Null
            $other = New-EmulatorUserToken
            Set-GeminiContext -AccessToken $other
            & $Command 'two' | Out-Null
            (Get-Sent).headers.Authorization | Should -Be @("Bearer $($emulator.Token)", "Bearer $other")
        }

        It 'keeps the token as it was set when the SecureString given is changed afterwards' {
            $secure = ConvertTo-SecureString $emulator.Token -AsPlainText -Force
            Set-GeminiContext -AccessToken $secure
            Invoke-GeminiChat 'one' | Out-Null
            $secure.AppendChar('x')
            Invoke-GeminiChat 'two' | Out-Null
            (Get-Sent).headers.Authorization | Should -Be @("Bearer $($emulator.Token)", "Bearer $($emulator.Token)")
        }

        It 'sends a -AccessToken of the call, then the context''s again' {
            $other = New-EmulatorUserToken
            Invoke-GeminiChat 'one' | Out-Null
            Invoke-GeminiChat 'two' -AccessToken $other | Out-Null
            Invoke-GeminiChat 'three' | Out-Null
            (Get-Sent).headers.Authorization | Should -Be @("Bearer $($emulator.Token)", "Bearer $other", "Bearer $($emulator.Token)")
        }

        It 'sends the token of a new credential file' {
            $keyPath = New-EmulatorServiceAccountKey -Path (Join-Path $TestDrive 'switch-key.json') -ClientEmail 'switch@emulator-project.iam.gserviceaccount.com'
            Invoke-GeminiChat 'one' | Out-Null
            Set-GeminiContext -Clear -BaseUri $emulator.BaseUri -CredentialFile $keyPath -Project ctx-project -Location us-central1
            Invoke-GeminiChat 'two' | Out-Null
            $sent = Get-Sent
            $sent[0].headers.Authorization | Should -Be "Bearer $($emulator.Token)"
            $sent[1].headers.Authorization | Should -Not -Be "Bearer $($emulator.Token)"
            $sent[1].headers.Authorization | Should -BeLike 'Bearer ?*'
        }

        It 'sends to the new project, location, API version and model' {
            Invoke-GeminiChat 'one' | Out-Null
            Set-GeminiContext -Project other-project
            Invoke-GeminiChat 'two' | Out-Null
            Set-GeminiContext -Location europe-west4
            Invoke-GeminiChat 'three' | Out-Null
            Set-GeminiContext -ApiVersion v1beta1
            Invoke-GeminiChat 'four' | Out-Null
            Set-GeminiContext -Model gemini-2.5-pro
            Invoke-GeminiChat 'five' | Out-Null
            $sent = Get-Sent
            $sent.path | Should -Be @(
                '/v1/projects/ctx-project/locations/us-central1/endpoints/openapi/chat/completions'
                '/v1/projects/other-project/locations/us-central1/endpoints/openapi/chat/completions'
                '/v1/projects/other-project/locations/europe-west4/endpoints/openapi/chat/completions'
                '/v1beta1/projects/other-project/locations/europe-west4/endpoints/openapi/chat/completions'
                '/v1beta1/projects/other-project/locations/europe-west4/endpoints/openapi/chat/completions')
            $sent[3].BodyJson.model | Should -Be 'google/gemini-2.5-flash'
            $sent[4].BodyJson.model | Should -Be 'google/gemini-2.5-pro'
        }

        It 'sends to a self-deployed endpoint set in the context, then to the managed one again' {
            Invoke-GeminiChat 'one' | Out-Null
            Set-GeminiContext -Endpoint 1234567890
            Invoke-GeminiChat 'two' | Out-Null
            Set-GeminiContext -Endpoint ''
            Invoke-GeminiChat 'three' | Out-Null
            (Get-Sent).path | Should -Be @(
                '/v1/projects/ctx-project/locations/us-central1/endpoints/openapi/chat/completions'
                '/v1/projects/ctx-project/locations/us-central1/endpoints/1234567890/chat/completions'
                '/v1/projects/ctx-project/locations/us-central1/endpoints/openapi/chat/completions')
        }

        It 'reads GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION again when the context leaves them open' {
            Set-GeminiContext -Clear -BaseUri $emulator.BaseUri -AccessToken $emulator.Token
            $env:GOOGLE_CLOUD_PROJECT = 'env-project'
            $env:GOOGLE_CLOUD_LOCATION = 'asia-northeast1'
            Invoke-GeminiChat 'one' | Out-Null
            $env:GOOGLE_CLOUD_PROJECT = 'env-project-2'
            Invoke-GeminiChat 'two' | Out-Null
            $env:GOOGLE_CLOUD_LOCATION = 'europe-west4'
            Invoke-GeminiChat 'three' | Out-Null
            (Get-Sent).path | Should -Be @(
                '/v1/projects/env-project/locations/asia-northeast1/endpoints/openapi/chat/completions'
                '/v1/projects/env-project-2/locations/asia-northeast1/endpoints/openapi/chat/completions'
                '/v1/projects/env-project-2/locations/europe-west4/endpoints/openapi/chat/completions')
        }

        It 'sends to the new -BaseUri' {
            $localhost = ([Uri]$emulator.BaseUri).GetLeftPart('Authority') -replace '127\.0\.0\.1', 'localhost'
            Invoke-GeminiChat 'one' | Out-Null
            Set-GeminiContext -BaseUri "$localhost/"
            Invoke-GeminiChat 'two' | Out-Null
            $sent = Get-Sent
            $sent.Count | Should -Be 2
            $sent[0].headers.Host | Should -Be ([Uri]$emulator.BaseUri).Authority
            $sent[1].headers.Host | Should -Be ([Uri]$localhost).Authority
        }

        It 'sends the new quota project, from the context and from GOOGLE_CLOUD_QUOTA_PROJECT' {
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = $null
            Invoke-GeminiChat 'one' | Out-Null
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = 'env-quota'
            Invoke-GeminiChat 'two' | Out-Null
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = 'env-quota-2'
            Invoke-GeminiChat 'three' | Out-Null
            Set-GeminiContext -QuotaProject ctx-quota
            Invoke-GeminiChat 'four' | Out-Null
            @(Get-Sent | ForEach-Object { [string]$_.headers.'x-goog-user-project' }) | Should -Be @('', 'env-quota', 'env-quota-2', 'ctx-quota')
        }

        It 'goes through the new -Proxy, and straight again once it is removed' {
            Invoke-GeminiChat 'one' | Out-Null
            Set-GeminiContext -Proxy $emulator.BaseUri
            Invoke-GeminiChat 'two' | Out-Null
            Set-GeminiContext -Proxy $null
            Invoke-GeminiChat 'three' | Out-Null
            (Get-Sent).viaProxy | Should -Be @($false, $true, $false)
        }

        It 'retries as many times as the new -MaxRetries says' {
            Set-GeminiContext -MaxRetries 0
            Add-EmulatorScenario -Status 503 -Body '{"error":{"code":503,"message":"Unavailable","status":"UNAVAILABLE"}}' -Count 1
            Invoke-GeminiChat 'one' -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
            $failed.Count | Should -Be 1
            Set-GeminiContext -MaxRetries 1
            Add-EmulatorScenario -Status 503 -Body '{"error":{"code":503,"message":"Unavailable","status":"UNAVAILABLE"}}' -Count 1
            (Invoke-GeminiChat 'two').Content | Should -Be 'Echo: two'
            @(Get-Sent).Count | Should -Be 3
        }

        It 'gives up after the new -TimeoutSec' {
            Set-GeminiContext -MaxRetries 0
            Set-EmulatorReplyDelay -Milliseconds 2500
            (Invoke-GeminiChat 'one').Content | Should -Be 'Echo: one'
            Set-GeminiContext -TimeoutSec 1
            Invoke-GeminiChat 'two' -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
            $failed.Count | Should -Be 1
            $failed[0].Exception.IsTimeout | Should -BeTrue
        }

        It 'sends with the context of the runspace the call runs in' {
            Invoke-GeminiChat 'one' | Out-Null
            $ps = [powershell]::Create()
            try {
                $module = (Get-Module VertexAI).Path -replace "'", "''"
                $script = "Import-Module '$module'; Set-GeminiContext -BaseUri '$($emulator.BaseUri)' -AccessToken '$($emulator.Token)' -Project other-project -Location europe-west4; (Invoke-GeminiChat 'two').Content"
                $ps.AddScript($script).Invoke() | Should -Be 'Echo: two'
            }
            finally { $ps.Dispose() }
            Invoke-GeminiChat 'three' | Out-Null
            (Get-Sent).path | Should -Be @(
                '/v1/projects/ctx-project/locations/us-central1/endpoints/openapi/chat/completions'
                '/v1/projects/other-project/locations/europe-west4/endpoints/openapi/chat/completions'
                '/v1/projects/ctx-project/locations/us-central1/endpoints/openapi/chat/completions')
        }

        It 'writes -Verbose lines for a call after one without' {
            Invoke-GeminiChat 'one' | Out-Null
            $verbose = Invoke-GeminiChat 'two' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
            $verbose | Should -BeLike '*HTTP 200 after*'
            Invoke-GeminiChat 'three' | Out-Null
            $VerbosePreference = 'Continue'
            $verbose = Invoke-GeminiChat 'four' 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
            $VerbosePreference = 'SilentlyContinue'
            $verbose | Should -BeLike '*HTTP 200 after*'
        }
    }

    Context 'What Get-GeminiContext shows' {
        It 'shows the settings and whether a token is set, never the token' {
            $context = Get-GeminiContext
            $context.Project | Should -Be 'ctx-project'
            $context.Location | Should -Be 'us-central1'
            $context.HasAccessToken | Should -BeTrue
            $context.PSObject.Properties.Name | Should -Not -Contain 'AccessToken'
            ($context | Out-String -Width 120) | Should -Not -Match ([regex]::Escape($emulator.Token))
            ($context | Format-List * | Out-String -Width 120) | Should -Not -Match ([regex]::Escape($emulator.Token))
            ($context | ConvertTo-Json) | Should -Not -Match ([regex]::Escape($emulator.Token))
        }

        It 'writes the context with -PassThru and nothing without it' {
            @(Set-GeminiContext -Model gemini-2.5-flash-lite).Count | Should -Be 0
            (Set-GeminiContext -Model gemini-2.5-flash-lite -PassThru).Model | Should -Be 'gemini-2.5-flash-lite'
        }

        It 'says what it set with -Verbose, without the token' {
            $verbose = Set-GeminiContext -AccessToken $emulator.Token -Verbose 4>&1 | Out-String
            $verbose | Should -BeLike '*ctx-project*'
            $verbose | Should -BeLike '*access token*'
            $verbose | Should -Not -Match ([regex]::Escape($emulator.Token))
        }

        It 'refuses a credential file that does not exist' {
            $missing = Join-Path $TestDrive 'missing-key.json'
            $failure = { Set-GeminiContext -CredentialFile $missing } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failure.Exception.Message | Should -BeLike '*missing-key.json*'
            (Get-GeminiContext).CredentialFile | Should -BeNullOrEmpty
        }

        It 'keeps a context per runspace' {
            $ps = [powershell]::Create()
            try {
                $other = $ps.AddScript("Import-Module '$((Get-Module VertexAI).Path -replace "'", "''")'; (Get-GeminiContext).Project").Invoke()
                $other | Should -BeNullOrEmpty
            }
            finally { $ps.Dispose() }
            (Get-GeminiContext).Project | Should -Be 'ctx-project'
        }
    }

    Context 'The quota project (x-goog-user-project)' {
        BeforeAll {
            $savedQuota = $env:GOOGLE_CLOUD_QUOTA_PROJECT
            function Get-SentQuotaProject { @(Get-EmulatorRequest | ForEach-Object { $_.headers.'x-goog-user-project' }) }
        }

        AfterEach { $env:GOOGLE_CLOUD_QUOTA_PROJECT = $savedQuota }

        It 'sends -QuotaProject from <_> as x-goog-user-project' -ForEach 'Invoke-GeminiChat', 'Get-GeminiStream' {
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = $null
            & $_ 'Hi' -QuotaProject billing-project | Out-Null
            Get-SentQuotaProject | Should -Be @('billing-project')
        }

        It 'sends none when no quota project is set anywhere' {
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = $null
            Invoke-GeminiChat 'Hi' | Out-Null
            $request = @(Get-EmulatorRequest)
            $request.Count | Should -Be 1
            $request[0].headers.PSObject.Properties.Name | Should -Not -Contain 'x-goog-user-project'
        }

        It 'takes GOOGLE_CLOUD_QUOTA_PROJECT, the context over it, and a parameter over both' {
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = 'env-quota'
            Invoke-GeminiChat 'one' | Out-Null
            Set-GeminiContext -QuotaProject ctx-quota
            Invoke-GeminiChat 'two' | Out-Null
            Invoke-GeminiChat 'three' -QuotaProject param-quota | Out-Null
            Get-SentQuotaProject | Should -Be @('env-quota', 'ctx-quota', 'param-quota')
        }

        It 'takes the credential file''s quota_project_id when nothing else names one' {
            $env:GOOGLE_CLOUD_QUOTA_PROJECT = $null
            $keyPath = New-EmulatorServiceAccountKey -Path (Join-Path $TestDrive 'quota-key.json') -ClientEmail 'quota@emulator-project.iam.gserviceaccount.com'
            $key = Get-Content $keyPath -Raw | ConvertFrom-Json
            $key | Add-Member -NotePropertyName quota_project_id -NotePropertyValue 'file-quota'
            [System.IO.File]::WriteAllText($keyPath, ($key | ConvertTo-Json -Depth 5), [System.Text.UTF8Encoding]::new($false))
            Set-GeminiContext -Clear -BaseUri $emulator.BaseUri -CredentialFile $keyPath -Project ctx-project -Location us-central1
            Invoke-GeminiChat 'Hi' | Out-Null
            Get-SentQuotaProject | Should -Be @('file-quota')
            (@(Get-EmulatorRequest)[0]).headers.Authorization | Should -Not -Be "Bearer $($emulator.Token)"
        }

        It 'names the quota project in -Verbose' {
            $verbose = Invoke-GeminiChat 'Hi' -QuotaProject billing-project -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
            $verbose | Should -BeLike '*quota project billing-project*'
            $verbose | Should -Not -Match ([regex]::Escape($emulator.Token))
        }

        It 'refuses a malformed quota project before sending, naming it' {
            $failure = { Invoke-GeminiChat 'Hi' -QuotaProject 'Not A Project' } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike "*'Not A Project'*quota project*"
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'shows the context''s quota project and clears it with -Clear' {
            Set-GeminiContext -QuotaProject ctx-quota
            (Get-GeminiContext).QuotaProject | Should -Be 'ctx-quota'
            Set-GeminiContext -QuotaProject ''
            (Get-GeminiContext).QuotaProject | Should -BeNullOrEmpty
            Set-GeminiContext -QuotaProject ctx-quota
            Set-GeminiContext -Clear
            (Get-GeminiContext).QuotaProject | Should -BeNullOrEmpty
        }
    }

    Context 'A credential file behind -Proxy' {
        It 'fetches the token through -Proxy too, as the call goes' {
            # The emulator serves as its own forward proxy: it records which requests came in proxy form.
            $keyPath = New-EmulatorServiceAccountKey -Path (Join-Path $TestDrive 'proxied-key.json') -ClientEmail 'proxied@emulator-project.iam.gserviceaccount.com'
            Set-GeminiContext -Clear -BaseUri $emulator.BaseUri -CredentialFile $keyPath -Project ctx-project -Location us-central1
            (Invoke-GeminiChat 'Hi' -Proxy $emulator.BaseUri).Content | Should -Be 'Echo: Hi'
            $sent = @(Get-EmulatorRequest -All)
            $token = @($sent | Where-Object kind -EQ 'token')
            $token.Count | Should -Be 1
            $token[0].viaProxy | Should -BeTrue
            @($sent | Where-Object kind -EQ 'chat')[0].viaProxy | Should -BeTrue
        }
    }

    Context '-SystemMessage' {
        It 'sends the system prompt first in every request of a batch (<Command>)' -ForEach @(
            @{ Command = 'Invoke-GeminiChat' }
            @{ Command = 'Get-GeminiStream' }
        ) {
            'q1', 'q2' | & $Command -SystemMessage 'Be terse' | Out-Null
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            $sent = $requests | ForEach-Object { (@($_.BodyJson.messages) | ForEach-Object { "$($_.role):$($_.content)" }) -join '|' } | Sort-Object
            $sent | Should -Be @('system:Be terse|user:q1', 'system:Be terse|user:q2')
        }

        It 'replaces the system message of a piped conversation and says so with -Verbose' {
            $conversation = @(New-GeminiMessage -Role system 'Old rule'), @(New-GeminiMessage 'Hi')
            $verbose = $conversation | ForEach-Object { $_ } | Invoke-GeminiChat -SystemMessage 'New rule' -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
            $verbose | Should -BeLike '*replaces 1 system message*'
            $messages = @((Get-EmulatorRequest)[0].BodyJson.messages)
            (@($messages | ForEach-Object { "$($_.role):$($_.content)" }) -join '|') | Should -Be 'system:New rule|user:Hi'
        }

        It 'takes the alias -System' {
            Invoke-GeminiChat 'Hi' -System 'Be brief' | Out-Null
            (Get-EmulatorRequest)[0].BodyJson.messages[0].content | Should -Be 'Be brief'
        }
    }
}

Describe 'Checked before sending' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $weather = New-GeminiTool get_weather 'Gets the weather' @{ type = 'object'; properties = @{ city = @{ type = 'string' } } }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorRequest
    }

    It 'refuses -ToolChoice <Choice> <Case>, naming the tools (<Command>)' -ForEach @(
        @{ Command = 'Invoke-GeminiChat'; Choice = 'get_time'; Case = 'that names no given tool'; WithTool = $true; Expected = '*get_time*names no given tool*get_weather*' }
        @{ Command = 'Get-GeminiStream'; Choice = 'get_time'; Case = 'that names no given tool'; WithTool = $true; Expected = '*get_time*names no given tool*get_weather*' }
        @{ Command = 'Invoke-GeminiChat'; Choice = 'required'; Case = 'without tools'; WithTool = $false; Expected = '*-ToolChoice required needs the tools*-Tool*' }
    ) {
        $splat = @{ ToolChoice = $Choice }
        if ($WithTool) { $splat['Tool'] = $weather }
        $failure = { & $Command 'Weather?' @splat } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -BeLike $Expected
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'sends a -ToolChoice that names a given tool' {
        Invoke-GeminiChat 'Weather?' -Tool $weather -ToolChoice get_weather | Out-Null
        (Get-EmulatorRequest)[0].BodyJson.tool_choice.function.name | Should -Be 'get_weather'
    }

    It 'refuses a -ResponseSchema that is not a JSON schema: <Case>' -ForEach @(
        @{ Case = 'an unknown type'; Schema = @{ type = 'banana' }; Expected = "*schema.type is 'banana'*" }
        @{ Case = 'JSON without schema keywords'; Schema = '{"foo":"bar"}'; Expected = '*not a JSON schema*names none of type*foo*' }
        @{ Case = 'a property that is not a schema'; Schema = @{ type = 'object'; properties = @{ name = 'string' } }; Expected = '*schema.properties.name must be a schema*' }
        @{ Case = 'a nested unknown type'; Schema = @{ type = 'object'; properties = @{ tags = @{ type = 'array'; items = @{ type = 'text' } } } }; Expected = "*schema.properties.tags.items.type is 'text'*" }
        @{ Case = 'a list of types'; Schema = @{ type = 'object'; properties = @{ age = @{ type = @('integer', 'null') } } }; Expected = '*schema.properties.age.type must be one type name*nullable*' }
    ) {
        $failure = { Invoke-GeminiChat 'Describe' -ResponseSchema $Schema } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -BeLike $Expected
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'sends a valid -ResponseSchema' {
        Invoke-GeminiChat 'Describe' -ResponseSchema @{ type = 'object'; properties = @{ name = @{ type = 'string' }; age = @{ type = 'integer'; nullable = $true } } } | Out-Null
        (Get-EmulatorRequest)[0].BodyJson.response_format.json_schema.schema.properties.name.type | Should -Be 'string'
    }
}
