# Pester 5: Start-, Get-, Wait-, Stop- and Receive-GeminiBatchJob against the emulator's batch job and Cloud Storage routes.

Describe 'Gemini batch prediction jobs' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $jobsPath = '/v1/projects/test-project/locations/us-central1/batchPredictionJobs'

        # Cloud Storage as a user would read it: the JSON API over HTTP (the emulator serves it).
        function Get-StoredText([string] $Bucket, [string] $Name) {
            $response = Invoke-WebRequest -Uri ($emulator.Url + "storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Name))?alt=media") `
                -Headers @{ Authorization = "Bearer $($emulator.Token)" } -ErrorAction Stop
            [Text.Encoding]::UTF8.GetString($response.RawContentStream.ToArray())
        }
        function Get-StoredName([string] $Bucket, [string] $Prefix) {
            $list = Invoke-RestMethod -Uri ($emulator.Url + "storage/v1/b/$Bucket/o?prefix=$([uri]::EscapeDataString($Prefix))") `
                -Headers @{ Authorization = "Bearer $($emulator.Token)" } -ErrorAction Stop
            @($list.items | ForEach-Object name)
        }
        function Set-ReadsPerState([int] $Reads) {
            Set-EmulatorBatchJobSpeed -ReadsPerState $Reads
        }
        function Get-InputLine($Job) {
            $name = $Job.InputUri -replace '^gs://[^/]+/', ''
            $bucket = ($Job.InputUri -replace '^gs://', '') -replace '/.*$', ''
            @((Get-StoredText $bucket $name) -split "`n" | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json })
        }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorRequest
        Set-ReadsPerState 1
    }

    Context 'Start-GeminiBatchJob' {
        It 'writes one native request per piped prompt, uploads it and creates the job' {
            $job = 'First question', 'Second question' |
                Start-GeminiBatchJob -OutputUri gs://my-bucket/runs/ -SystemMessage 'Be terse.' -Temperature 0.2 -MaxTokens 50 -DisplayName nightly
            $job | Should -BeOfType ([VertexAI.BatchJob])
            $job.State | Should -Be 'JOB_STATE_PENDING'
            $job.DisplayName | Should -Be 'nightly'
            $job.Model | Should -Be 'publishers/google/models/gemini-2.5-flash'
            $job.OutputUriPrefix | Should -Be 'gs://my-bucket/runs/'
            $job.InputUri | Should -Match '^gs://my-bucket/runs/vertexai-input-\d{8}-\d{6}-[0-9a-f]{8}\.jsonl$'

            $lines = Get-InputLine $job
            $lines.Count | Should -Be 2
            $lines[0].request.contents[0].parts[0].text | Should -Be 'First question'
            $lines[1].request.contents[0].parts[0].text | Should -Be 'Second question'
            $lines[0].request.systemInstruction.parts[0].text | Should -Be 'Be terse.'
            $lines[0].request.generationConfig.temperature | Should -Be 0.2
            $lines[0].request.generationConfig.maxOutputTokens | Should -Be 50
            $lines[1].request.labels.vertexai_ps_line | Should -Be '1'

            $log = @(Get-EmulatorRequest -All)
            $log[0].method + ' ' + $log[0].path + $log[0].query | Should -Match '^POST /upload/storage/v1/b/my-bucket/o\?uploadType=resumable&name=runs%2Fvertexai-input-'
            $log[0].headers.Authorization | Should -Be "Bearer $($emulator.Token)"
            $log[1].method | Should -Be 'PUT'
            $log[1].headers.'Content-Range' | Should -Match '^bytes 0-\d+/\d+$'
            $log[2].path | Should -Be $jobsPath
            $log[2].BodyJson.inputConfig.gcsSource.uris[0] | Should -Be $job.InputUri
            $log[2].BodyJson.outputConfig.gcsDestination.outputUriPrefix | Should -Be 'gs://my-bucket/runs/'
        }

        It 'sends each prompt with the messages piped before it, as Invoke-GeminiChat does' {
            $job = & {
                New-GeminiMessage -Role system 'You classify tickets.'
                New-GeminiMessage -Role user 'Example: printer on fire'
                New-GeminiMessage -Role assistant 'bug'
                'My login fails'
                'How do I export?'
            } | Start-GeminiBatchJob -OutputUri gs://my-bucket/conv
            $lines = Get-InputLine $job
            $lines.Count | Should -Be 2
            $lines[1].request.systemInstruction.parts[0].text | Should -Be 'You classify tickets.'
            @($lines[1].request.contents.role) | Should -Be @('user', 'model', 'user')
            $lines[1].request.contents[2].parts[0].text | Should -Be 'How do I export?'
        }

        It 'carries grounding, safety settings and the media resolution into each line' {
            $job = 'News today?' | Start-GeminiBatchJob -OutputUri gs://my-bucket/grounded -GoogleSearch -SafetySetting @{ HATE_SPEECH = 'BLOCK_ONLY_HIGH' } -MediaResolution low
            $request = (Get-InputLine $job)[0].request
            ($request.tools | ConvertTo-Json -Compress) | Should -Be '{"googleSearch":{}}'
            $request.safetySettings[0].category | Should -Be 'HARM_CATEGORY_HATE_SPEECH'
            $request.safetySettings[0].threshold | Should -Be 'BLOCK_ONLY_HIGH'
            $request.generationConfig.mediaResolution | Should -Be 'MEDIA_RESOLUTION_LOW'
        }

        It 'retries an upload chunk answered 503, as every call of the module is retried, and says so with -Verbose' {
            Add-EmulatorStorageFault -Status 503 -Method PUT
            $job = 'x' | Start-GeminiBatchJob -OutputUri gs://my-bucket/retry -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [VertexAI.BatchJob] }
            $job.State | Should -Be 'JOB_STATE_PENDING'
            ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n" | Should -Match 'Retry 1 of 3 in .* after HTTP 503'
            @(Get-EmulatorRequest -All | Where-Object method -eq 'PUT').responseStatus | Should -Be @(503, 200)
            (Get-InputLine $job)[0].request.contents[0].parts[0].text | Should -Be 'x'
        }

        It 'refuses what a batch job cannot carry, naming the field, before anything is uploaded' {
            { 'Hi' | Start-GeminiBatchJob -OutputUri gs://my-bucket/x -StreamFunctionCallArguments -ErrorAction Stop } |
                Should -Throw -ExpectedMessage "*'extra_body.google.stream_function_call_arguments'*"
            $err = $null
            try { 'Hi' | Start-GeminiBatchJob -OutputUri gs://my-bucket/x -ExtraBody @{ google = @{ unknown_key = 1 } } -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'Gemini.BatchUnsupported*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.TargetObject | Should -Be 'Hi'
            @(Get-EmulatorRequest -All).Count | Should -Be 0
        }

        It 'refuses an -OutputUri that is not gs:// and a self-deployed -Endpoint' {
            { 'Hi' | Start-GeminiBatchJob -OutputUri https://example.com/out -ErrorAction Stop } | Should -Throw -ExpectedMessage '*not a Cloud Storage URI*'
            { 'Hi' | Start-GeminiBatchJob -OutputUri gs://my-bucket/x -Endpoint 123 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*publisher models*'
            @(Get-EmulatorRequest -All).Count | Should -Be 0
        }

        It 'uploads nothing and creates no job with -WhatIf' {
            $out = 'Hi' | Start-GeminiBatchJob -OutputUri gs://my-bucket/whatif -WhatIf
            $out | Should -BeNullOrEmpty
            @(Get-EmulatorRequest -All).Count | Should -Be 0
        }
    }

    Context 'The whole path: start, wait, receive' {
        It 'returns ChatCompletions in input order tagged with their Input, and an error naming each failed input' {
            $prompts = 1..6 | ForEach-Object { if ($_ -eq 4) { "prompt 4 EMULATOR_FAIL" } else { "prompt $_" } }
            $job = $prompts | Start-GeminiBatchJob -OutputUri gs://path-bucket/run1/
            $done = $job | Wait-GeminiBatchJob -PollIntervalSec 0.05
            $done.State | Should -Be 'JOB_STATE_SUCCEEDED'
            $done.SuccessfulCount | Should -Be 5
            $done.FailedCount | Should -Be 1

            $answers = $done | Receive-GeminiBatchJob -ErrorVariable failed -ErrorAction SilentlyContinue
            $answers.Count | Should -Be 5
            $answers | ForEach-Object { $_ | Should -BeOfType ([VertexAI.ChatCompletion]) }
            @($answers.Input) | Should -Be @('prompt 1', 'prompt 2', 'prompt 3', 'prompt 5', 'prompt 6')
            @($answers.Content) | Should -Be @('Echo: prompt 1', 'Echo: prompt 2', 'Echo: prompt 3', 'Echo: prompt 5', 'Echo: prompt 6')
            $answers[0].Model | Should -Be 'google/gemini-2.5-flash'
            $answers[0].Usage.PromptTokens | Should -Be 2
            ($answers[0] | Out-String).Trim() | Should -Be 'Echo: prompt 1'

            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.BatchLineFailed*'
            $failed[0].TargetObject | Should -Be 'prompt 4 EMULATOR_FAIL'
            $failed[0].ToString() | Should -BeLike "Input 'prompt 4 EMULATOR_FAIL' (line 4) failed in the batch job: Bad Request*"

            $storageCalls = @(Get-EmulatorRequest -All | Where-Object kind -eq 'storage')
            $storageCalls.path | Should -Contain '/storage/v1/b/path-bucket/o'
            ($storageCalls | Where-Object { $_.query -like '*alt=media*' }).headers.Authorization | Should -Be "Bearer $($emulator.Token)"
        }

        It 'carries tools, thinking and structured output through to the answers' {
            $tool = New-GeminiTool get_weather 'Weather' @{ type = 'object'; properties = @{ city = @{ type = 'string' } } }
            $job = 'Boston?' | Start-GeminiBatchJob -OutputUri gs://path-bucket/tools -Tool $tool -ToolChoice required
            $answer = $job | Wait-GeminiBatchJob -PollIntervalSec 0.05 | Receive-GeminiBatchJob
            $answer.FinishReason | Should -Be 'tool_calls'
            $answer.ToolCalls[0].Function.Name | Should -Be 'get_weather'
            $answer.ToolCalls[0].ThoughtSignature | Should -Not -BeNullOrEmpty

            $job = 'Why?' | Start-GeminiBatchJob -OutputUri gs://path-bucket/think -IncludeThoughts -ThinkingBudget 512
            (Get-InputLine $job)[0].request.generationConfig.thinkingConfig.thinkingBudget | Should -Be 512
            $answer = $job | Wait-GeminiBatchJob -PollIntervalSec 0.05 | Receive-GeminiBatchJob
            $answer.Thoughts | Should -Be 'Thinking about: Why?'
            $answer.Content | Should -Be 'Echo: Why?'
            $answer.Usage.ReasoningTokens | Should -Be 7

            $job = 'Zurich' | Start-GeminiBatchJob -OutputUri gs://path-bucket/json -ResponseFormat json_object
            (Get-InputLine $job)[0].request.generationConfig.responseMimeType | Should -Be 'application/json'
            $answer = $job | Wait-GeminiBatchJob -PollIntervalSec 0.05 | Receive-GeminiBatchJob
            $answer.Parsed['echo'] | Should -Be 'Echo: Zurich'
        }
    }

    Context 'Get-GeminiBatchJob' {
        It 'gets a job by name, by id and from the pipeline, and lists the location' {
            $job = 'a' | Start-GeminiBatchJob -OutputUri gs://get-bucket/x
            (Get-GeminiBatchJob -Name $job.Name).Name | Should -Be $job.Name
            (Get-GeminiBatchJob $job.Id).Name | Should -Be $job.Name
            ($job | Get-GeminiBatchJob).Name | Should -Be $job.Name
            @(Get-GeminiBatchJob).Name | Should -Contain $job.Name
            $table = ($job | Get-GeminiBatchJob | Out-String -Width 120)
            $table | Should -Match 'Id\s+DisplayName\s+Status\s+Done\s+Failed\s+Left\s+Model\s+Created'
            $table | Should -Match ([regex]::Escape($job.Id))
            $table | Should -Match '\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*$' -Because 'the creation time fits in 120 columns, not cut with an ellipsis'
            $table | Should -Not -Match ([char]0x2026)
        }

        It 'reports an unknown job as a non-terminating NOT_FOUND error naming it' {
            $out = Get-GeminiBatchJob 999 -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err[0].Exception.Status | Should -Be 'NOT_FOUND'
            $err[0].TargetObject | Should -Be '999'
        }
    }

    Context 'Wait-GeminiBatchJob' {
        It 'shows the state and counts in a progress bar while it waits' {
            Set-ReadsPerState 3
            $job = 'p1', 'p2' | Start-GeminiBatchJob -OutputUri gs://wait-bucket/x
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddCommand('Import-Module').AddArgument((Get-VertexAIModuleManifest)).AddStatement()
                $null = $ps.AddCommand('Wait-GeminiBatchJob').AddParameter('Name', $job.Name).AddParameter('PollIntervalSec', 0.05).
                    AddParameter('BaseUri', $emulator.BaseUri).AddParameter('AccessToken', $emulator.Token)
                $result = $ps.Invoke()
                $result[0].State | Should -Be 'JOB_STATE_SUCCEEDED'
                $status = @($ps.Streams.Progress | Where-Object RecordType -eq 'Processing' | ForEach-Object StatusDescription)
                $status | Should -Contain "$($job.DisplayName) ($($job.Id)): PENDING"
                ($status -join "`n") | Should -Match 'PENDING'
                ($status -join "`n") | Should -Match 'RUNNING, 1 ok, 0 failed, 1 left'
                ($status -join "`n") | Should -Match 'SUCCEEDED, 2 ok, 0 failed, 0 left'
                @($ps.Streams.Progress | Where-Object RecordType -eq 'Completed').Count | Should -BeGreaterThan 0
            }
            finally { $ps.Dispose() }
        }

        It 'warns and still outputs the job when it failed' {
            Invoke-RestMethod -Method Post -Uri ($emulator.Url + 'upload/storage/v1/b/wait-bucket/o?uploadType=media&name=bad.jsonl') `
                -Headers @{ Authorization = "Bearer $($emulator.Token)" } -ContentType 'application/jsonl' -Body "{`"request`":{`"contents`":[]}}`n" | Out-Null
            $created = Invoke-RestMethod -Method Post -Uri ($emulator.Url + $jobsPath.TrimStart('/')) -Headers @{ Authorization = "Bearer $($emulator.Token)" } `
                -ContentType 'application/json' -Body (@{ displayName = 'bad'; model = 'publishers/google/models/gemini-2.5-flash'
                    inputConfig = @{ instancesFormat = 'jsonl'; gcsSource = @{ uris = @('gs://wait-bucket/bad.jsonl') } }
                    outputConfig = @{ predictionsFormat = 'jsonl'; gcsDestination = @{ outputUriPrefix = 'gs://wait-bucket/bad-out' } } } | ConvertTo-Json -Depth 5)
            $job = Wait-GeminiBatchJob $created.name -PollIntervalSec 0.05 -WarningVariable warned -WarningAction SilentlyContinue
            $job.State | Should -Be 'JOB_STATE_FAILED'
            $warned[0] | Should -BeLike "*ended FAILED: Line 1 of gs://wait-bucket/bad.jsonl*"
            $job | Receive-GeminiBatchJob -ErrorVariable notReady -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $notReady[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.BatchJobNotReady*'
        }
    }

    Context 'Stop-GeminiBatchJob and receiving a cancelled job' {
        It 'does nothing with -WhatIf, cancels otherwise, and the lines done before are received' {
            $job = 'c1', 'c2', 'c3', 'c4' | Start-GeminiBatchJob -OutputUri gs://stop-bucket/x
            $job | Stop-GeminiBatchJob -WhatIf
            @(Get-EmulatorRequest -All | Where-Object path -like '*:cancel').Count | Should -Be 0
            (Get-GeminiBatchJob $job.Name).State | Should -Be 'JOB_STATE_RUNNING'

            $after = $job | Stop-GeminiBatchJob -PassThru -Confirm:$false
            @(Get-EmulatorRequest -All | Where-Object path -like '*:cancel').Count | Should -Be 1
            $after.State | Should -Be 'JOB_STATE_CANCELLED'
            $answers = $after | Receive-GeminiBatchJob
            @($answers.Input) | Should -Be @('c1', 'c2')
        }

        It 'says a running job has no output yet' {
            Set-ReadsPerState 1000
            $job = 'r' | Start-GeminiBatchJob -OutputUri gs://stop-bucket/running
            $job | Receive-GeminiBatchJob -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].ToString() | Should -BeLike '*has no output yet (PENDING)*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }
    }
}
