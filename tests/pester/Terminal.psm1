# Drives pwsh in a real terminal for Pester: a tmux server of its own (its own socket, so tests never touch the user's
# tmux), keys sent with 'tmux send-keys', the screen read with 'tmux capture-pane'. Waiting always polls the screen for a
# pattern with a deadline: no fixed sleeps, so the tests are fast on an idle machine and still pass on a loaded one.

Set-StrictMode -Version 3.0

function Test-Tmux {
    <# Whether tmux can be run here (CI installs it with apt-get; Windows has none). #>
    [CmdletBinding()]
    param()
    $null -ne (Get-Command tmux -CommandType Application -ErrorAction SilentlyContinue)
}

function Get-PwshCommandLine {
    <#
    The command line that starts the pwsh running this code: the pwsh executable, or, for the .NET tool
    ('dotnet pwsh'), the dotnet host with pwsh.dll.
    #>
    [CmdletBinding()]
    param()
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'pwsh') { return "'$process'" }
    $dll = [Environment]::GetCommandLineArgs()[0]
    "'$process' '$dll'"
}

function New-TmuxPwsh {
    <#
    Starts 'pwsh -NoProfile -NoExit -File <InitScript>' in a detached tmux session on a private socket, sized
    Width x Height, and waits until its prompt (the init script should set a distinctive one) is on the screen.
    Returns the terminal (Socket, Target) for the other functions.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $InitScript,
        [string] $ReadyPattern = 'READY>',
        [int] $Width = 120,
        [int] $Height = 40,
        [TimeSpan] $Timeout = [TimeSpan]::FromSeconds(60)
    )
    $socket = 'vertexai-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $command = "$(Get-PwshCommandLine) -NoProfile -NoLogo -NoExit -File '$InitScript'"
    & tmux -L $socket new-session -d -s main -x $Width -y $Height $command
    if ($LASTEXITCODE -ne 0) { throw "tmux could not start a session ($LASTEXITCODE)." }
    # Keep the pane when pwsh exits, so a crash shows on the screen instead of ending the server.
    & tmux -L $socket set-option -t main remain-on-exit on | Out-Null
    $terminal = [pscustomobject]@{
        PSTypeName = 'VertexAI.Tests.Terminal'
        Socket     = $socket
        Target     = 'main'
    }
    Wait-TmuxScreen -Terminal $terminal -Pattern $ReadyPattern -Timeout $Timeout | Out-Null
    $terminal
}

function Send-TmuxKeys {
    <#
    Types -Text literally (each character as typed; "`n" inside it is a newline, as a paste delivers it) and/or
    presses -Key keys by tmux name ('Enter', 'C-c', 'C-d', 'Up', 'Escape', ...), text first. -Line is -Text
    followed by Enter.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Terminal,
        [string] $Text,
        [string] $Line,
        [string[]] $Key
    )
    if ($PSBoundParameters.ContainsKey('Line')) {
        $Text = $Line
        $Key = @('Enter') + @($Key | Where-Object { $_ })
    }
    if ($Text) { & tmux -L $Terminal.Socket send-keys -t $Terminal.Target -l -- $Text }
    foreach ($k in @($Key | Where-Object { $_ })) { & tmux -L $Terminal.Socket send-keys -t $Terminal.Target $k }
}

function Get-TmuxScreen {
    <#
    The terminal's text: the visible screen, or with -History everything since the last Clear-TmuxScreen. Wrapped
    lines are joined (-J) and trailing blank lines dropped. -Escape keeps colour escape sequences.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Terminal,
        [switch] $History,
        [switch] $Escape
    )
    $arguments = @('-L', $Terminal.Socket, 'capture-pane', '-p', '-J', '-t', $Terminal.Target)
    if ($History) { $arguments += @('-S', '-') }
    if ($Escape) { $arguments += '-e' }
    $lines = @(& tmux @arguments)
    ($lines -join "`n").TrimEnd()
}

function Wait-TmuxScreen {
    <#
    Polls the screen (with its history) until -Pattern (a regex, multi-line) matches, and returns the screen; throws,
    showing the screen, when -Timeout passes first. -NotPattern waits until the pattern is gone instead.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Terminal,
        [Parameter(Mandatory)] [string] $Pattern,
        [TimeSpan] $Timeout = [TimeSpan]::FromSeconds(30),
        [switch] $NotPattern,
        [switch] $Escape
    )
    $regex = [regex]::new($Pattern, [Text.RegularExpressions.RegexOptions]::Multiline)
    $deadline = [DateTime]::UtcNow + $Timeout
    while ($true) {
        $screen = Get-TmuxScreen -Terminal $Terminal -History -Escape:$Escape
        if ($regex.IsMatch($screen) -ne [bool]$NotPattern) { return $screen }
        if ([DateTime]::UtcNow -ge $deadline) {
            throw "The terminal did not show /$Pattern/$(if ($NotPattern) { ' go away' }) within $($Timeout.TotalSeconds) s. Screen:`n$screen"
        }
        Start-Sleep -Milliseconds 100
    }
}

function Clear-TmuxScreen {
    <# Clears the screen and the scrollback (Clear-Host in the pwsh, then tmux clear-history) and waits for the prompt. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Terminal,
        [string] $ReadyPattern = '^READY>\s*$'
    )
    Send-TmuxKeys -Terminal $Terminal -Line 'Clear-Host'
    & tmux -L $Terminal.Socket clear-history -t $Terminal.Target
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        & tmux -L $Terminal.Socket clear-history -t $Terminal.Target
        $screen = Get-TmuxScreen -Terminal $Terminal -History
        if ($screen -match $ReadyPattern -and $screen -notmatch 'Clear-Host') { return }
        if ([DateTime]::UtcNow -ge $deadline) { throw "The terminal did not clear. Screen:`n$screen" }
        Start-Sleep -Milliseconds 100
    }
}

function Stop-TmuxPwsh {
    <# Kills the terminal's tmux server (and the pwsh in it). #>
    [CmdletBinding()]
    param($Terminal)
    if ($null -eq $Terminal) { return }
    # tmux leaves its socket file behind when its server is killed; remove it too.
    $path = & tmux -L $Terminal.Socket display-message -p '#{socket_path}' 2>$null
    & tmux -L $Terminal.Socket kill-server 2>$null
    if ($path) { Remove-Item -LiteralPath $path -Force -ErrorAction SilentlyContinue }
}

function New-TerminalInitScript {
    <#
    Writes -Path, the script a terminal's pwsh (or a child pwsh) runs first: the module by path (-Manifest), the emulator
    as the default of every *-Gemini* command (-Emulator, as Start-VertexEmulator returns it), and the prompt 'READY> '
    that New-TmuxPwsh and the tests wait for. Returns the path.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $Manifest,
        [Parameter(Mandatory)] $Emulator
    )
    @"
Import-Module '$Manifest' -ErrorAction Stop
`$PSDefaultParameterValues = @{
    '*-Gemini*:BaseUri'     = '$($Emulator.Url)'
    '*-Gemini*:AccessToken' = '$($Emulator.Token)'
    '*-Gemini*:Project'     = 'test-project'
    '*-Gemini*:Location'    = 'us-central1'
}
function prompt { 'READY> ' }
"@ | Set-Content -LiteralPath $Path -Encoding utf8
    $Path
}

Export-ModuleMember -Function Test-Tmux, Get-PwshCommandLine, New-TmuxPwsh, Send-TmuxKeys, Get-TmuxScreen, Wait-TmuxScreen,
    Clear-TmuxScreen, Stop-TmuxPwsh, New-TerminalInitScript
