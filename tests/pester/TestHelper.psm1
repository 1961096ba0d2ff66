# Shared by the Pester suite (tests/pester/*.Tests.ps1): builds and imports the module, runs the Vertex AI emulator
# (tests/VertexAI.Emulator) as a background process, and talks to its control routes.
#
#   Import-VertexAITestModule           imports out/VertexAI/VertexAI.psd1 (publishing it first when it is missing)
#   Start-VertexEmulator / Stop-...     one emulator per test file
#   Get-EmulatorRequest                 GET    {url}_emulator/requests   (the chat requests it received)
#   Clear-EmulatorRequest               DELETE {url}_emulator/requests
#   Add-EmulatorScenario                POST   {url}_emulator/scenarios  (one-shot scripted responses)
#   Clear-EmulatorScenario              DELETE {url}_emulator/scenarios
#   Set-EmulatorReplyDelay              PUT    {url}_emulator/settings   (every chat answer held back N ms)
#   New-EmulatorServiceAccountKey       POST   {url}_emulator/service-account-keys  (a key file whose token_uri is the emulator)
#
# Written for PowerShell 7 and Windows PowerShell 5.1 alike (no ?? or ?:, no ArgumentList).

$script:CurrentEmulator = $null

function Get-VertexAIRepoRoot {
    <# The directory holding VertexAIPs.sln, searched upwards from this file. #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $dir = $PSScriptRoot
    while ($dir) {
        if (Test-Path -LiteralPath (Join-Path $dir 'VertexAIPs.sln')) { return $dir }
        $parent = Split-Path -Parent $dir
        if ($parent -eq $dir) { break }
        $dir = $parent
    }
    throw "No VertexAIPs.sln above $PSScriptRoot."
}

function Get-VertexAIModuleManifest {
    <#
    The built module's manifest: $env:VERTEXAI_MODULE_MANIFEST (set by build.ps1 -Task Test) or
    $env:VERTEXAI_MODULE_DIR (a published module folder) when set, else out/VertexAI/VertexAI.psd1 under the
    repository root, built with 'dotnet publish src/VertexAI -c Release' when it is missing.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:VERTEXAI_MODULE_MANIFEST) {
        if (-not (Test-Path -LiteralPath $env:VERTEXAI_MODULE_MANIFEST)) { throw "VERTEXAI_MODULE_MANIFEST=$env:VERTEXAI_MODULE_MANIFEST does not exist." }
        return $env:VERTEXAI_MODULE_MANIFEST
    }
    if ($env:VERTEXAI_MODULE_DIR) {
        $manifest = Join-Path $env:VERTEXAI_MODULE_DIR 'VertexAI.psd1'
        if (-not (Test-Path -LiteralPath $manifest)) { throw "VERTEXAI_MODULE_DIR=$env:VERTEXAI_MODULE_DIR holds no VertexAI.psd1." }
        return $manifest
    }

    $root = Get-VertexAIRepoRoot
    $manifest = Join-Path $root (Join-Path 'out' (Join-Path 'VertexAI' 'VertexAI.psd1'))
    if (-not (Test-Path -LiteralPath $manifest)) {
        Write-Host "Building the module: dotnet publish src/VertexAI -c Release"
        $output = & dotnet publish (Join-Path $root (Join-Path 'src' 'VertexAI')) -c Release --nologo 2>&1 | Out-String
        if ($LASTEXITCODE -ne 0) { throw "dotnet publish src/VertexAI failed ($LASTEXITCODE):`n$output" }
        if (-not (Test-Path -LiteralPath $manifest)) { throw "dotnet publish succeeded but $manifest does not exist:`n$output" }
    }
    return $manifest
}

function Import-VertexAITestModule {
    <# Imports the built module into the global scope (a module imported from here would otherwise be private to this helper). #>
    [CmdletBinding()]
    param()
    Import-Module (Get-VertexAIModuleManifest) -Global -Force -ErrorAction Stop
}

