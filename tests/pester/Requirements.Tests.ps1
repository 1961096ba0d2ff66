# Pester 5: the requirements check (VertexAI.Requirements.dll, the manifest's nested module), which stops the import in
# Windows PowerShell on a .NET Framework older than 4.7.2 with a message that says what to install. Windows PowerShell
# cannot run here, so the decision is called with its inputs given, and the import is proven in fresh pwsh processes
# in which the check is told (through its two test-only fields, set before the import) that it runs on .NET Framework
# with a given release: the manifest must run it before VertexAI.dll, and its error must stop Import-Module.

Describe 'The requirements check run on import (VertexAI.Requirements.dll)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $manifest = Get-VertexAIModuleManifest
        $moduleDir = Split-Path -Parent $manifest
        $checkPath = Join-Path $moduleDir 'VertexAI.Requirements.dll'

        # The decision: the check's internal Evaluate(netFramework, readRelease), called in this process.
        $checkType = [System.Reflection.Assembly]::LoadFrom($checkPath).GetType('VertexAI.Requirements.RequirementsCheck', $true)
        $evaluate = $checkType.GetMethod('Evaluate', [System.Reflection.BindingFlags]'NonPublic, Static')
        function Invoke-Check([bool] $NetFramework, [scriptblock] $Release) {
            $evaluate.Invoke($null, @($NetFramework, [Func[Nullable[int]]] $Release))
        }

        # A fresh pwsh (no profile) that imports the module after telling the check where it runs; prints one JSON line.
        function Invoke-Import([Nullable[int]] $Release) {
            $setup = if ($null -ne $Release) {
                "`$t = [Reflection.Assembly]::LoadFrom('$checkPath').GetType('VertexAI.Requirements.RequirementsCheck', `$true); " +
                "`$f = [Reflection.BindingFlags]'NonPublic, Static'; " +
                "`$t.GetField('s_desktopOverride', `$f).SetValue(`$null, [Nullable[bool]] `$true); " +
                "`$t.GetField('s_releaseOverride', `$f).SetValue(`$null, [Nullable[int]] $Release); "
            } else { '' }
            $command = $setup + @"
`$outcome = [ordered]@{ Imported = `$false; Id = `$null; Category = `$null; Target = `$null; Exception = `$null; Message = `$null }
try { Import-Module '$manifest' -ErrorAction Stop; `$outcome.Imported = `$true }
catch { `$outcome.Id = `$_.FullyQualifiedErrorId; `$outcome.Category = [string] `$_.CategoryInfo.Category; `$outcome.Target = `$_.TargetObject; `$outcome.Exception = `$_.Exception.GetType().FullName; `$outcome.Message = `$_.Exception.Message }
`$outcome.Module = [bool] (Get-Module VertexAI)
`$outcome.Nested = @((Get-Module VertexAI).NestedModules | ForEach-Object Name)
`$outcome.Commands = @(Get-Command -Module VertexAI -ErrorAction SilentlyContinue).Count
# The root module's assembly is read (and its initializer loads Dependencies/) only after the check.
`$outcome.CoreLoaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not `$_.IsDynamic -and `$_.Location -and `$_.Location.StartsWith('$(Join-Path $moduleDir 'Dependencies')') }).Count -gt 0
[Console]::Out.WriteLine((`$outcome | ConvertTo-Json -Compress))
"@
            $psi = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
            if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -ne 'pwsh') { $psi.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
            foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $command) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $psi.UseShellExecute = $false
            $process = [Diagnostics.Process]::Start($psi)
            try {
                $stdout = $process.StandardOutput.ReadToEndAsync()
                $stderr = $process.StandardError.ReadToEndAsync()
                if (-not $process.WaitForExit(120000)) { throw "The child pwsh did not end. Output so far: $($stdout.Result)" }
                $line = @($stdout.Result -split "`n" | Where-Object { $_.StartsWith('{') })
                if ($line.Count -ne 1) { throw "The child pwsh printed no outcome. Output: $($stdout.Result) Error: $($stderr.Result)" }
                $line[0] | ConvertFrom-Json
            }
            finally {
                if (-not $process.HasExited) { $process.Kill() }
                $process.Dispose()
            }
        }
    }

    It 'ships in the module and does nothing in PowerShell 7, without reading the registry' {
        Test-Path -LiteralPath $checkPath | Should -BeTrue
        Invoke-Check -NetFramework $false -Release { throw 'the registry must not be read on PowerShell 7' } | Should -BeNullOrEmpty
    }

    It 'lets Windows PowerShell import on .NET Framework 4.7.2 (release <Release>) and later' -ForEach @(
        @{ Release = 461808 }, @{ Release = 461814 }, @{ Release = 528040 }, @{ Release = 533320 }
    ) {
        $value = $Release
        Invoke-Check -NetFramework $true -Release { $value }.GetNewClosure() | Should -BeNullOrEmpty
    }

    It 'stops the import on <Name> with a message that says what is needed' -ForEach @(
        @{ Release = 461308; Name = '.NET Framework 4.7.1' },
        @{ Release = 460798; Name = '.NET Framework 4.7' },
        @{ Release = 394802; Name = '.NET Framework 4.6.2' },
        @{ Release = 393295; Name = '.NET Framework 4.6' },
        @{ Release = 378389; Name = '.NET Framework 4.5' },
        @{ Release = 1; Name = 'a .NET Framework older than 4.5' }
    ) {
        $value = $Release
        $record = Invoke-Check -NetFramework $true -Release { $value }.GetNewClosure()
        $record | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $record.FullyQualifiedErrorId | Should -Be 'VertexAI.NetFrameworkTooOld'
        $record.CategoryInfo.Category | Should -Be 'NotInstalled'
        $record.TargetObject | Should -Be $Release
        $record.Exception | Should -BeOfType [System.PlatformNotSupportedException]
        $record.Exception.Message | Should -Be ("VertexAI needs .NET Framework 4.7.2 or later in Windows PowerShell; this computer has $Name (release $Release). " +
            'Install .NET Framework 4.8 (https://dotnet.microsoft.com/download/dotnet-framework) and start a new Windows PowerShell, ' +
            'or use PowerShell 7, which brings its own .NET.')
    }

    It 'imports anyway when the registry cannot be read (<Case>)' -ForEach @(
        @{ Case = 'no such key'; Reader = { $null } },
        @{ Case = 'the read fails'; Reader = { throw [System.Security.SecurityException]::new('no access') } }
    ) {
        Invoke-Check -NetFramework $true -Release $Reader | Should -BeNullOrEmpty
    }

    It 'is imported as the nested module, exporting nothing, and the module works (PowerShell 7, unchanged)' {
        $outcome = Invoke-Import
        $outcome.Imported | Should -BeTrue
        $outcome.Nested | Should -Be @('VertexAI.Requirements')
        # Only VertexAI's own cmdlets: the check adds no command.
        $outcome.Commands | Should -Be @((Import-PowerShellDataFile -LiteralPath $manifest).CmdletsToExport).Count
    }

    It 'runs before VertexAI.dll: on .NET Framework 4.6.2 its error stops Import-Module' {
        $outcome = Invoke-Import -Release 394802
        $outcome.Imported | Should -BeFalse
        $outcome.Module | Should -BeFalse
        $outcome.Commands | Should -Be 0
        $outcome.Id | Should -Be 'VertexAI.NetFrameworkTooOld,Microsoft.PowerShell.Commands.ImportModuleCommand'
        $outcome.Category | Should -Be 'NotInstalled'
        $outcome.Target | Should -Be 394802
        $outcome.Exception | Should -Be 'System.PlatformNotSupportedException'
        $outcome.Message | Should -BeLike 'VertexAI needs .NET Framework 4.7.2 or later in Windows PowerShell; this computer has .NET Framework 4.6.2 (release 394802).*'
        # PowerShell opens VertexAI.dll's file while it resolves RootModule; reading its types (which needs netstandard.dll
        # on .NET Framework) and its module initializer, which loads VertexAI.Core from Dependencies/, come later.
        $outcome.CoreLoaded | Should -BeFalse -Because 'the root module must not have been loaded'
    }

    It 'lets the same import through on .NET Framework 4.8 (the fields above are what decides)' {
        $outcome = Invoke-Import -Release 528040
        $outcome.Imported | Should -BeTrue
        $outcome.Id | Should -BeNullOrEmpty
        $outcome.CoreLoaded | Should -BeTrue
    }
}
