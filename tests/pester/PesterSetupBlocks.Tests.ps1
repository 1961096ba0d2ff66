# Pester 5: tests/tools/Test-PesterSetupBlocks.ps1, the check build.ps1 -Task Test runs before Pester, catches a block
# with two BeforeAll (Pester keeps only the last, so the first set-up silently never runs).

Describe 'The duplicate set-up block check' {
    BeforeAll {
        $check = Join-Path (Split-Path -Parent $PSScriptRoot) (Join-Path 'tools' 'Test-PesterSetupBlocks.ps1')
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('VertexAI-setupcheck-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null

        function New-TestFile([string] $Name, [string] $Text) {
            $path = Join-Path $dir $Name
            Set-Content -LiteralPath $path -Value $Text -Encoding UTF8
            $path
        }
    }

    AfterAll {
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'names the file and both lines of two BeforeAll in one Describe' {
        $file = New-TestFile 'TwoBeforeAll.Tests.ps1' @'
Describe 'x' {
    BeforeAll { $a = 1 }

    AfterAll { }

    BeforeAll { $b = 2 }

    It 'y' { }
}
'@
        $problems = @(& $check -Path $file)
        $problems | Should -HaveCount 1
        $problems[0].File | Should -Be $file
        @($problems[0].Line) | Should -Be @(2, 6)
        $problems[0].Message | Should -BeLike "*TwoBeforeAll.Tests.ps1*2 BeforeAll blocks in Describe at line 1 (lines 2, 6)*"
    }

    It 'catches repeats at the top level and inside a Context, of every kind' {
        $file = New-TestFile 'Nested.Tests.ps1' @'
BeforeAll { }
BeforeAll { }
Describe 'x' {
    Context 'c' {
        AfterEach { }
        AfterEach { }
        BeforeEach { }
        It 'y' { }
    }
}
'@
        $problems = @(& $check -Path $file)
        $problems | Should -HaveCount 2
        $problems[0].Message | Should -BeLike '*2 BeforeAll blocks in the file (top level) (lines 1, 2)*'
        $problems[1].Message | Should -BeLike '*2 AfterEach blocks in Context at line 4 (lines 5, 6)*'
    }

    It 'accepts one of each per block, and the same kind in sibling blocks' {
        $file = New-TestFile 'Fine.Tests.ps1' @'
BeforeAll { }
Describe 'x' {
    BeforeAll { }; AfterAll { }; BeforeEach { }; AfterEach { }
    Context 'a' { BeforeAll { }; It 'y' { } }
    Context 'b' { BeforeAll { }; It 'z' { } }
}
'@
        @(& $check -Path $file) | Should -HaveCount 0
    }

    It 'reports a file that does not parse' {
        $file = New-TestFile 'Broken.Tests.ps1' "Describe 'x' {`n    It 'y' { }`n"
        $problems = @(& $check -Path $file)
        $problems | Should -HaveCount 1
        $problems[0].Message | Should -BeLike '*Broken.Tests.ps1*does not parse*'
    }

    It 'finds nothing in this suite' {
        $files = @(Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*.Tests.ps1' -Recurse -File | ForEach-Object { $_.FullName })
        @(& $check -Path $files) | ForEach-Object { $_.Message } | Should -BeNullOrEmpty
    }
}