function Initialize-VertexTestSession {
    <#
    The set-up most test files share: imports the built module, starts the emulator and returns both it (Emulator) and
    the session defaults that point every *-Gemini* command at it (Defaults), which the file assigns to its own
    $PSDefaultParameterValues (a helper cannot set the caller's). -SecureToken gives the token as a SecureString, as a
    user's profile would; without it the plain string (the parameter takes both).
    #>
    [CmdletBinding()]
    param([switch] $SecureToken)
    Import-VertexAITestModule
    $emulator = Start-VertexEmulator
    $token = if ($SecureToken) { ConvertTo-SecureString $emulator.Token -AsPlainText -Force } else { $emulator.Token }
    [pscustomobject]@{
        Emulator = $emulator
        Defaults = @{
            '*-Gemini*:BaseUri'     = $emulator.BaseUri
            '*-Gemini*:AccessToken' = $token
            '*-Gemini*:Project'     = 'test-project'
            '*-Gemini*:Location'    = 'us-central1'
        }
    }
}

function Start-VertexEmulator {
    <#
    Starts 'dotnet run --project tests/VertexAI.Emulator -c Release -- --port 0' with its stdout redirected and reads
    the lines 'VERTEX_EMULATOR_URL=http://127.0.0.1:PORT/' and 'VERTEX_EMULATOR_TOKEN=<token>' (build output that
    dotnet run may print before them is skipped). Returns the emulator (Process, Url, BaseUri, Token) and makes it the
    default of the other functions here.
    #>
    [CmdletBinding()]
    param(
        [TimeSpan] $Timeout = [TimeSpan]::FromMinutes(5)
    )
    $root = Get-VertexAIRepoRoot
    $project = Join-Path $root (Join-Path 'tests' 'VertexAI.Emulator')
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = 'dotnet'
    $psi.Arguments = "run --project `"$project`" -c Release -- --port 0"
    $psi.WorkingDirectory = $root
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true
    $psi.EnvironmentVariables['DOTNET_NOLOGO'] = '1'
    $psi.EnvironmentVariables['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'

    $process = [System.Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow + $Timeout
    $seen = New-Object System.Collections.Generic.List[string]
    $url = $null
    $token = $null
    try {
        while ($null -eq $token) {
            $line = Read-EmulatorLine -Process $process -Deadline $deadline -Seen $seen
            if ($null -eq $url) {
                if ($line.StartsWith('VERTEX_EMULATOR_URL=')) { $url = $line.Substring('VERTEX_EMULATOR_URL='.Length).Trim() }
                continue
            }
            if (-not $line.StartsWith('VERTEX_EMULATOR_TOKEN=')) {
                throw "The emulator's line after VERTEX_EMULATOR_URL= is not VERTEX_EMULATOR_TOKEN=: '$line'."
            }
            $token = $line.Substring('VERTEX_EMULATOR_TOKEN='.Length).Trim()
        }
    }
    catch {
        Stop-EmulatorProcess -Process $process
        throw
    }

    if (-not $url.EndsWith('/')) { $url += '/' }
    $emulator = [pscustomobject]@{
        PSTypeName = 'VertexAI.Tests.Emulator'
        Process    = $process
        Url        = $url
        BaseUri    = [uri] $url
        Token      = $token
    }
    $script:CurrentEmulator = $emulator
    $emulator
}

function Read-EmulatorLine {
    param($Process, [DateTime] $Deadline, $Seen)
    $remaining = $Deadline - [DateTime]::UtcNow
    if ($remaining -le [TimeSpan]::Zero) { $remaining = [TimeSpan]::FromMilliseconds(1) }
    $task = $Process.StandardOutput.ReadLineAsync()
    if (-not $task.Wait($remaining)) {
        throw "The emulator printed no VERTEX_EMULATOR_URL/TOKEN lines in time. Output so far:`n$($Seen -join "`n")"
    }
    $line = $task.Result
    if ($null -eq $line) {
        $Process.WaitForExit(5000) | Out-Null
        $code = if ($Process.HasExited) { $Process.ExitCode } else { 'none yet' }
        throw "The emulator ended its output (exit code $code) before printing its URL and token. Output:`n$($Seen -join "`n")"
    }
    $Seen.Add($line)
    $line
}

function Stop-VertexEmulator {
    <# Stops the emulator (the dotnet run process and the emulator it started). #>
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline)] $Emulator = $script:CurrentEmulator
    )
    process {
        if ($null -eq $Emulator) { return }
        Stop-EmulatorProcess -Process $Emulator.Process
        if ($script:CurrentEmulator -eq $Emulator) { $script:CurrentEmulator = $null }
    }
}

function Stop-EmulatorProcess {
    param([System.Diagnostics.Process] $Process)
    if ($null -eq $Process -or $Process.HasExited) { return }
    # 'dotnet run' runs the emulator as a child process: end the whole tree.
    $killed = $false
    try {
        $Process.Kill($true)
        $killed = $true
    }
    catch {
        # Windows PowerShell 5.1 (.NET Framework) has no Kill(bool).
    }
    if (-not $killed) {
        if ($env:OS -eq 'Windows_NT') {
            & taskkill.exe /PID $Process.Id /T /F 2>&1 | Out-Null
        }
        else {
            try { $Process.Kill() } catch { }
        }
    }
    $Process.WaitForExit(10000) | Out-Null
    $Process.Dispose()
}

function Get-CurrentEmulator {
    param($Emulator)
    if ($null -ne $Emulator) { return $Emulator }
    if ($null -eq $script:CurrentEmulator) { throw 'No emulator is running: call Start-VertexEmulator first.' }
    $script:CurrentEmulator
}

function Invoke-EmulatorControl {
    param($Emulator, [string] $Method, [string] $Route, $Body)
    $e = Get-CurrentEmulator $Emulator
    $arguments = @{
        Method      = $Method
        Uri         = $e.Url + $Route
        Headers     = @{ Authorization = "Bearer $($e.Token)" }
        ErrorAction = 'Stop'
    }
    if ($null -ne $Body) {
        $arguments.Body = $Body
        $arguments.ContentType = 'application/json'
    }
    Invoke-RestMethod @arguments
}

function Get-EmulatorRequest {
    <#
    The requests the emulator recorded, oldest first: by default only the chat requests (kind 'chat'), -All for
    every one. Each has method, path, headers, body (raw text), kind, apiVersion, project, location, endpointId, and
    BodyJson: the body parsed with ConvertFrom-Json (null when it is not JSON).
    #>
    [CmdletBinding()]
    param(
        $Emulator,
        [switch] $All
    )
    $response = Invoke-EmulatorControl -Emulator $Emulator -Method Get -Route '_emulator/requests'
    # Invoke-RestMethod may hand a JSON array over whole or enumerated; piping unrolls it either way.
    foreach ($request in @($response | Where-Object { $null -ne $_ })) {
        if (-not $All -and $request.kind -ne 'chat') { continue }
        $json = $null
        if ($request.body) {
            try { $json = $request.body | ConvertFrom-Json -ErrorAction Stop } catch { $json = $null }
        }
        $request | Add-Member -NotePropertyName BodyJson -NotePropertyValue $json -Force -PassThru
    }
}

function Clear-EmulatorRequest {
    <# Empties the emulator's request log. #>
    [CmdletBinding()]
    param($Emulator)
    Invoke-EmulatorControl -Emulator $Emulator -Method Delete -Route '_emulator/requests' | Out-Null
}

function Add-EmulatorScenario {
    <#
    Queues scripted responses: each answers one authenticated chat request, in order, instead of the deterministic
    reply. -Count queues the same response several times (one per retry the client will make).
    #>
    [CmdletBinding()]
    param(
        $Emulator,
        [Parameter(Mandatory)] [int] $Status,
        [string] $Body = '',
        [hashtable] $Headers = @{},
        [ValidateRange(1, 100)] [int] $Count = 1,
        # Answer only after this many milliseconds (a slow model).
        [int] $DelayMs = 0,
        # Drop the connection instead of answering.
        [switch] $Drop
    )
    $spec = @{ status = $Status; body = $Body; headers = $Headers; count = $Count }
    if ($DelayMs -gt 0) { $spec.delayMs = $DelayMs }
    if ($Drop) { $spec.drop = $true }
    $json = $spec | ConvertTo-Json -Depth 5 -Compress
    Invoke-EmulatorControl -Emulator $Emulator -Method Post -Route '_emulator/scenarios' -Body $json | Out-Null
}

function Set-EmulatorReplyDelay {
    <# Makes every chat request from now on wait -Milliseconds before it is answered (0: at once again). #>
    [CmdletBinding()]
    param(
        $Emulator,
        [Parameter(Mandatory)] [ValidateRange(0, 600000)] [int] $Milliseconds
    )
    $json = @{ replyDelayMs = $Milliseconds } | ConvertTo-Json -Compress
    Invoke-EmulatorControl -Emulator $Emulator -Method Put -Route '_emulator/settings' -Body $json | Out-Null
}

function New-EmulatorServiceAccountKey {
    <#
    Writes a new service-account key file to -Path (UTF-8, no BOM) and returns the path: Google's key format, its
    token_uri the emulator's /token route, so a credential loaded from it gets tokens the emulator accepts.
    #>
    [CmdletBinding()]
    param(
        $Emulator,
        [Parameter(Mandatory)] [string] $Path,
        [string] $ClientEmail = 'pester@emulator-project.iam.gserviceaccount.com'
    )
    $e = Get-CurrentEmulator $Emulator
    # Invoke-WebRequest, not Invoke-RestMethod: the key is written as the emulator sent it, not re-serialized.
    $response = Invoke-WebRequest -UseBasicParsing -Method Post -Uri ($e.Url + '_emulator/service-account-keys') `
        -Headers @{ Authorization = "Bearer $($e.Token)" } -ContentType 'application/json' `
        -Body (@{ clientEmail = $ClientEmail } | ConvertTo-Json -Compress) -ErrorAction Stop
    [System.IO.File]::WriteAllText($Path, [string]$response.Content, (New-Object System.Text.UTF8Encoding $false))
    $Path
}

function New-EmulatorCache {
    <#
    Makes a context cache in the emulator through its real route (POST .../cachedContents, Google's shape): text of
    -Tokens tokens (the emulator counts 4 characters a token) for gemini-2.5-flash, an hour to live. Returns its full
    name (projects/{p}/locations/{l}/cachedContents/{id}). For tests of -CachedContent on the chat cmdlets.
    #>
    [CmdletBinding()]
    param(
        $Emulator,
        [string] $Project = 'test-project',
        [string] $Location = 'us-central1',
        [ValidateRange(2048, 1000000)] [int] $Tokens = 4096
    )
    $e = Get-CurrentEmulator $Emulator
    $body = @{
        model    = "projects/$Project/locations/$Location/publishers/google/models/gemini-2.5-flash"
        contents = @(@{ role = 'user'; parts = @(@{ text = 'x' * ($Tokens * 4) }) })
        ttl      = '3600s'
    } | ConvertTo-Json -Depth 6 -Compress
    $cache = Invoke-RestMethod -Method Post -Uri ($e.Url + "v1/projects/$Project/locations/$Location/cachedContents") `
        -Headers @{ Authorization = "Bearer $($e.Token)" } -ContentType 'application/json' -Body $body -ErrorAction Stop
    $cache.name
}

function Add-EmulatorStreamScenario {
    <#
    Queues one scripted stream: each -Event (a chunk's JSON, see New-TestChunkJson) is one 'data:' event, then [DONE]
    unless -NoDone; -EventDelayMs waits that long between events (a model still sending, to interrupt mid-answer).
    #>
    [CmdletBinding()]
    param(
        $Emulator,
        [Parameter(Mandatory)] [string[]] $Event,
        [int] $EventDelayMs = 0,
        [switch] $NoDone
    )
    $spec = @{ events = @($Event); done = -not $NoDone }
    if ($EventDelayMs -gt 0) { $spec.eventDelayMs = $EventDelayMs }
    $json = $spec | ConvertTo-Json -Depth 5 -Compress
    Invoke-EmulatorControl -Emulator $Emulator -Method Post -Route '_emulator/scenarios' -Body $json | Out-Null
}

function Clear-EmulatorScenario {
    <# Drops every scripted response still queued, so that none answers a later test's request. #>
    [CmdletBinding()]
    param($Emulator)
    Invoke-EmulatorControl -Emulator $Emulator -Method Delete -Route '_emulator/scenarios' | Out-Null
}

function Add-EmulatorStream {
    <#
    Queues one scripted event stream: each element of -Event is a chunk (JSON text or an object) or an integer, a
    pause of that many milliseconds (a model that goes silent mid-answer). [DONE] ends it unless -NoDone.
    #>
    [CmdletBinding()]
    param(
        $Emulator,
        [Parameter(Mandatory)] [object[]] $Event,
        [switch] $NoDone
    )
    $events = foreach ($e in $Event) {
        if ($e -is [int]) { @{ pauseMs = $e } } else { $e }
    }
    $spec = @{ events = @($events); done = (-not $NoDone) }
    $json = ConvertTo-Json -InputObject $spec -Depth 20 -Compress
    Invoke-EmulatorControl -Emulator $Emulator -Method Post -Route '_emulator/scenarios' -Body $json | Out-Null
}

function New-TestToolCallMessage {
    <#
    The assistant message that made a tool call, for tests that send its result: a tool result must answer a call of an
    earlier assistant message, or Vertex (and the emulator) refuse the request.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Id, [string] $Name = 'get_weather', [string] $Arguments = '{}')
    $call = New-Object VertexAI.ToolCall
    $call.Id = $Id
    $call.Function.Name = $Name
    $call.Function.Arguments = $Arguments
    $message = New-Object VertexAI.ChatMessage
    $message.Role = 'assistant'
    $message.ToolCalls = New-Object 'System.Collections.Generic.List[VertexAI.ToolCall]'
    $message.ToolCalls.Add($call)
    $message
}

function New-EmulatorUserToken {
    <#
    A token as a person's 'gcloud auth application-default login' gets it (an authorized_user refresh grant): the
    emulator refuses it on routes without a project in their path unless x-goog-user-project names a quota project.
    #>
    [CmdletBinding()]
    param($Emulator)
    (Invoke-EmulatorControl -Emulator $Emulator -Method Post -Route '_emulator/user-tokens' -Body '{}').access_token
}

function Move-EmulatorClock {
    <# Moves the emulator's context-cache clock forward (expiry without waiting). #>
    [CmdletBinding()]
    param($Emulator, [Parameter(Mandatory)] [TimeSpan] $By)
    $body = @{ advanceSeconds = $By.TotalSeconds } | ConvertTo-Json -Compress
    Invoke-EmulatorControl -Emulator $Emulator -Method Post -Route '_emulator/clock' -Body $body | Out-Null
}

function Add-EmulatorRateLimit {
    <# Queues one 429 RESOURCE_EXHAUSTED with Retry-After 0: the next request (chat or native) is refused once. #>
    [CmdletBinding()]
    param($Emulator, [int] $Count = 1)
    Add-EmulatorScenario -Emulator $Emulator -Status 429 -Body (Get-RateLimitBody) -Headers @{ 'Retry-After' = '0' } -Count $Count
}

function Get-RateLimitBody {
    <# Google's 429 body, as Vertex AI sends it. #>
    '{"error":{"code":429,"message":"Resource exhausted, please try again later.","status":"RESOURCE_EXHAUSTED"}}'
}

function New-SseBody {
    <# A text/event-stream body: one 'data:' event per chunk JSON, then [DONE] unless -NoDone. #>
    param([string[]] $Chunk, [switch] $NoDone)
    $events = foreach ($c in $Chunk) { "data: $c`n`n" }
    if (-not $NoDone) { $events += "data: [DONE]`n`n" }
    -join $events
}

function New-TestChunkJson {
    <# One chat.completion.chunk as Vertex streams it. #>
    param([string] $Text, [string] $FinishReason)
    $choice = [ordered]@{ index = 0; delta = [ordered]@{ role = 'assistant'; content = $Text } }
    if ($FinishReason) { $choice.finish_reason = $FinishReason }
    [ordered]@{
        id      = 'scripted-1'
        object  = 'chat.completion.chunk'
        created = 1700000000
        model   = 'google/gemini-2.5-flash'
        choices = @($choice)
    } | ConvertTo-Json -Depth 6 -Compress
}

function ConvertTo-PlainText {
    <# Every record of a merged stream (*>&1) as text, the way a person or a log would see it. #>
    param([object[]] $Record)
    $lines = foreach ($r in $Record) {
        if ($null -eq $r) { continue }
        if ($r -is [System.Management.Automation.InformationRecord]) { "$($r.MessageData)" }
        elseif ($r -is [System.Management.Automation.ErrorRecord]) { $r.ToString(); "$($r.Exception)"; "$($r.ErrorDetails)" }
        else { "$r" }
    }
    ($lines -join "`n") + "`n" + ($Record | Out-String -Width 4096)
}

function Get-ChatParameterCase {
    <#
    The parameters the chat cmdlets share, as -ForEach data for the parameter metadata tests (Position -1 means named).
    Read from the reviewed surface table, ChatRows and ByPropertyName in tests/VertexAI.Module.Tests/SurfaceTests.cs,
    so that the table is written once: the xUnit tests check the assembly's metadata against it, these the parameters
    PowerShell itself binds (Get-Command).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $CommandName)
    $source = Join-Path (Get-VertexAIRepoRoot) 'tests/VertexAI.Module.Tests/SurfaceTests.cs'
    $text = [System.IO.File]::ReadAllText($source)
    $byPropertyName = [regex]::Match($text, 'HashSet<\(string Cmdlet, string Name\)> ByPropertyName =\s*\[(?<set>[^\]]*)\]')
    if (-not $byPropertyName.Success) { throw "No ByPropertyName set in $source." }
    $rowPattern = '\(cmdlet, "(?<name>\w+)", (?<type>"[^"]+"|Switch), (?<mandatory>true|false), (?<position>\d+|Named), (?<pipeline>true|false), "(?<aliases>[^"]*)"\)'
    $rows = [regex]::Matches($text, $rowPattern)
    if ($rows.Count -eq 0) { throw "No chat parameter rows (ChatRows) in $source." }
    foreach ($row in $rows) {
        $name = $row.Groups['name'].Value
        $type = $row.Groups['type'].Value
        @{
            Name           = $name
            Type           = if ($type -eq 'Switch') { 'System.Management.Automation.SwitchParameter' } else { $type.Trim('"') }
            Mandatory      = $row.Groups['mandatory'].Value -eq 'true'
            Position       = if ($row.Groups['position'].Value -eq 'Named') { -1 } else { [int] $row.Groups['position'].Value }
            Pipeline       = $row.Groups['pipeline'].Value -eq 'true'
            ByPropertyName = $byPropertyName.Groups['set'].Value.Contains("(""$CommandName"", ""$name"")")
            Aliases        = @($row.Groups['aliases'].Value -split '\|' | Where-Object { $_ })
        }
    }
}

