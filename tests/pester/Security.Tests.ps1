# Pester 5: no cmdlet ever shows the access token, on any stream or in any file it writes.
# Run from the repository root: Invoke-Pester ./tests/pester

Describe 'Secrets' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        Import-VertexAITestModule
        $emulator = Start-VertexEmulator
        # The emulator's token is random: a marker that appears nowhere unless something leaked it.
        $marker = $emulator.Token
        $common = @{ BaseUri = $emulator.BaseUri; AccessToken = $marker; Project = 'test-project'; Location = 'us-central1' }
        $workDir = Join-Path ([IO.Path]::GetTempPath()) ("vertexai-secrets-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $workDir | Out-Null
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
        Remove-Item -LiteralPath $workDir -Recurse -Force -ErrorAction SilentlyContinue
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    # Only cmdlets that are given the token belong here: New-GeminiMessage and New-GeminiTool never receive one, so
    # "no leak" could not fail for them.
    It '<Name> with -Verbose shows the token on no stream' -ForEach @(
        @{ Name = 'Invoke-GeminiChat'; Run = { param($c) Invoke-GeminiChat 'Hello' @c -Verbose } }
        @{ Name = 'Invoke-GeminiChat -Stream'; Run = { param($c) Invoke-GeminiChat 'Hello' @c -Stream -Verbose } }
        @{ Name = 'Invoke-GeminiChat batch'; Run = { param($c) 'a', 'b', 'c' | Invoke-GeminiChat @c -Verbose } }
        @{ Name = 'Get-GeminiStream'; Run = { param($c) Get-GeminiStream 'Hello' @c -Verbose } }
        @{ Name = 'Get-GeminiStream -TextOnly'; Run = { param($c) Get-GeminiStream 'Hello' @c -TextOnly -Verbose } }
        @{ Name = 'a failing call'; Run = { param($c) Add-EmulatorScenario -Status 500 -Body '{"error":{"code":500,"message":"boom","status":"INTERNAL"}}'; Invoke-GeminiChat 'Hello' @c -MaxRetries 0 -Verbose -ErrorAction Continue } }
    ) {
        # Debug output on without -Debug, which Windows PowerShell maps to Inquire (a prompt in a non-interactive host).
        $DebugPreference = 'Continue'
        $merged = @(& $Run $common *>&1)
        $merged.Count | Should -BeGreaterThan 0
        (ConvertTo-PlainText $merged).Contains($marker) | Should -BeFalse
        # The objects themselves, as a person would inspect them.
        ($merged | Format-List * -Force | Out-String -Width 500).Contains($marker) | Should -BeFalse
    }

    It 'writes no token into a saved conversation' {
        $path = Join-Path $workDir 'conversation.json'
        Invoke-GeminiChat 'Remember this' @common | Export-GeminiConversation -Path $path
        (Get-Content -LiteralPath $path -Raw).Contains($marker) | Should -BeFalse
        (Get-Content -LiteralPath $path -Raw) | Should -BeLike '*Remember this*'
    }

    It 'keeps the token out of an error whose server echoed it' {
        Add-EmulatorScenario -Status 400 -Body ('{"error":{"code":400,"message":"bad header Bearer ' + $marker + '","status":"INVALID_ARGUMENT"}}')
        $errors = $null
        Invoke-GeminiChat 'x' @common -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        (ConvertTo-PlainText $errors).Contains($marker) | Should -BeFalse
        "$($errors[0].Exception.ResponseBody)".Contains($marker) | Should -BeFalse
        "$($errors[0].ErrorDetails.Message)" | Should -BeLike '*Bearer `[redacted`]*'
    }
}
