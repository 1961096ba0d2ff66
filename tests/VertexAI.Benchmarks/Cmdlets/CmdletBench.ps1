<#
.SYNOPSIS
    The cmdlet side of the benchmark suite (`dotnet run -c Release --project tests/VertexAI.Benchmarks -- --cmdlets`):
    what a user of the module pays, measured in one pwsh next to what the same pwsh does by hand.

.DESCRIPTION
    Started by Harness/CmdletHarness.cs in a child pwsh (never by the Pester run), against the benchmark server
    (Server/BenchScenarios.cs: the prompt selects the answer). Each measurement function runs its loop inline, so what
    -Mode Parity checks (one call of each function against an emulator whose request log the harness reads) is
    exactly what -Mode Bench times.

    -Mode Parity  one call of each side; prints `ANSWER <side> <base64 of the text>` lines.
    -Mode Bench   warm-up, then -Rounds rounds, each made of blocks that run every side once in a rotating order;
                  prints one `RESULT {json}` line per side and round (and per batch run), times in milliseconds.

    The raw sides are what a careful user writes in pwsh without the module: one shared HttpClient, the request
    written as the module writes it (same bytes, same headers; checked), JsonDocument to read the answer.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Parity', 'Bench')] [string] $Mode,
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $Token,
    [string] $Project = 'bench-project',
    [string] $Location = 'us-central1',
    [string] $Model = 'gemini-2.0-flash-001',
    [string] $SmallPrompt = 'Say hello in one short sentence.',
    [string] $StreamPrompt = 'bench:stream:2000',
    [string] $DelayedPrompt = 'bench:delay:50',
    [int] $Rounds = 5,
    [int] $Calls = 1000,
    [int] $Blocks = 10,
    [int] $WarmupCalls = 500,
    [int] $Streams = 10,
    [int] $WarmupStreams = 5,
    [int] $BatchPrompts = 1000,
    [int] $BatchRuns = 2,
    [int] $ThrottleLimit = 16
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version Latest

Import-Module $Module
# As a user configures the module once per session; every call below then passes just the prompt.
Set-GeminiContext -BaseUri $BaseUri -AccessToken $Token -Project $Project -Location $Location -Model $Model

$script:Uri = [Uri]::new([Uri]$BaseUri, "v1/projects/$Project/locations/$Location/endpoints/openapi/chat/completions")
$script:WireModel = "google/$Model"
# The module's own User-Agent, so that the raw requests carry the same header values (the parity check compares them).
$script:UserAgent = 'VertexAI-PowerShell/' + ((Get-Module VertexAI).Version.ToString(3))
$handler = [System.Net.Http.HttpClientHandler]::new()
$handler.UseCookies = $false
$handler.AllowAutoRedirect = $false
$script:Http = [System.Net.Http.HttpClient]::new($handler)
$script:Http.Timeout = [System.Threading.Timeout]::InfiniteTimeSpan
$script:Auth = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $Token)
$script:JsonType = [System.Net.Http.Headers.MediaTypeHeaderValue]::new('application/json')
$script:JsonType.CharSet = 'utf-8'
$script:AcceptJson = [System.Net.Http.Headers.MediaTypeWithQualityHeaderValue]::new('application/json')
$script:AcceptStream = [System.Net.Http.Headers.MediaTypeWithQualityHeaderValue]::new('text/event-stream')
$script:Agent = [System.Net.Http.Headers.ProductInfoHeaderValue]::Parse($script:UserAgent)
$script:Utf8 = [System.Text.UTF8Encoding]::new($false)

function Write-Result([string] $Part, [string] $Side, [int] $Round, [int] $Count, [double] $Ms, [hashtable] $Extra = @{}, [int] $Block = 0) {
    $o = [ordered]@{ part = $Part; side = $Side; round = $Round; block = $Block; count = $Count; ms = $Ms }
    foreach ($k in $Extra.Keys) { $o[$k] = $Extra[$k] }
    [Console]::Out.WriteLine('RESULT ' + ($o | ConvertTo-Json -Compress))
}

# --- one request, non-streaming ---------------------------------------------------------------------------------

function Measure-Cmdlet([int] $Count, [string] $Prompt) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) {
        $answer = Invoke-GeminiChat $Prompt
    }
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Text = $answer.Content }
}

