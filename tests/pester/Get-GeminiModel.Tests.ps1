# Pester 5: Get-GeminiModel against the emulator's v1beta1 publisher model list, the quota-project rule for user
# credentials, and -Model completion from the list.

Describe 'Get-GeminiModel' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        function Get-ModelRequest { @(Get-EmulatorRequest -All | Where-Object kind -eq 'publisherModels') }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    It 'declares its output type' {
        (Get-Command Get-GeminiModel).OutputType.Type | Should -Be ([VertexAI.GeminiModel])
    }

    # First in the file: no Get-GeminiModel has run in this session yet.
    It 'feeds -Model completion without a network call of its own' {
        $before = (TabExpansion2 'Invoke-GeminiChat -Model gemini-2.0-flash-l' 40).CompletionMatches.CompletionText
        $before | Should -BeNullOrEmpty
        Get-GeminiModel | Out-Null
        Clear-EmulatorRequest
        $after = (TabExpansion2 'Invoke-GeminiChat -Model gemini-2.0-flash-l' 40).CompletionMatches.CompletionText
        $after | Should -Be 'gemini-2.0-flash-lite'
        (TabExpansion2 'New-GeminiCache -Model gemini-3-f' 31).CompletionMatches.CompletionText | Should -Contain 'gemini-3-flash-preview'
        Get-EmulatorRequest -All | Should -BeNullOrEmpty
    }

    It 'lists the Gemini models over every page of the v1beta1 list, whatever -ApiVersion' {
        $models = @(Get-GeminiModel -ApiVersion v1)
        $models[0] | Should -BeOfType ([VertexAI.GeminiModel])
        @($models.Id) | Should -Not -Contain 'imagen-4.0-generate-001'
        @($models.Id) | Should -Contain 'gemini-2.0-flash-lite'
        $models.Count | Should -Be 9
        ($models | Where-Object Id -eq 'gemini-3-pro-preview').LaunchStage | Should -Be 'PUBLIC_PREVIEW'
        ($models | Where-Object Id -eq 'gemini-2.5-flash').VersionId | Should -Be 'default'
        $requests = Get-ModelRequest
        $requests.Count | Should -Be 3
        $requests | ForEach-Object { $_.path | Should -Be '/v1beta1/publishers/google/models' }
    }

    It 'filters by -Name with wildcards, from the pipeline too' {
        @((Get-GeminiModel 'gemini-2.5-pro*').Id) | Should -Be @('gemini-2.5-pro')
        @(('gemini-2.0-flash', 'gemini-3*') | Get-GeminiModel | ForEach-Object Id) | Should -Be @('gemini-2.0-flash', 'gemini-3-flash-preview', 'gemini-3-pro-preview')
    }

    It 'reports a name without wildcards that matches nothing' {
        Get-GeminiModel 'gemini-0' -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'lists every version with -AllVersions' {
        @(Get-GeminiModel 'gemini-2.5-pro' -AllVersions).VersionId | Should -Be @('default', 'preview-06-05')
        (Get-ModelRequest)[0].query | Should -Match 'listAllVersions=true'
    }

    It 'retries a 429' {
        Add-EmulatorRateLimit
        @(Get-GeminiModel).Count | Should -Be 9
        (Get-ModelRequest)[0].responseStatus | Should -Be 429
    }

    It 'is refused for a user credential without a quota project, as Google refuses it' {
        $userToken = New-EmulatorUserToken
        Get-GeminiModel -AccessToken $userToken -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].Exception.HttpStatus | Should -Be 403
        $failed[0].Exception.Status | Should -Be 'PERMISSION_DENIED'
        $failed[0].Exception.Message | Should -Match 'requires a quota project, which is not set by default'
    }

    It 'works for a user credential with -QuotaProject, sent as x-goog-user-project' {
        $userToken = New-EmulatorUserToken
        @(Get-GeminiModel -AccessToken $userToken -QuotaProject billing-project).Count | Should -Be 9
        (Get-ModelRequest)[0].headers.'x-goog-user-project' | Should -Be 'billing-project'
    }

    It 'goes to -Location global (the service root without a region)' {
        Get-GeminiModel -Location global | Out-Null
        (Get-ModelRequest)[0].path | Should -Be '/v1beta1/publishers/google/models'
    }
}
