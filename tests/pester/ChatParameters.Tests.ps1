# Pester 5: the parameters the chat cmdlets share (GeminiChatCommandBase), checked once for each cmdlet that derives from
# it: type, mandatory, position, pipeline binding and aliases as the reviewed surface table fixes them (read by
# TestHelper's Get-ChatParameterCase from tests/VertexAI.Module.Tests/SurfaceTests.cs, the one place it is written).
# What only one cmdlet has (-Stream, -TextOnly, -InvokeTools) is tested in that cmdlet's own file.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
}

Describe '<_>: the shared chat parameters' -ForEach @('Invoke-GeminiChat', 'Get-GeminiStream', 'Enter-GeminiChat', 'Start-GeminiBatchJob') {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        Import-VertexAITestModule
        $commandName = $_
    }

    It '-<Name> is <Type> as the surface fixes it' -ForEach (Get-ChatParameterCase -CommandName $_) {
        Assert-ParameterShape -CommandName $commandName -Name $Name -Type $Type -Mandatory $Mandatory -Position $Position -Pipeline $Pipeline -Aliases $Aliases -ByPropertyName $ByPropertyName
    }
}
