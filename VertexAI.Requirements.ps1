<#
    VertexAI's requirements check: the manifest's ScriptsToProcess, so it runs before PowerShell reads VertexAI.dll's types.

    Windows PowerShell 5.1 on a .NET Framework older than 4.7.2 would otherwise fail the import with "Could not load file
    or assembly 'netstandard, Version=2.0.0.0'": VertexAI.dll targets netstandard2.0, which .NET Framework carries in-box
    from 4.7.1 on (4.7.2 fixed its binding problems). Windows PowerShell does not enforce the manifest's
    DotNetFrameworkVersion (it knows only versions below 4.5), and a check in the module's own C# code would come too
    late: PowerShell reads the assembly's types, which needs netstandard.dll, before it runs the module initializer.
    (It does open VertexAI.dll's file before this script, while it resolves RootModule; loading a file reads no types.)
    Same rule as Az's Test-DotNet: release 461808 (4.7.2) or later under
    HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full; when that cannot be read, the import goes on.

    PowerShell runs this in the caller's scope, so it leaves nothing there: the work happens in a child script block.
    The parameters exist for tests only (tests/pester/Requirements.Tests.ps1); PowerShell passes none.
#>
param(
    [string] $VertexAIEdition = $PSVersionTable.PSEdition,
    [scriptblock] $VertexAIReadFrameworkRelease = {
        (Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -Name Release -ErrorAction Stop).Release
    }
)

# PowerShell 7 runs on .NET, which has netstandard2.0.
if ($VertexAIEdition -ne 'Desktop') { return }

& {
    param([scriptblock] $ReadRelease)
    $release = $null
    try { $release = & $ReadRelease } catch { $release = $null }
    if ($null -eq $release) {
        Write-Verbose 'VertexAI: the .NET Framework version could not be read from the registry; importing anyway.'
        return
    }
    $release = [int] $release
    if ($release -ge 461808) { return }

    # The smallest release value of each version, from Microsoft's "How to determine which .NET Framework versions
    # are installed".
    $found = 'a .NET Framework older than 4.5'
    foreach ($known in @(@(461308, '4.7.1'), @(460798, '4.7'), @(394802, '4.6.2'), @(394254, '4.6.1'), @(393295, '4.6'),
            @(379893, '4.5.2'), @(378675, '4.5.1'), @(378389, '4.5'))) {
        if ($release -ge $known[0]) { $found = '.NET Framework ' + $known[1]; break }
    }
    $message = "VertexAI needs .NET Framework 4.7.2 or later in Windows PowerShell; this computer has $found (release $release). " +
        'Install .NET Framework 4.8 (https://dotnet.microsoft.com/download/dotnet-framework) and start a new Windows PowerShell, ' +
        'or use PowerShell 7, which brings its own .NET.'
    throw [System.Management.Automation.ErrorRecord]::new(
        [System.PlatformNotSupportedException]::new($message), 'VertexAI.NetFrameworkTooOld',
        [System.Management.Automation.ErrorCategory]::NotInstalled, $release)
} $VertexAIReadFrameworkRelease