function Measure-Raw([int] $Count, [string] $Prompt) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) {
        # The body as the module writes it (JsonEncodedText escapes as its Utf8JsonWriter does).
        $body = '{"model":"' + $script:WireModel + '","messages":[{"role":"user","content":"' +
            [System.Text.Json.JsonEncodedText]::Encode($Prompt).ToString() + '"}]}'
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, $script:Uri)
        $request.Content = [System.Net.Http.ByteArrayContent]::new($script:Utf8.GetBytes($body))
        $request.Content.Headers.ContentType = $script:JsonType
        $request.Headers.Authorization = $script:Auth
        $request.Headers.Accept.Add($script:AcceptJson)
        $request.Headers.UserAgent.Add($script:Agent)
        $response = $script:Http.SendAsync($request, [System.Net.Http.HttpCompletionOption]::ResponseHeadersRead).GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode) { throw "HTTP $([int]$response.StatusCode)" }
        $bytes = $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
        $doc = [System.Text.Json.JsonDocument]::Parse([ReadOnlyMemory[byte]]::new($bytes))
        $answer = $doc.RootElement.GetProperty('choices')[0].GetProperty('message').GetProperty('content').GetString()
        $doc.Dispose()
        $response.Dispose()
        $request.Dispose()
    }
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Text = $answer }
}