function Assert-ParameterShape {
    <#
    Checks one parameter of a command against the surface: type, not mandatory unless -Mandatory, position
    (-1 = named), ValueFromPipeline, by property name only with -ByPropertyName, and exactly the aliases given.
    #>
    param(
        [Parameter(Mandatory)] [string] $CommandName,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Type,
        [int] $Position = -1,
        [bool] $Pipeline = $false,
        [bool] $Mandatory = $false,
        [string[]] $Aliases = @(),
        [bool] $ByPropertyName = $false
    )
    $parameter = (Get-Command $CommandName).Parameters[$Name]
    if ($null -eq $parameter) { throw "$CommandName has no parameter -$Name." }
    $parameter.ParameterType.FullName | Should -Be $Type
    $sets = @($parameter.ParameterSets.Values)
    $sets.Count | Should -Be 1
    $set = $sets[0]
    $set.IsMandatory | Should -Be $Mandatory
    $expectedPosition = if ($Position -lt 0) { [int]::MinValue } else { $Position }
    $set.Position | Should -Be $expectedPosition
    $set.ValueFromPipeline | Should -Be $Pipeline
    $set.ValueFromPipelineByPropertyName | Should -Be $ByPropertyName
    (@($parameter.Aliases | Sort-Object) -join ',') | Should -Be (@($Aliases | Sort-Object) -join ',')
}

