# Pester 5: what -InvokeTools sends back for a command's output: objects by their properties (the default display set
# where the type has one), bounded in depth, count and size, saying when it cut.

Describe 'Tool output sent by -InvokeTools' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        # The tool message of the second request, as JSON.
        function Get-SentToolResult {
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 2
            @($requests[1].BodyJson.messages)[2].content
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    It 'sends a .NET object by its properties, not its ToString()' {
        $tool = New-GeminiTool -Name get_version -ScriptBlock { param([Parameter(Mandatory)] [string] $Text) [System.Diagnostics.Stopwatch]::new() }
        Invoke-GeminiChat 'go' -Tool $tool -InvokeTools Auto | Out-Null
        $sent = Get-SentToolResult
        $sent | Should -Not -BeLike '*System.Diagnostics.Stopwatch*'
        $json = $sent | ConvertFrom-Json
        $json.IsRunning | Should -BeFalse
        $json.ElapsedMilliseconds | Should -Be 0
    }

    It 'sends the default display properties where the type has them' {
        $tool = New-GeminiTool -Name get_item -ScriptBlock {
            param([Parameter(Mandatory)] [string] $Text)
            $o = [pscustomobject]@{ Name = 'disk'; Size = 42; Secret = 'hidden detail' }
            $set = [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]@('Name', 'Size'))
            $o | Add-Member -MemberType MemberSet -Name PSStandardMembers -Value ([System.Management.Automation.PSMemberInfo[]]@($set)) -PassThru
        }
        Invoke-GeminiChat 'go' -Tool $tool -InvokeTools Auto | Out-Null
        $json = Get-SentToolResult | ConvertFrom-Json
        $json.Name | Should -Be 'disk'
        $json.Size | Should -Be 42
        $json.PSObject.Properties.Name | Should -Not -Contain 'Secret'
    }

    It 'follows nested objects only so deep, sending deeper ones as text, and says so' {
        $tool = New-GeminiTool -Name get_dir -ScriptBlock { param([Parameter(Mandatory)] [string] $Text) Get-Item -LiteralPath $PSHOME }
        $verbose = Invoke-GeminiChat 'go' -Tool $tool -InvokeTools Auto -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $json = Get-SentToolResult | ConvertFrom-Json
        $json.result.FullName | Should -Be ((Get-Item -LiteralPath $PSHOME).FullName)
        $json.result.Parent.Parent.Parent | Should -BeOfType [string]
        $json.note | Should -BeLike '*deeper than 3 levels*'
        $verbose | Should -BeLike '*Tool get_dir:*deeper than 3 levels*'
    }

    It 'sends at most 100 objects and tells the model how many there were' {
        $tool = New-GeminiTool -Name count -ScriptBlock { param([Parameter(Mandatory)] [string] $Text) 1..250 | ForEach-Object { [pscustomobject]@{ N = $_ } } }
        Invoke-GeminiChat 'go' -Tool $tool -InvokeTools Auto | Out-Null
        $json = Get-SentToolResult | ConvertFrom-Json
        @($json.result).Count | Should -Be 100
        $json.result[99].N | Should -Be 100
        $json.note | Should -BeLike '*first 100 of 250 objects*'
    }

    It 'keeps the JSON under 32 KB, still valid, and says so' {
        $tool = New-GeminiTool -Name big -ScriptBlock { param([Parameter(Mandatory)] [string] $Text) 1..80 | ForEach-Object { [pscustomobject]@{ N = $_; Text = 'x' * 1000 } } }
        Invoke-GeminiChat 'go' -Tool $tool -InvokeTools Auto | Out-Null
        $sent = Get-SentToolResult
        $sent.Length | Should -BeLessOrEqual (33 * 1024)
        $json = $sent | ConvertFrom-Json
        @($json.result).Count | Should -BeLessThan 80
        @($json.result).Count | Should -BeGreaterThan 20
        $json.note | Should -BeLike '*of 80 objects fit in 32 KB*'
    }

    It 'sends one string as it is' {
        $tool = New-GeminiTool -Name say -ScriptBlock { param([Parameter(Mandatory)] [string] $Text) 'plain words' }
        Invoke-GeminiChat 'go' -Tool $tool -InvokeTools Auto | Out-Null
        Get-SentToolResult | Should -Be 'plain words'
    }
}
