# Pester 5: the parameters the chat cmdlets share (GeminiChatCommandBase), checked once for each cmdlet that derives from
# it: type, position, pipeline binding and aliases as the surface table (TestHelper's Get-ChatParameterCase) fixes them.
# What only one cmdlet has (-Stream, -TextOnly, -InvokeTools) is tested in that cmdlet's own file.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    $chatParameters = Get-ChatParameterCase
}

Describe '<_>: the shared chat parameters' -ForEach @('Invoke-GeminiChat', 'Get-GeminiStream', 'Enter-GeminiChat') {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        Import-VertexAITestModule
        $commandName = $_
    }

    It '-<Name> is <Type> as the surface fixes it' -ForEach $chatParameters {
        Assert-ParameterShape -CommandName $commandName -Name $Name -Type $Type -Position $Position -Pipeline $Pipeline -Aliases $Aliases -ByPropertyName ([bool] $ByPropertyName)
    }
}