function New-TestPng {
    <# Writes a 1x1 PNG to -Path and returns the path. #>
    param([Parameter(Mandatory)] [string] $Path)
    $bytes = [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==')
    [System.IO.File]::WriteAllBytes($Path, $bytes)
    $Path
}

function Set-EmulatorBatchJobSpeed {
    <# How many reads (GET or list) each batch job state lasts for jobs created from now on (POST /_emulator/batch-jobs). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][int] $ReadsPerState, $Emulator)
    Invoke-EmulatorControl -Emulator $Emulator -Method Post -Route '_emulator/batch-jobs' -Body (@{ readsPerState = $ReadsPerState } | ConvertTo-Json) | Out-Null
}

function Add-EmulatorStorageFault {
    <# The next -Count Cloud Storage requests (of -Method only, when given) fail with -Status (POST /_emulator/storage-faults). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][int] $Status, [int] $Count = 1, [string] $Method, $Emulator)
    $body = @{ status = $Status; count = $Count }
    if ($Method) { $body.method = $Method }
    Invoke-EmulatorControl -Emulator $Emulator -Method Post -Route '_emulator/storage-faults' -Body ($body | ConvertTo-Json) | Out-Null
}

Export-ModuleMember -Function Get-VertexAIRepoRoot, Set-EmulatorBatchJobSpeed, Add-EmulatorStorageFault, Add-EmulatorStream, Get-VertexAIModuleManifest, Import-VertexAITestModule,
    Initialize-VertexTestSession,
    Start-VertexEmulator, Stop-VertexEmulator, Get-EmulatorRequest, Clear-EmulatorRequest, Add-EmulatorScenario,
    Add-EmulatorStreamScenario, Clear-EmulatorScenario, Set-EmulatorReplyDelay, New-EmulatorServiceAccountKey,
    Get-RateLimitBody, New-EmulatorCache, New-EmulatorUserToken, Move-EmulatorClock, Add-EmulatorRateLimit, New-TestToolCallMessage, New-SseBody, New-TestChunkJson, ConvertTo-PlainText, Get-ChatParameterCase,
    Assert-ParameterShape, New-TestPng