function Measure-Irm([int] $Count, [string] $Prompt) {
    $headers = @{ Authorization = "Bearer $Token"; Accept = 'application/json' }
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) {
        $body = '{"model":"' + $script:WireModel + '","messages":[{"role":"user","content":"' +
            [System.Text.Json.JsonEncodedText]::Encode($Prompt).ToString() + '"}]}'
        $response = Invoke-RestMethod -Method Post -Uri $script:Uri -Headers $headers -UserAgent $script:UserAgent `
            -ContentType 'application/json; charset=utf-8' -Body $body
        $answer = $response.choices[0].message.content
    }
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Text = $answer }
}

# --- one streamed answer ------------------------------------------------------------------------------------------

function Measure-Stream([int] $Count, [string] $Prompt) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) {
        $chunks = Get-GeminiStream $Prompt
    }
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Text = -join @($chunks | ForEach-Object AnswerText); Items = @($chunks).Count }
}

function Measure-StreamText([int] $Count, [string] $Prompt) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) {
        $texts = Get-GeminiStream $Prompt -TextOnly
    }
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Text = -join $texts; Items = @($texts).Count }
}

function Measure-RawStream([int] $Count, [string] $Prompt) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) {
        $body = '{"model":"' + $script:WireModel + '","messages":[{"role":"user","content":"' +
            [System.Text.Json.JsonEncodedText]::Encode($Prompt).ToString() + '"}],"stream":true}'
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, $script:Uri)
        $request.Content = [System.Net.Http.ByteArrayContent]::new($script:Utf8.GetBytes($body))
        $request.Content.Headers.ContentType = $script:JsonType
        $request.Headers.Authorization = $script:Auth
        $request.Headers.Accept.Add($script:AcceptStream)
        $request.Headers.UserAgent.Add($script:Agent)
        $response = $script:Http.SendAsync($request, [System.Net.Http.HttpCompletionOption]::ResponseHeadersRead).GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode) { throw "HTTP $([int]$response.StatusCode)" }
        $reader = [System.IO.StreamReader]::new($response.Content.ReadAsStreamAsync().GetAwaiter().GetResult())
        # Each event's text is written to the pipeline as it is read (as Get-GeminiStream -TextOnly does).
        $texts = while ($null -ne ($line = $reader.ReadLine())) {
            if (-not $line.StartsWith('data:')) { continue }
            $data = $line.Substring(5).Trim()
            if ($data -eq '[DONE]') { break }
            $doc = [System.Text.Json.JsonDocument]::Parse($data)
            $choices = $doc.RootElement.GetProperty('choices')
            if ($choices.GetArrayLength() -gt 0) {
                $content = [System.Text.Json.JsonElement]::new()
                if ($choices[0].GetProperty('delta').TryGetProperty('content', [ref] $content) -and $content.ValueKind -eq 'String') {
                    $text = $content.GetString()
                    if ($text.Length -gt 0) { $text }
                }
            }
            $doc.Dispose()
        }
        $reader.Dispose()
        $response.Dispose()
        $request.Dispose()
    }
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Text = -join $texts; Items = @($texts).Count }
}

# --- a batch ------------------------------------------------------------------------------------------------------

function Measure-Batch([int] $Count, [string] $Prompt) {
    $prompts = [string[]]::new($Count)
    for ($i = 0; $i -lt $Count; $i++) { $prompts[$i] = $Prompt }
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $answers = $prompts | Invoke-GeminiChat -ThrottleLimit $ThrottleLimit
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Items = @($answers).Count }
}

function Write-Answer([string] $Side, [string] $Text) {
    [Console]::Out.WriteLine("ANSWER $Side " + [Convert]::ToBase64String($script:Utf8.GetBytes([string]$Text)))
}

if ($Mode -eq 'Parity') {
    # The harness reads the emulator's log in this order: cmdlet, raw, irm, stream (cmdlet), stream (-TextOnly), stream (raw).
    Write-Answer 'cmdlet' (Measure-Cmdlet 1 $SmallPrompt).Text
    Write-Answer 'raw' (Measure-Raw 1 $SmallPrompt).Text
    Write-Answer 'irm' (Measure-Irm 1 $SmallPrompt).Text
    Write-Answer 'stream' (Measure-Stream 1 $SmallPrompt).Text
    Write-Answer 'stream-text' (Measure-StreamText 1 $SmallPrompt).Text
    Write-Answer 'stream-raw' (Measure-RawStream 1 $SmallPrompt).Text
    return
}

# Bench: every side checked against the others once, then warmed up (tiered JIT of the module and of this script's
# paths), then measured in rounds with the order rotated.
$small = @{ cmdlet = ${function:Measure-Cmdlet}; raw = ${function:Measure-Raw}; irm = ${function:Measure-Irm} }
$stream = @{ stream = ${function:Measure-Stream}; 'stream-text' = ${function:Measure-StreamText}; 'stream-raw' = ${function:Measure-RawStream} }
$texts = @{}
foreach ($side in $stream.Keys) { $texts[$side] = (& $stream[$side] 1 $StreamPrompt).Text }
if ($texts['stream'] -ne $texts['stream-raw'] -or $texts['stream-text'] -ne $texts['stream-raw'] -or $texts['stream-raw'].Length -eq 0) {
    throw 'The streamed answers differ between the cmdlets and the raw loop.'
}

foreach ($side in 'cmdlet', 'raw', 'irm') { $null = & $small[$side] $WarmupCalls $SmallPrompt }
foreach ($side in 'stream', 'stream-text', 'stream-raw') { $null = & $stream[$side] $WarmupStreams $StreamPrompt }
$null = Measure-Batch ([Math]::Min(64, $BatchPrompts)) $DelayedPrompt
[Console]::Out.WriteLine('WARMED')

# A round is made of blocks: each block runs every side once (calls / blocks calls, or one stream), in an order that
# rotates from block to block, so that a burst of load from elsewhere on the machine lands on every side alike.
$smallOrder = 'cmdlet', 'raw', 'irm'
$streamOrder = 'stream', 'stream-text', 'stream-raw'
$perBlock = [Math]::Max(1, [int][Math]::Floor($Calls / $Blocks))
# One RESULT line per side and block: the harness takes ratios block by block (the sides of one block ran within
# moments of each other) and reports their median, and sums the blocks of a round for the rates.
for ($round = 0; $round -lt $Rounds; $round++) {
    for ($b = 0; $b -lt $Blocks; $b++) {
        for ($k = 0; $k -lt 3; $k++) {
            $side = $smallOrder[($round + $b + $k) % 3]
            Write-Result 'call' $side $round $perBlock (& $small[$side] $perBlock $SmallPrompt).Ms -Block $b
        }
    }
    for ($b = 0; $b -lt $Streams; $b++) {
        for ($k = 0; $k -lt 3; $k++) {
            $side = $streamOrder[($round + $b + $k) % 3]
            $r = & $stream[$side] 1 $StreamPrompt
            Write-Result 'stream' $side $round 1 $r.Ms @{ items = $r.Items } -Block $b
        }
    }
}
for ($run = 0; $run -lt $BatchRuns; $run++) {
    [GC]::Collect()
    $r = Measure-Batch $BatchPrompts $DelayedPrompt
    if ($r.Items -ne $BatchPrompts) { throw "The batch wrote $($r.Items) answers for $BatchPrompts prompts." }
    Write-Result 'batch' 'cmdlet' $run $BatchPrompts $r.Ms @{ throttle = $ThrottleLimit }
}
