# Pester 5: New-GeminiCache, Get-GeminiCache, Set-GeminiCache and Remove-GeminiCache against the emulator's
# cachedContents routes. The emulator counts a token per four characters and wants at least 2,048 tokens in a cache.

Describe 'Context caches' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        # 8,200 characters: 2,050 tokens, just above the minimum.
        $document = 'a' * 8200
        $parent = '/v1/projects/test-project/locations/us-central1/cachedContents'
        function Get-CacheRequest { @(Get-EmulatorRequest -All | Where-Object kind -eq 'cachedContents') }
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
        Get-GeminiCache | Remove-GeminiCache -Confirm:$false
        Clear-EmulatorRequest
    }

    Context 'Command metadata' {
        It 'New-GeminiCache declares its output type and parameters' {
            (Get-Command New-GeminiCache).OutputType.Type | Should -Be ([VertexAI.GeminiCache])
            (Get-Command New-GeminiCache).Parameters['Ttl'].ParameterType | Should -Be ([TimeSpan])
            (Get-Command New-GeminiCache).Parameters['ExpireTime'].ParameterType | Should -Be ([DateTime])
        }

        It 'Set- and Remove-GeminiCache support -WhatIf and -Confirm' {
            (Get-Command Set-GeminiCache).Parameters.Keys | Should -Contain 'WhatIf'
            (Get-Command Remove-GeminiCache).Parameters.Keys | Should -Contain 'Confirm'
        }
    }

    Context 'New-GeminiCache' {
        It 'caches piped text with a system instruction, a TTL and a display name' {
            $cache = $document | New-GeminiCache -SystemInstruction 'Answer from the document.' -Ttl '01:30:00' -DisplayName 'manual'
            $cache | Should -BeOfType ([VertexAI.GeminiCache])
            $cache.Name | Should -Match '^projects/test-project/locations/us-central1/cachedContents/\d+$'
            $cache.DisplayName | Should -Be 'manual'
            $cache.Model | Should -Be 'gemini-2.5-flash'
            # 2,050 document tokens + 7 for the 25-character instruction.
            $cache.TotalTokenCount | Should -Be 2057
            $cache.Remaining.TotalMinutes | Should -BeGreaterThan 89
            $body = (Get-CacheRequest)[0].BodyJson
            $body.ttl | Should -Be '5400s'
            $body.systemInstruction.parts[0].text | Should -Be 'Answer from the document.'
            $body.contents[0].parts[0].text | Should -Be $document
            $body.model | Should -Be 'projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash'
        }

        It 'joins piped lines into one message' {
            $lines = 1..82 | ForEach-Object { 'x' * 99 }
            $lines | New-GeminiCache | Out-Null
            $body = (Get-CacheRequest)[0].BodyJson
            @($body.contents).Count | Should -Be 1
            $body.contents[0].parts[0].text | Should -Be ($lines -join "`n")
        }

        It 'caches piped messages, a tool and a model' {
            $tool = New-GeminiTool lookup 'Looks a clause up' @{ type = 'object'; properties = @{ clause = @{ type = 'string' } } }
            $cache = (New-GeminiMessage $document), (New-GeminiMessage 'Noted.' -Role assistant) | New-GeminiCache -Tool $tool -Model gemini-2.5-pro
            $cache.Model | Should -Be 'gemini-2.5-pro'
            $body = (Get-CacheRequest)[0].BodyJson
            @($body.contents.role) | Should -Be @('user', 'model')
            $body.tools[0].functionDeclarations[0].name | Should -Be 'lookup'
            # FunctionDeclaration.parameters takes the OpenAPI 3.0 schema the tool was declared with.
            $body.tools[0].functionDeclarations[0].parameters.properties.clause.type | Should -Be 'string'
            $body.tools[0].functionDeclarations[0].PSObject.Properties.Name | Should -Not -Contain 'parametersJsonSchema'
        }

        It 'caches -Message' {
            New-GeminiCache -Message (New-GeminiMessage $document) | Out-Null
            (Get-CacheRequest)[0].BodyJson.contents[0].parts[0].text | Should -Be $document
        }

        It 'caches a local file with -MediaType, inlined' {
            $path = Join-Path $TestDrive 'doc.bin'
            [IO.File]::WriteAllText($path, $document)
            New-GeminiCache -File $path -MediaType text/plain | Out-Null
            $part = (Get-CacheRequest)[0].BodyJson.contents[0].parts[0]
            $part.inlineData.mimeType | Should -Be 'text/plain'
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($part.inlineData.data)) | Should -Be $document
        }

        It 'passes a gs:// file by URI, next to text' {
            New-GeminiCache -File 'gs://bucket/manual.pdf' -Text $document | Out-Null
            $contents = (Get-CacheRequest)[0].BodyJson.contents
            $contents[0].parts[0].text | Should -Be $document
            $contents[1].parts[0].fileData.fileUri | Should -Be 'gs://bucket/manual.pdf'
            $contents[1].parts[0].fileData.mimeType | Should -Be 'application/pdf'
        }

        It 'sets an expiry time with -ExpireTime' {
            $at = [DateTime]::UtcNow.AddDays(1)
            $cache = New-GeminiCache $document -ExpireTime $at
            $cache.ExpireTime.UtcDateTime.ToString('yyyy-MM-dd HH:mm:ss') | Should -Be $at.ToString('yyyy-MM-dd HH:mm:ss')
            # The raw body: ConvertFrom-Json would turn the timestamp into a DateTime.
            (Get-CacheRequest)[0].body | Should -Match '"expireTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"'
        }

        It 'reports Vertex''s refusal of too small a cache as an error' {
            { New-GeminiCache 'short' -ErrorAction Stop } | Should -Throw '*minimum token count*'
        }

        It 'refuses the global location before sending' {
            { New-GeminiCache $document -Location global -ErrorAction Stop } | Should -Throw '*region*'
            Get-CacheRequest | Should -BeNullOrEmpty
        }

        It 'retries a 429' {
            Add-EmulatorRateLimit
            New-GeminiCache $document | Should -Not -BeNullOrEmpty
            @((Get-CacheRequest).responseStatus) | Should -Be @(429, 200)
        }

        It 'goes to -Project, -Location and -ApiVersion' {
            $cache = New-GeminiCache $document -Project other-project -Location europe-west4 -ApiVersion v1beta1
            $cache.Location | Should -Be 'europe-west4'
            (Get-CacheRequest)[0].path | Should -Be '/v1beta1/projects/other-project/locations/europe-west4/cachedContents'
            Remove-GeminiCache $cache.Name -Project other-project -Confirm:$false
        }
    }

    Context 'Using a cache' {
        It 'goes into Invoke-GeminiChat -CachedContent as an object and shows the cached tokens in Usage' {
            $cache = New-GeminiCache $document
            $answer = Invoke-GeminiChat 'What does it say?' -CachedContent $cache
            (Get-EmulatorRequest)[-1].BodyJson.extra_body.google.cached_content | Should -Be $cache.Name
            $answer.Usage.CachedTokens | Should -Be 2050
            $answer.Usage.PromptTokens | Should -Be (2050 + 4)
            ($answer.Usage | Format-List | Out-String) | Should -Match 'CachedTokens\s+:\s+2050'
        }

        It 'is refused by chat once deleted' {
            $cache = New-GeminiCache $document
            $cache | Remove-GeminiCache -Confirm:$false
            Invoke-GeminiChat 'Still there?' -CachedContent $cache -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failed[0].Exception.HttpStatus | Should -Be 404
        }
    }

    Context 'Get-GeminiCache' {
        It 'lists every cache over several pages, oldest first' {
            $made = 1..7 | ForEach-Object { (New-GeminiCache ($document + $_) -DisplayName "doc $_").Name }
            Clear-EmulatorRequest
            $listed = @(Get-GeminiCache)
            @($listed.Name) | Should -Be $made
            # The emulator's pages hold 5: two requests, the second with the first's token.
            $requests = Get-CacheRequest
            $requests.Count | Should -Be 2
            $requests[1].query | Should -Match 'pageToken='
        }

        It 'gets one by id, by full name, and by wildcard on the display name' {
            $a = New-GeminiCache $document -DisplayName 'alpha'
            $b = New-GeminiCache ($document + 'b') -DisplayName 'beta'
            (Get-GeminiCache $a.Id).Name | Should -Be $a.Name
            (Get-GeminiCache -Name $b.Name).DisplayName | Should -Be 'beta'
            @(Get-GeminiCache 'be*').Name | Should -Be @($b.Name)
        }

        It 'takes caches from the pipeline by their Name' {
            $a = New-GeminiCache $document
            ($a | Get-GeminiCache).TotalTokenCount | Should -Be 2050
        }

        It 'reports a cache that does not exist as ObjectNotFound' {
            Get-GeminiCache 123456789 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'passes Vertex''s refusal of an invalid cache id on as an error' {
            Get-GeminiCache 'not-a-number' -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failed[0].Exception.HttpStatus | Should -Be 400
            $failed[0].Exception.Status | Should -Be 'INVALID_ARGUMENT'
        }

        It 'refuses a malformed cache name before sending' {
            { Get-GeminiCache 'projects/p/cachedContents/1' -ErrorAction Stop } | Should -Throw "*is not a context cache name*"
            Get-CacheRequest | Should -BeNullOrEmpty
        }

        It 'no longer finds an expired cache' {
            $cache = New-GeminiCache $document -Ttl '00:02:00'
            Move-EmulatorClock -By '00:02:01'
            Get-GeminiCache | Should -BeNullOrEmpty
            Get-GeminiCache $cache.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'retries a 429 on the list' {
            New-GeminiCache $document | Out-Null
            Clear-EmulatorRequest
            Add-EmulatorRateLimit
            @(Get-GeminiCache).Count | Should -Be 1
            @((Get-CacheRequest).responseStatus) | Should -Be @(429, 200)
        }

        It 'gives up after -MaxRetries' {
            Add-EmulatorRateLimit -Count 2
            Get-GeminiCache -MaxRetries 1 -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].Exception.HttpStatus | Should -Be 429
            $failed[0].Exception.Attempts | Should -Be 2
        }
    }

    Context 'Set-GeminiCache' {
        It 'sets a new TTL on a piped cache' {
            $cache = New-GeminiCache $document -Ttl '00:10:00'
            $updated = $cache | Set-GeminiCache -Ttl '05:00:00'
            $updated.Remaining.TotalHours | Should -BeGreaterThan 4.9
            $request = (Get-CacheRequest)[-1]
            $request.method | Should -Be 'PATCH'
            $request.query | Should -Be '?updateMask=ttl'
            $request.BodyJson.ttl | Should -Be '18000s'
        }

        It 'sets an expiry time' {
            $cache = New-GeminiCache $document
            $at = [DateTime]::UtcNow.AddHours(30)
            $updated = Set-GeminiCache $cache.Id -ExpireTime $at
            $updated.ExpireTime.UtcDateTime.ToString('yyyy-MM-dd HH:mm') | Should -Be $at.ToString('yyyy-MM-dd HH:mm')
            (Get-CacheRequest)[-1].query | Should -Be '?updateMask=expireTime'
        }

        It 'needs exactly one of -Ttl and -ExpireTime' {
            $cache = New-GeminiCache $document
            Clear-EmulatorRequest
            { $cache | Set-GeminiCache -ErrorAction Stop } | Should -Throw '*-Ttl*-ExpireTime*'
            { $cache | Set-GeminiCache -Ttl '01:00:00' -ExpireTime (Get-Date).AddDays(1) -ErrorAction Stop } | Should -Throw '*-Ttl*-ExpireTime*'
            { New-GeminiCache $document -Ttl '01:00:00' -ExpireTime (Get-Date).AddDays(1) -ErrorAction Stop } | Should -Throw '*not both*'
            Get-CacheRequest | Should -BeNullOrEmpty
        }

        It 'changes nothing with -WhatIf' {
            $cache = New-GeminiCache $document
            Clear-EmulatorRequest
            $cache | Set-GeminiCache -Ttl '02:00:00' -WhatIf | Should -BeNullOrEmpty
            Get-CacheRequest | Should -BeNullOrEmpty
        }

        It 'retries a 429' {
            $cache = New-GeminiCache $document
            Clear-EmulatorRequest
            Add-EmulatorRateLimit
            $cache | Set-GeminiCache -Ttl '02:00:00' | Should -Not -BeNullOrEmpty
            @((Get-CacheRequest).responseStatus) | Should -Be @(429, 200)
        }
    }

    Context 'Remove-GeminiCache' {
        It 'deletes piped caches' {
            $caches = 1..2 | ForEach-Object { New-GeminiCache ($document + $_) }
            $caches | Remove-GeminiCache -Confirm:$false
            Get-GeminiCache | Should -BeNullOrEmpty
            @(Get-CacheRequest | Where-Object method -eq 'DELETE').Count | Should -Be 2
        }

        It 'writes the deleted names with -PassThru, and nothing without' {
            $cache = New-GeminiCache $document
            $cache | Remove-GeminiCache -Confirm:$false -PassThru | Should -Be $cache.Name
            $other = New-GeminiCache $document
            $other | Remove-GeminiCache -Confirm:$false | Should -BeNullOrEmpty
        }

        It 'deletes nothing with -WhatIf' {
            $cache = New-GeminiCache $document
            Remove-GeminiCache $cache.Id -WhatIf
            (Get-GeminiCache $cache.Id).Name | Should -Be $cache.Name
        }

        It 'says in -Verbose what it deleted, never the token' {
            $cache = New-GeminiCache $document
            $verbose = Remove-GeminiCache $cache.Name -Confirm:$false -Verbose 4>&1 | ForEach-Object { "$_" }
            ($verbose -join "`n") | Should -Match ([regex]::Escape("Deleted $($cache.Name)."))
            ($verbose -join "`n") | Should -Not -Match ([regex]::Escape($emulator.Token))
        }

        It 'reports a cache already gone as an error and goes on with the next' {
            $cache = New-GeminiCache $document
            Remove-GeminiCache 42, $cache.Id -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count | Should -Be 1
            $failed[0].TargetObject | Should -Match 'cachedContents/42$'
            Get-GeminiCache | Should -BeNullOrEmpty
        }

        It 'retries a 429' {
            $cache = New-GeminiCache $document
            Clear-EmulatorRequest
            Add-EmulatorRateLimit
            $cache | Remove-GeminiCache -Confirm:$false
            @((Get-CacheRequest).responseStatus) | Should -Be @(429, 200)
        }
    }
}
