#
# Module manifest for VertexAI: Gemini on Google Vertex AI through its OpenAI-compatible Chat Completions API.
# A plain data file (literals, @() and @{} only), so that tools can read it without PowerShell.
#
@{
    RootModule = 'VertexAI.dll'
    ModuleVersion = '0.1.0'
    GUID = '1d8eab43-b810-47df-aa59-17a5c47e9d38'
    Author = 'VertexAI contributors'
    CompanyName = 'VertexAI contributors'
    Copyright = '(c) VertexAI contributors. MIT License.'
    Description = 'Gemini on Google Vertex AI from PowerShell, through the OpenAI-compatible Chat Completions API: prompts and conversations, streaming, images, audio, video and PDF input, tools and function calling, structured output, thinking settings. Uses Application Default Credentials or an access token; its dependencies load in isolation.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    # Windows PowerShell does not enforce DotNetFrameworkVersion: this nested module does, before VertexAI.dll loads
    # (PowerShell imports NestedModules before RootModule; see src/VertexAI.Requirements/RequirementsCheck.cs).
    NestedModules = @('VertexAI.Requirements.dll')
    FormatsToProcess = @('VertexAI.format.ps1xml')
    CmdletsToExport = @('Invoke-GeminiChat', 'Get-GeminiStream', 'New-GeminiMessage', 'New-GeminiTool', 'Export-GeminiConversation', 'Import-GeminiConversation', 'Set-GeminiContext', 'Get-GeminiContext', 'Enter-GeminiChat', 'New-GeminiCache', 'Get-GeminiCache', 'Set-GeminiCache', 'Remove-GeminiCache', 'Measure-GeminiToken', 'Get-GeminiEmbedding', 'Get-GeminiModel', 'Measure-GeminiUsage', 'Start-GeminiBatchJob', 'Get-GeminiBatchJob', 'Wait-GeminiBatchJob', 'Stop-GeminiBatchJob', 'Receive-GeminiBatchJob')
    FunctionsToExport = @()
    AliasesToExport = @()
    VariablesToExport = @()
    PrivateData = @{
        PSData = @{
            Tags = @('Gemini', 'VertexAI', 'GoogleCloud', 'AI', 'LLM', 'OpenAI', 'Chat', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri = 'https://github.com/vertexai-powershell/VertexAI'
            LicenseUri = 'https://github.com/vertexai-powershell/VertexAI/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: first release. Invoke-GeminiChat, Get-GeminiStream, New-GeminiMessage and New-GeminiTool; managed Gemini (regional and global) and self-deployed endpoints on v1 and v1beta1; streaming; image, audio, video and PDF input; tools with thought signatures kept; extra_body and extra_content; retries with backoff on 408, 429 and 5xx.'
        }
    }
}
