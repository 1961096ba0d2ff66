# Pester 5: VertexAI.Requirements.ps1, the manifest's ScriptsToProcess, which stops the import in Windows PowerShell on a
# .NET Framework older than 4.7.2 with a message that says what to install. Windows PowerShell cannot run here, so the
# script's edition and registry reading are passed in (PowerShell passes nothing on import); the last test imports a
# copy of the built module whose script believes it is on .NET Framework 4.6.2, to prove that the manifest runs it and
# that its error stops the import.

Describe 'The requirements check run on import (VertexAI.Requirements.ps1)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $manifest = Get-VertexAIModuleManifest
        $moduleDir = Split-Path -Parent $manifest
        $script = Join-Path $moduleDir 'VertexAI.Requirements.ps1'
        $work = Join-Path ([System.IO.Path]::GetTempPath()) ('VertexAI-requirements-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $work | Out-Null

        function Invoke-Check([string] $Edition, [scriptblock] $Release) {
            # The script's outcome: its error record (or $null) and everything it wrote.
            $failure = $null
            $output = @()
            try {
                $output = @(& $script -VertexAIEdition $Edition -VertexAIReadFrameworkRelease $Release *>&1)
            }
            catch {
                $failure = $_
            }
            [pscustomobject]@{ Error = $failure; Output = $output }
        }
    }

    AfterAll {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'ships in the module and does nothing in PowerShell 7, without reading the registry' {
        Test-Path -LiteralPath $script | Should -BeTrue
        $result = Invoke-Check -Edition 'Core' -Release { throw 'the registry must not be read on PowerShell 7' }
        $result.Error | Should -BeNullOrEmpty
        $result.Output | Should -BeNullOrEmpty
        # As PowerShell runs it here: no arguments, this edition.
        { & $script } | Should -Not -Throw
    }

    It 'lets Windows PowerShell import on .NET Framework 4.7.2 (release <Release>) and later' -ForEach @(
        @{ Release = 461808 }, @{ Release = 461814 }, @{ Release = 528040 }, @{ Release = 533320 }
    ) {
        $value = $Release
        $result = Invoke-Check -Edition 'Desktop' -Release { $value }.GetNewClosure()
        $result.Error | Should -BeNullOrEmpty
        $result.Output | Should -BeNullOrEmpty
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
        $result = Invoke-Check -Edition 'Desktop' -Release { $value }.GetNewClosure()
        $result.Error | Should -Not -BeNullOrEmpty
        $result.Error.FullyQualifiedErrorId | Should -Be 'VertexAI.NetFrameworkTooOld'
        $result.Error.CategoryInfo.Category | Should -Be 'NotInstalled'
        $result.Error.TargetObject | Should -Be $Release
        $result.Error.Exception | Should -BeOfType [System.PlatformNotSupportedException]
        $result.Error.Exception.Message | Should -Be ("VertexAI needs .NET Framework 4.7.2 or later in Windows PowerShell; this computer has $Name (release $Release). " +
            'Install .NET Framework 4.8 (https://dotnet.microsoft.com/download/dotnet-framework) and start a new Windows PowerShell, ' +
            'or use PowerShell 7, which brings its own .NET.')
    }

    It 'imports anyway when the registry cannot be read (<Case>), saying so with -Verbose' -ForEach @(
        @{ Case = 'no such key'; Reader = { throw [System.Management.Automation.ItemNotFoundException]::new('no NDP key') } },
        @{ Case = 'no Release value'; Reader = { $null } }
    ) {
        $VerbosePreference = 'Continue'
        $result = Invoke-Check -Edition 'Desktop' -Release $Reader
        $result.Error | Should -BeNullOrEmpty
        $verbose = @($result.Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -Be 'VertexAI: the .NET Framework version could not be read from the registry; importing anyway.'
    }

    It 'leaves no variable in the scope that imports the module' {
        # PowerShell runs ScriptsToProcess in the caller's scope, as dot-sourcing does.
        & {
            . $script
            . $script -VertexAIEdition 'Desktop' -VertexAIReadFrameworkRelease { 528040 }
            @(Get-Variable -Scope 0 -Name release, found, message, known, ReadRelease -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        }
    }

    It 'is run by the manifest before the module initializer, and its error stops Import-Module' {
        # A copy of the built module whose check believes it runs in Windows PowerShell on .NET Framework 4.6.2.
        $copy = Join-Path $work 'VertexAI'
        Copy-Item -LiteralPath $moduleDir -Destination $copy -Recurse
        $copyScript = Join-Path $copy 'VertexAI.Requirements.ps1'
        $text = Get-Content -LiteralPath $copyScript -Raw
        $edition = '[string] $VertexAIEdition = $PSVersionTable.PSEdition'
        $reader = '[scriptblock] $VertexAIReadFrameworkRelease = {'
        $text.Contains($edition) | Should -BeTrue
        $text.Contains($reader) | Should -BeTrue
        $text = $text.Replace($edition, '[string] $VertexAIEdition = ''Desktop''').Replace($reader, $reader + ' 394802; return;')
        Set-Content -LiteralPath $copyScript -Value $text -Encoding UTF8

        # In a runspace of its own, so that nothing of the copy stays in this session.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($Manifest, $Folder)
                try {
                    Import-Module $Manifest -ErrorAction Stop
                    [pscustomobject]@{ Imported = $true; Id = $null; Message = $null; Loaded = $false }
                }
                catch {
                    $loaded = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic -and $_.Location -and $_.Location.StartsWith([System.IO.Path]::Combine($Folder, 'Dependencies')) })
                    [pscustomobject]@{ Imported = [bool](Get-Module VertexAI); Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message; Loaded = $loaded.Count -gt 0 }
                }
            }).AddArgument((Join-Path $copy 'VertexAI.psd1')).AddArgument($copy)
            $outcome = $ps.Invoke()
        }
        finally {
            $ps.Dispose()
        }
        $outcome.Count | Should -Be 1
        $outcome[0].Imported | Should -BeFalse
        $outcome[0].Id | Should -BeLike 'VertexAI.NetFrameworkTooOld*'
        # PowerShell opens VertexAI.dll's file while it resolves RootModule, before the script; reading its types (which
        # needs netstandard.dll on .NET Framework) and the module initializer, which loads VertexAI.Core, come after.
        $outcome[0].Loaded | Should -BeFalse -Because 'the module initializer must not have run'
        $outcome[0].Message | Should -BeLike 'VertexAI needs .NET Framework 4.7.2 or later in Windows PowerShell; this computer has .NET Framework 4.6.2 (release 394802).*'
    }
}
