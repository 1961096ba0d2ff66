# Pester 5: Gemini's own settings on the chat cmdlets against the emulator: -GoogleSearch (web_search_options, the
# sources shown), -SafetySetting (extra_body.google.safety_settings), -CachedContent (extra_body.google.cached_content,
# refused on location global) and -MediaResolution (extra_body.google.media_resolution). Each is sent by Invoke-GeminiChat
# and Get-GeminiStream as the request log shows; Enter-GeminiChat's are in Enter-GeminiChat.Tests.ps1.

Describe 'Gemini settings on <_>' -ForEach @('Invoke-GeminiChat', 'Get-GeminiStream') {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $command = $_

        # Runs the command with a prompt and the given parameters; its output (completions or chunks), then the one
        # request it sent.
        function Invoke-Chat {
            param([hashtable] $Parameters = @{}, [string] $Prompt = 'Is us-central1 degraded?')
            $output = @(& $command $Prompt @Parameters)
            $requests = @(Get-EmulatorRequest)
            $requests.Count | Should -Be 1
            [pscustomobject]@{ Output = $output; Request = $requests[0] }
        }

        # The completion-like view of the output: Invoke-GeminiChat's completion, or the last chunk of the stream.
        function Get-Last { param($Output) $Output[-1] }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context '-GoogleSearch' {
        It 'sends web_search_options as an empty object' {
            $r = Invoke-Chat @{ GoogleSearch = $true }
            $r.Request.body | Should -Match '"web_search_options":\{\}'
        }

        It 'gives the sources with titles and URIs, and the search queries' {
            $r = Invoke-Chat @{ GoogleSearch = $true }
            $last = Get-Last $r.Output
            $id = $last.Id
            @($last.Grounding.Sources.Title) | Should -Be @('example.com', 'example.org')
            @($last.Grounding.Sources.Uri) | Should -Be @("https://vertexaisearch.cloud.google.com/grounding-api-redirect/$id-1", "https://vertexaisearch.cloud.google.com/grounding-api-redirect/$id-2")
            @($last.Grounding.SearchQueries) | Should -Be @('Is us-central1 degraded?')
        }

        It 'shows the sources readably, under the answer' {
            $r = Invoke-Chat @{ GoogleSearch = $true }
            $id = (Get-Last $r.Output).Id
            $shown = $r.Output | Out-String -Width 120
            if ($command -eq 'Invoke-GeminiChat') {
                $shown | Should -Match ("Echo: Is us-central1 degraded\?\s*\n\s*\nSources:\s*\n  \[1\] example\.com \(https://vertexaisearch\.cloud\.google\.com/grounding-api-redirect/$id-1\)\s*\n  \[2\] example\.org \(")
                $list = $r.Output | Format-List | Out-String -Width 200
                $list | Should -Match "Sources\s+: example\.com \(https://vertexaisearch\.cloud\.google\.com/grounding-api-redirect/$id-1\)"
                $list | Should -Match 'SearchQueries : Is us-central1 degraded\?'
            }
            else {
                # The chunk that brings the grounding (the last) shows it in the Text column.
                $shown | Should -Match 'stop\s+Sources: example\.com \(https://vertexaisearch'
            }
        }

        It 'keeps the raw grounding metadata and citations on the message' {
            $r = Invoke-Chat @{ GoogleSearch = $true }
            $message = if ($command -eq 'Invoke-GeminiChat') { $r.Output[0].Message } else { $r.Output[-1].Choices[0].Delta }
            @($message.ExtraContent.google.grounding_metadata.grounding_chunks).Count | Should -Be 2
            @($message.AdditionalProperties['annotations'])[0].type | Should -Be 'url_citation'
        }

        It 'shows nothing extra, and sends no web_search_options, without it' {
            $r = Invoke-Chat
            $r.Request.body | Should -Not -Match 'web_search_options'
            (Get-Last $r.Output).Grounding | Should -BeNullOrEmpty
            ($r.Output | Out-String -Width 120) | Should -Not -Match 'Sources'
        }

        It 'writes the sources to the host after the streamed text' {
            $pipeline = @()
            $host6 = @()
            if ($command -eq 'Invoke-GeminiChat') {
                $pipeline = @(Invoke-GeminiChat 'Is it up' -GoogleSearch -Stream -InformationVariable host6 6>$null)
            }
            else {
                $pipeline = @(Get-GeminiStream 'Is it up' -GoogleSearch -TextOnly -InformationVariable host6 6>$null)
                # Only answer text goes down the pipeline.
                (-join $pipeline) | Should -Be 'Echo: Is it up'
            }
            $text = -join @($host6 | ForEach-Object { "$($_.MessageData)" + $(if ($_.MessageData.NoNewLine) { '' } else { "`n" }) })
            $text | Should -Match 'Sources:\s*\n  \[1\] example\.com \(https://vertexaisearch[^\n]*-1\)\s*\n  \[2\] example\.org'
        }
    }

    Context '-SafetySetting' {
        It 'sends a hashtable of category to threshold as the API''s array, in the enum''s order' {
            $r = Invoke-Chat @{ SafetySetting = @{ HARM_CATEGORY_HARASSMENT = 'BLOCK_MEDIUM_AND_ABOVE'; HARM_CATEGORY_HATE_SPEECH = 'BLOCK_ONLY_HIGH' } }
            $r.Request.body | Should -Match ([regex]::Escape('"extra_body":{"google":{"safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"},{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_MEDIUM_AND_ABOVE"}]}}'))
        }

        It 'takes the array form with a method, and CATEGORY=THRESHOLD strings, names in any case' {
            $settings = @(
                [ordered]@{ category = 'harm_category_dangerous_content'; threshold = 'block_low_and_above'; method = 'severity' }
                'SEXUALLY_EXPLICIT=OFF'
            )
            $r = Invoke-Chat @{ SafetySetting = $settings }
            $r.Request.body | Should -Match ([regex]::Escape('"safety_settings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","threshold":"BLOCK_LOW_AND_ABOVE","method":"SEVERITY"},{"category":"HARM_CATEGORY_SEXUALLY_EXPLICIT","threshold":"OFF"}]'))
        }

        It 'is merged with -ExtraBody' {
            $r = Invoke-Chat @{ SafetySetting = 'HARASSMENT=BLOCK_NONE'; ExtraBody = @{ google = @{ thought_tag_marker = 'think' } } }
            $r.Request.BodyJson.extra_body.google.thought_tag_marker | Should -Be 'think'
            $r.Request.BodyJson.extra_body.google.safety_settings[0].threshold | Should -Be 'BLOCK_NONE'
        }

        It 'refuses <Value> before sending anything, naming <Named>' -ForEach @(
            @{ Value = @{ HARM_CATEGORY_HATE = 'BLOCK_ONLY_HIGH' }; Named = "'HARM_CATEGORY_HATE' is not a harm category" }
            @{ Value = @{ HARM_CATEGORY_HATE_SPEECH = 'BLOCK_SOME' }; Named = "'BLOCK_SOME' \(for HARM_CATEGORY_HATE_SPEECH\) is not a block threshold" }
            @{ Value = @{ HARM_CATEGORY_HATE_SPEECH = 3 }; Named = 'the threshold for HARM_CATEGORY_HATE_SPEECH must be a string' }
            @{ Value = @{ category = 'HARM_CATEGORY_HARASSMENT'; threshold = 'OFF'; method = 'LOUDNESS' }; Named = "'LOUDNESS' \(for HARM_CATEGORY_HARASSMENT\) is not a block method" }
            @{ Value = @{ category = 'HARM_CATEGORY_HARASSMENT'; threshold = 'OFF'; level = 2 }; Named = "'level' is not a member of a safety setting" }
            @{ Value = @{ category = 'HARM_CATEGORY_HARASSMENT' }; Named = 'needs a threshold' }
            @{ Value = @('HARASSMENT=OFF', 'HARM_CATEGORY_HARASSMENT=BLOCK_NONE'); Named = 'HARM_CATEGORY_HARASSMENT is given twice' }
            @{ Value = 'HARASSMENT'; Named = "'HARASSMENT' is not CATEGORY=THRESHOLD" }
        ) {
            $err = { & $command 'x' -SafetySetting $Value } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'Gemini.InvalidArgument,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.TargetObject | Should -Be 'SafetySetting'
            $err.Exception.Message | Should -Match $Named
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'completes categories, then thresholds after the =' {
            $line = "$command x -SafetySetting HATE"
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('HARM_CATEGORY_HATE_SPEECH=')
            $line = "$command x -SafetySetting HARM_CATEGORY_HATE_SPEECH=BLOCK_"
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) |
                Should -Be @('HARM_CATEGORY_HATE_SPEECH=BLOCK_LOW_AND_ABOVE', 'HARM_CATEGORY_HATE_SPEECH=BLOCK_MEDIUM_AND_ABOVE', 'HARM_CATEGORY_HATE_SPEECH=BLOCK_ONLY_HIGH', 'HARM_CATEGORY_HATE_SPEECH=BLOCK_NONE')
        }

        It 'says so when the filters block the answer' {
            $blocked = '{"id":"b1","object":"chat.completion","created":1700000000,"model":"google/gemini-2.5-flash","choices":[{"index":0,"finish_reason":"content_filter","logprobs":null,"message":{"role":"assistant","content":null}}],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}}'
            if ($command -eq 'Invoke-GeminiChat') { Add-EmulatorScenario -Status 200 -Body $blocked }
            else { Add-EmulatorStream -Event @('{"id":"b1","object":"chat.completion.chunk","created":1700000000,"model":"google/gemini-2.5-flash","choices":[{"index":0,"finish_reason":"content_filter","delta":{"role":"assistant"}}]}') }
            $warnings = $null
            & $command 'Something' -SafetySetting 'DANGEROUS_CONTENT=BLOCK_LOW_AND_ABOVE' -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
            @(Get-EmulatorRequest)[0].BodyJson.extra_body.google.safety_settings[0].threshold | Should -Be 'BLOCK_LOW_AND_ABOVE'
            "$(@($warnings)[0])" | Should -Match "blocked by Vertex AI's safety filters \(finish reason 'content_filter'"
        }
    }

    Context '-CachedContent' {
        It 'completes a bare id with the project and location, and shows the cached tokens in Usage' {
            $cache = New-EmulatorCache -Tokens 4096
            $r = Invoke-Chat @{ CachedContent = ($cache -split '/')[-1] } -Prompt 'Summarize the runbook'
            $r.Request.BodyJson.extra_body.google.cached_content | Should -Be $cache
            $usage = (Get-Last $r.Output).Usage
            $usage.CachedTokens | Should -Be 4096
            $usage.PromptTokens | Should -Be (4096 + 3)
            $usage.ToString() | Should -Match '^prompt 4099 \(4096 cached\), completion '
            ($usage | Out-String -Width 120) | Should -Match 'CachedTokens[^\n]*\n[- ]+\n\s+4099\s+4096\s'
        }

        It 'says with -Verbose which cache it uses' {
            $cache = New-EmulatorCache
            $verbose = @(& $command 'x' -CachedContent ($cache -split '/')[-1] -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            @($verbose.Message) | Should -Contain "Context cache: $cache."
        }

        It 'takes a number, a full name, or a cache object with a Name property' {
            $caches = 1..3 | ForEach-Object { New-EmulatorCache }
            & $command 'x' -CachedContent ([long] ($caches[0] -split '/')[-1]) | Out-Null
            & $command 'x' -CachedContent $caches[1] | Out-Null
            & $command 'x' -CachedContent ([pscustomobject]@{ Name = $caches[2]; DisplayName = 'runbook' }) | Out-Null
            @(Get-EmulatorRequest | ForEach-Object { $_.BodyJson.extra_body.google.cached_content }) | Should -Be $caches
        }

        It 'refuses an object without a name' {
            { & $command 'x' -CachedContent (Get-Date) } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'is refused before sending on location global given <How>' -ForEach @(
            @{ How = 'as a parameter' }
            @{ How = 'by Set-GeminiContext' }
            @{ How = 'by GOOGLE_CLOUD_LOCATION' }
        ) {
            $savedLocation = $env:GOOGLE_CLOUD_LOCATION
            try {
                $extra = @{}
                switch ($How) {
                    'as a parameter' { $extra.Location = 'global' }
                    'by Set-GeminiContext' { $PSDefaultParameterValues.Remove('*-Gemini*:Location'); Set-GeminiContext -Location global }
                    'by GOOGLE_CLOUD_LOCATION' { $PSDefaultParameterValues.Remove('*-Gemini*:Location'); $env:GOOGLE_CLOUD_LOCATION = 'global' }
                }
                $err = { & $command 'x' -CachedContent '1234567890' @extra } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeLike 'Gemini.InvalidArgument,*'
                $err.TargetObject | Should -Be 'CachedContent'
                $err.Exception.Message | Should -Match "no context caches in location 'global'"
                @(Get-EmulatorRequest).Count | Should -Be 0
            }
            finally {
                # Cleared with no defaults in force: Set-GeminiContext is a *-Gemini* command and would take them (the
                # Project default would stay in the context and leak into later test files).
                & { $PSDefaultParameterValues = @{}; Set-GeminiContext -Clear }
                (Get-GeminiContext).Project | Should -BeNullOrEmpty
                # The session's hashtable itself was changed (not a copy): put the default back into it.
                $PSDefaultParameterValues['*-Gemini*:Location'] = 'us-central1'
                $env:GOOGLE_CLOUD_LOCATION = $savedLocation
            }
        }

        It 'is refused before sending in another location than the cache''s' {
            $err = { & $command 'x' -CachedContent 'projects/test-project/locations/europe-west4/cachedContents/1' } | Should -Throw -PassThru
            $err.Exception.Message | Should -Match "is in location 'europe-west4', but the request goes to 'us-central1'"
            @(Get-EmulatorRequest).Count | Should -Be 0
        }

        It 'passes on Vertex''s NOT_FOUND for a cache that does not exist' {
            $errors = $null
            & $command 'x' -CachedContent 'missing-1' -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
            @($errors).Count | Should -Be 1
            $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            "$($errors[0])" | Should -Match 'cachedContents/missing-1 not found'
        }
    }

    Context '-MediaResolution' {
        It 'sends <Level> as <Sent>' -ForEach @(
            @{ Level = 'low'; Sent = 'MEDIA_RESOLUTION_LOW' }
            @{ Level = 'Medium'; Sent = 'MEDIA_RESOLUTION_MEDIUM' }
            @{ Level = 'high'; Sent = 'MEDIA_RESOLUTION_HIGH' }
        ) {
            $r = Invoke-Chat @{ MediaResolution = $Level }
            $r.Request.BodyJson.extra_body.google.media_resolution | Should -Be $Sent
        }

        It 'refuses another value before sending anything' {
            { & $command 'x' -MediaResolution ultra } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
            @(Get-EmulatorRequest).Count | Should -Be 0
        }
    }

    It 'sends all four together' {
        $cache = New-EmulatorCache -Tokens 4096
        $r = Invoke-Chat @{ GoogleSearch = $true; SafetySetting = 'HATE_SPEECH=BLOCK_ONLY_HIGH'; CachedContent = ($cache -split '/')[-1]; MediaResolution = 'high' }
        $google = $r.Request.BodyJson.extra_body.google
        $r.Request.body | Should -Match '"web_search_options":\{\}'
        $google.safety_settings[0].category | Should -Be 'HARM_CATEGORY_HATE_SPEECH'
        $google.cached_content | Should -Be $cache
        $google.media_resolution | Should -Be 'MEDIA_RESOLUTION_HIGH'
        (Get-Last $r.Output).Usage.CachedTokens | Should -Be 4096
        @((Get-Last $r.Output).Grounding.Sources).Count | Should -Be 2
    }
}
