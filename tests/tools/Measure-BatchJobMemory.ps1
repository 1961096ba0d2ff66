<#
.SYNOPSIS
Measures the peak working set of a pwsh that starts a batch job from N piped prompts, and of one that receives its N
answers, against the repository's emulator (issue 12: 100,000 prompts, target under 200 MB).

.DESCRIPTION
Each phase runs in its own child pwsh so that its peak is its own: the kernel's high-water mark of resident memory
(VmHWM in /proc/<pid>/status on Linux; Process.PeakWorkingSet64 elsewhere), read at the end of the phase. A baseline
child imports the module and sends one prompt, so the figures can be read against what pwsh and the module cost anyway.
Run from the repository root after 'dotnet publish src/VertexAI -c Release':
    dotnet pwsh tests/tools/Measure-BatchJobMemory.ps1 -Count 100000
#>
param([int] $Count = 100000)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../pester/TestHelper.psm1') -Force
$manifest = Get-VertexAIModuleManifest
$emulator = Start-VertexEmulator
try {
    $common = "`$PSDefaultParameterValues = @{ '*-Gemini*:BaseUri' = '$($emulator.BaseUri)'; '*-Gemini*:AccessToken' = '$($emulator.Token)'; '*-Gemini*:Project' = 'mem-project'; '*-Gemini*:Location' = 'us-central1' }"
    $peak = 'function Get-Peak { if (Test-Path /proc/$PID/status) { [long](((Get-Content /proc/$PID/status | Where-Object { $_ -like ''VmHWM:*'' }) -replace ''\D'', '''')) * 1KB } else { (Get-Process -Id $PID).PeakWorkingSet64 } }'
    function Invoke-Phase([string] $Name, [string] $Body) {
        $script = "Import-Module '$manifest'; $common; $peak; $Body"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        # The pinned pwsh (a local .NET tool), as the other scripts here start it; $PID in the child is the engine's process.
        Push-Location (Get-VertexAIRepoRoot)
        try { $out = & dotnet pwsh -NoProfile -NonInteractive -Command $script }
        finally { Pop-Location }
        if ($LASTEXITCODE -ne 0) { throw "$Name failed: $out" }
        $line = @($out)[-1]
        [pscustomobject]@{ Phase = $Name; Result = $line; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1) }
    }

    $baseline = Invoke-Phase 'baseline (import, one online prompt)' '$null = Invoke-GeminiChat hi; "peak $([math]::Round((Get-Peak) / 1MB)) MB; managed heap after a full GC $([math]::Round([GC]::GetTotalMemory($true) / 1MB)) MB"'
    $start = Invoke-Phase "Start-GeminiBatchJob, $Count prompts" @"
`$job = 1..$Count | ForEach-Object { "Classify support ticket number `$_ : the printer on floor `$(`$_ % 7) shows error E`$(`$_ % 100) after the update." } |
    Start-GeminiBatchJob -OutputUri gs://memory-bucket/run/ -SystemMessage 'Answer with one word: bug, question or request.' -MaxTokens 5
"peak `$([math]::Round((Get-Peak) / 1MB)) MB; managed heap after a full GC `$([math]::Round([GC]::GetTotalMemory(`$true) / 1MB)) MB; job `$(`$job.Name)"
"@
    $jobName = ($start.Result -split 'job ')[-1]
    $receive = Invoke-Phase "Wait- and Receive-GeminiBatchJob, $Count answers" @"
`$n = 0; Wait-GeminiBatchJob '$jobName' -PollIntervalSec 1 | Receive-GeminiBatchJob | ForEach-Object { `$n++ }
"peak `$([math]::Round((Get-Peak) / 1MB)) MB; managed heap after a full GC `$([math]::Round([GC]::GetTotalMemory(`$true) / 1MB)) MB; `$n answers"
"@
    $baseline, $start, $receive | Format-Table -AutoSize | Out-String -Width 200
}
finally {
    Stop-VertexEmulator -Emulator $emulator
}
