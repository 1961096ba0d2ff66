# Pester 5: Get-GeminiEmbedding against the emulator's :predict route (deterministic unit vectors from the text).

Describe 'Get-GeminiEmbedding' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        function Get-PredictRequest { @(Get-EmulatorRequest -All | Where-Object kind -eq 'predict') }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    It 'declares its output type and takes Text or Content by property name' {
        (Get-Command Get-GeminiEmbedding).OutputType.Type | Should -Be ([VertexAI.Embedding])
        Assert-ParameterShape -CommandName Get-GeminiEmbedding -Name Text -Type 'System.String[]' -Position 0 -Pipeline $true -Mandatory $true -ByPropertyName $true -Aliases Content
    }

    It 'embeds text with gemini-embedding-001 by default: float[] of 3072, one input per request' {
        $e = @('first text', 'second text' | Get-GeminiEmbedding)
        $e.Count | Should -Be 2
        $e[0] | Should -BeOfType ([VertexAI.Embedding])
        , $e[0].Values | Should -BeOfType ([float[]])
        $e[0].Dimensions | Should -Be 3072
        $e[0].Model | Should -Be 'gemini-embedding-001'
        @($e.Input) | Should -Be @('first text', 'second text')
        @($e.Index) | Should -Be @(0, 1)
        (Get-PredictRequest).Count | Should -Be 2
        (Get-PredictRequest)[0].path | Should -Be '/v1/projects/test-project/locations/us-central1/publishers/google/models/gemini-embedding-001:predict'
        # The same text gives the same vector; a unit vector at full size.
        $again = Get-GeminiEmbedding 'first text'
        $again.Values | Should -Be $e[0].Values
        [Math]::Sqrt(($e[0].Values | ForEach-Object { $_ * $_ } | Measure-Object -Sum).Sum) | Should -BeGreaterThan 0.999
    }

    It 'embeds a CSV column piped in, in input order, many to a request with text-embedding-005' {
        $csv = Join-Path $TestDrive 'tickets.csv'
        1..600 | ForEach-Object { [pscustomobject]@{ Id = $_; Text = "ticket number $_" } } | Export-Csv $csv -NoTypeInformation
        $e = @(Import-Csv $csv | Get-GeminiEmbedding -Model text-embedding-005 -Dimensions 16)
        $e.Count | Should -Be 600
        $e[599].Input | Should -Be 'ticket number 600'
        ($e.Index -join ',') | Should -Be ((0..599) -join ',')
        $e[0].Dimensions | Should -Be 16
        # 250 instances per request: 250 + 250 + 100 (requests in flight together reach the server in any order).
        @((Get-PredictRequest) | ForEach-Object { @($_.BodyJson.instances).Count } | Sort-Object -Descending) | Should -Be @(250, 250, 100)
    }

    It 'binds a Content column, and a Title column for RETRIEVAL_DOCUMENT' {
        $row = [pscustomobject]@{ Content = 'the body'; Title = 'The title' }
        $e = $row | Get-GeminiEmbedding -TaskType RETRIEVAL_DOCUMENT
        $e.Title | Should -Be 'The title'
        $e.TaskType | Should -Be 'RETRIEVAL_DOCUMENT'
        $instance = (Get-PredictRequest)[0].BodyJson.instances[0]
        $instance.content | Should -Be 'the body'
        $instance.title | Should -Be 'The title'
        $instance.task_type | Should -Be 'RETRIEVAL_DOCUMENT'
    }

    It 'keeps token counts and truncation flags, and -NoTruncation makes long input an error' {
        $long = 'w' * 9000
        $e = Get-GeminiEmbedding $long
        $e.Truncated | Should -BeTrue
        $e.TokenCount | Should -Be 2048
        (Get-PredictRequest)[0].BodyJson.parameters.autoTruncate | Should -BeTrue
        Get-GeminiEmbedding $long -NoTruncation -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].Exception.HttpStatus | Should -Be 400
    }

    It 'sends -Dimensions as outputDimensionality' {
        (Get-GeminiEmbedding 'x' -Dimensions 256).Dimensions | Should -Be 256
        (Get-PredictRequest)[0].BodyJson.parameters.outputDimensionality | Should -Be 256
    }

    It 'runs -ThrottleLimit requests at once and still writes in input order' {
        $e = @(1..12 | ForEach-Object { "text $_" } | Get-GeminiEmbedding -ThrottleLimit 6 -Dimensions 4)
        @($e.Input) | Should -Be @(1..12 | ForEach-Object { "text $_" })
    }

    It 'retries a 429' {
        Add-EmulatorRateLimit
        (Get-GeminiEmbedding 'x' -Dimensions 4).Dimensions | Should -Be 4
        @((Get-PredictRequest).responseStatus) | Should -Be @(429, 200)
    }

    It 'reports one failed request and writes the others' {
        Add-EmulatorScenario -Status 400 -Body '{"error":{"code":400,"message":"bad input","status":"INVALID_ARGUMENT"}}'
        $e = @('a', 'b', 'c' | Get-GeminiEmbedding -ThrottleLimit 1 -ErrorVariable failed -ErrorAction SilentlyContinue)
        @($e.Input) | Should -Be @('b', 'c')
        $failed[0].TargetObject | Should -Be 'a'
    }

    It 'refuses a piped object that is not text' {
        { [pscustomobject]@{ Name = 'no text here' } | Get-GeminiEmbedding -ErrorAction Stop } | Should -Throw
        Get-PredictRequest | Should -BeNullOrEmpty
    }

    It 'goes to -Location global and -ApiVersion v1beta1' {
        Get-GeminiEmbedding 'x' -Location global -ApiVersion v1beta1 | Out-Null
        (Get-PredictRequest)[0].path | Should -Be '/v1beta1/projects/test-project/locations/global/publishers/google/models/gemini-embedding-001:predict'
    }

    Context '-Journal' {
        BeforeAll {
            function Get-SentContent { @(Get-PredictRequest | ForEach-Object { @($_.BodyJson.instances.content) -join '+' }) }
        }

        It 'sends only what an earlier run did not finish, and writes every input once, in order' {
            $journal = Join-Path $TestDrive 'first.journal.jsonl'
            $first = @('a', 'b', 'c' | Get-GeminiEmbedding -Dimensions 4 -Journal $journal)
            # Four requests in flight by default: the server sees them in any order.
            Get-SentContent | Sort-Object | Should -Be @('a', 'b', 'c')
            Clear-EmulatorRequest
            $all = @('a', 'b', 'c', 'd', 'e' | Get-GeminiEmbedding -Dimensions 4 -Journal $journal)
            Get-SentContent | Sort-Object | Should -Be @('d', 'e')
            @($all.Input) | Should -Be @('a', 'b', 'c', 'd', 'e')
            @($all.Index) | Should -Be @(0, 1, 2, 3, 4)
            $all[1].Values | Should -Be $first[1].Values
            $all[1].TokenCount | Should -Be $first[1].TokenCount
            @(Get-Content $journal | Where-Object { $_ -match '"result"' }).Count | Should -Be 5
        }

        It 'keeps input order when stored inputs sit between inputs sent many to a request (text-embedding-005)' {
            $journal = Join-Path $TestDrive 'batched.journal.jsonl'
            'a', 'c' | Get-GeminiEmbedding -Model text-embedding-005 -Journal $journal | Out-Null
            Clear-EmulatorRequest
            $all = @('a', 'b', 'c', 'd', 'e' | Get-GeminiEmbedding -Model text-embedding-005 -Journal $journal -ThrottleLimit 1)
            @($all.Input) | Should -Be @('a', 'b', 'c', 'd', 'e')
            Get-SentContent | Should -Be @('b', 'd+e')
        }

        It 'treats another setting as another input' {
            $journal = Join-Path $TestDrive 'settings.journal.jsonl'
            Get-GeminiEmbedding 'a' -Dimensions 4 -Journal $journal | Out-Null
            (Get-GeminiEmbedding 'a' -Dimensions 8 -Journal $journal).Dimensions | Should -Be 8
            Get-SentContent | Should -Be @('a', 'a')
            @(Get-PredictRequest | ForEach-Object { $_.BodyJson.parameters.outputDimensionality }) | Should -Be @(4, 8)
        }

        It 'journals a failed input and sends it again on the next run' {
            $journal = Join-Path $TestDrive 'failed.journal.jsonl'
            Add-EmulatorScenario -Status 400 -Body '{"error":{"code":400,"message":"bad input","status":"INVALID_ARGUMENT"}}'
            $e = @('a', 'b' | Get-GeminiEmbedding -ThrottleLimit 1 -Journal $journal -ErrorVariable failed -ErrorAction SilentlyContinue)
            @($e.Input) | Should -Be @('b')
            $failed[0].TargetObject | Should -Be 'a'
            Get-Content $journal -Raw | Should -Match '"errorId":"Gemini.INVALID_ARGUMENT'
            Clear-EmulatorRequest
            $again = @('a', 'b' | Get-GeminiEmbedding -Journal $journal -ThrottleLimit 1)
            @($again.Input) | Should -Be @('a', 'b')
            Get-SentContent | Should -Be @('a')
        }

        It 'refuses a journal another run holds, naming it, before sending anything' {
            $journal = Join-Path $TestDrive 'busy.journal.jsonl'
            $held = [System.IO.File]::Open($journal, 'OpenOrCreate', 'ReadWrite', 'None')
            try {
                $err = { Get-GeminiEmbedding 'a' -Journal $journal } | Should -Throw -PassThru
            }
            finally { $held.Dispose() }
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $err.Exception.Message | Should -BeLike "*$([System.IO.Path]::GetFileName($journal))*"
            @(Get-PredictRequest).Count | Should -Be 0
        }
    }
}
