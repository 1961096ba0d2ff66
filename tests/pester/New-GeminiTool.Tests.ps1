# Pester 5: New-GeminiTool, as objects and as the tools that reach the Vertex AI emulator.
# Run from the repository root: Invoke-Pester ./tests/pester

Describe 'New-GeminiTool' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
        $session = Initialize-VertexTestSession -SecureToken
        $emulator = $session.Emulator
        $PSDefaultParameterValues = $session.Defaults
        $weatherSchema = @{
            type       = 'object'
            properties = @{
                city = @{ type = 'string'; description = 'City name' }
                unit = @{ type = 'string'; enum = @('celsius', 'fahrenheit') }
            }
            required   = @('city', 'unit')
        }
        $weatherJson = '{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"]}'
    }

    AfterAll {
        Stop-VertexEmulator -Emulator $emulator
    }

    BeforeEach {
        Clear-EmulatorScenario
        Clear-EmulatorRequest
    }

    Context 'Command metadata' {
        It 'declares ToolDefinition as its output type' {
            (@((Get-Command New-GeminiTool).OutputType.Name) -join ',') | Should -Be 'VertexAI.ToolDefinition'
        }

        It '-Name is at position 0 (needed unless -Command gives the name)' {
            Assert-ParameterShape -CommandName New-GeminiTool -Name Name -Type 'System.String' -Position 0
        }

        It '-Command comes from the pipeline and -ScriptBlock is named' {
            Assert-ParameterShape -CommandName New-GeminiTool -Name Command -Type 'System.Object' -Pipeline $true
            Assert-ParameterShape -CommandName New-GeminiTool -Name ScriptBlock -Type 'System.Management.Automation.ScriptBlock'
        }

        It 'needs a name without -Command' {
            $failure = { New-GeminiTool -Description 'x' } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'Gemini.ToolNameMissing*'
        }

        It '-Description is at position 1' {
            Assert-ParameterShape -CommandName New-GeminiTool -Name Description -Type 'System.String' -Position 1
        }

        It '-Parameters is at position 2 and takes any object' {
            Assert-ParameterShape -CommandName New-GeminiTool -Name Parameters -Type 'System.Object' -Position 2
        }

        It 'accepts the name <Name>' -ForEach @(
            @{ Name = 'get_weather' }, @{ Name = '_private' }, @{ Name = 'ns.tool-1' }, @{ Name = ('a' * 64) }
        ) {
            (New-GeminiTool $Name).Function.Name | Should -Be $Name
        }

        It 'rejects the name <Name>' -ForEach @(
            @{ Name = '1starts_with_digit' }, @{ Name = 'has space' }, @{ Name = 'semi;colon' }, @{ Name = ('a' * 65) }
        ) {
            { New-GeminiTool $Name } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        }
    }

    Context 'Definitions' {
        It 'builds a function from positional name, description and hashtable schema' {
            $tool = New-GeminiTool get_weather 'Gets the weather' $weatherSchema
            $tool.GetType().FullName | Should -Be 'VertexAI.ToolDefinition'
            $tool.Type | Should -Be 'function'
            $tool.Function.Name | Should -Be 'get_weather'
            $tool.Function.Description | Should -Be 'Gets the weather'
            $tool.Function.Parameters['type'] | Should -Be 'object'
            (@($tool.Function.Parameters['required']) -join ',') | Should -Be 'city,unit'
            $tool.Function.Parameters['properties']['unit']['enum'] | Should -Contain 'fahrenheit'
        }

        It 'builds the same schema from a JSON string' {
            $fromJson = New-GeminiTool -Name get_weather -Description 'Gets the weather' -Parameters $weatherJson
            $fromJson.Function.Parameters['type'] | Should -Be 'object'
            $fromJson.Function.Parameters['properties']['city']['description'] | Should -Be 'City name'
            (@($fromJson.Function.Parameters['required']) -join ',') | Should -Be 'city,unit'
        }

        It 'reads the lines of a JSON file as Get-Content returns them' {
            $file = Join-Path $TestDrive 'weather.json'
            # Several lines, so that Get-Content returns an array.
            Set-Content -LiteralPath $file -Value $weatherJson.Replace(',"required"', ",`n" + '"required"')
            @(Get-Content -LiteralPath $file).Count | Should -BeGreaterThan 1
            $tool = New-GeminiTool get_weather 'Gets the weather' (Get-Content -LiteralPath $file)
            (@($tool.Function.Parameters['required']) -join ',') | Should -Be 'city,unit'
        }

        It 'takes a PSCustomObject schema, as ConvertFrom-Json makes it' {
            $tool = New-GeminiTool get_weather 'Gets the weather' ($weatherJson | ConvertFrom-Json)
            $tool.Function.Parameters['type'] | Should -Be 'object'
            $tool.Function.Parameters['properties']['city']['type'] | Should -Be 'string'
            (@($tool.Function.Parameters['required']) -join ',') | Should -Be 'city,unit'
        }

        It 'defaults to an object schema without properties' {
            $tool = New-GeminiTool get_time 'Returns the time'
            $tool.Function.Parameters['type'] | Should -Be 'object'
            @($tool.Function.Parameters['properties'].Keys).Count | Should -Be 0
        }

        It 'refuses a JSON string that is not a schema object' -ForEach @(
            @{ Text = '{"type": "object", ' }, @{ Text = '[1, 2, 3]' }
        ) {
            $failure = { New-GeminiTool broken 'Broken' $Text } | Should -Throw -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
    }

    Context 'On the wire' {
        It 'sends a hashtable-schema tool as an OpenAI function tool, and the model calls it' {
            $tool = New-GeminiTool get_weather 'Gets the weather' $weatherSchema
            $result = Invoke-GeminiChat 'Weather in Rome?' -Tool $tool
            $sent = @((Get-EmulatorRequest)[0].BodyJson.tools)
            $sent.Count | Should -Be 1
            $sent[0].type | Should -Be 'function'
            $sent[0].function.name | Should -Be 'get_weather'
            $sent[0].function.description | Should -Be 'Gets the weather'
            $sent[0].function.parameters.type | Should -Be 'object'
            $sent[0].function.parameters.properties.city.type | Should -Be 'string'
            (@($sent[0].function.parameters.properties.unit.enum) -join ',') | Should -Be 'celsius,fahrenheit'
            (@($sent[0].function.parameters.required) -join ',') | Should -Be 'city,unit'
            $result.FinishReason | Should -Be 'tool_calls'
            $arguments = $result.ToolCalls[0].Function.Arguments | ConvertFrom-Json
            $arguments.city | Should -Be 'Weather in Rome?'
            $arguments.unit | Should -Be 'celsius'
        }

        It 'sends a JSON-string schema exactly as a hashtable one' {
            Invoke-GeminiChat 'Weather in Rome?' -Tool (New-GeminiTool get_weather 'Gets the weather' $weatherSchema) | Out-Null
            Invoke-GeminiChat 'Weather in Rome?' -Tool (New-GeminiTool get_weather 'Gets the weather' $weatherJson) | Out-Null
            $requests = @(Get-EmulatorRequest)
            $fromHashtable = $requests[0].BodyJson.tools[0].function.parameters | ConvertTo-Json -Depth 10 -Compress
            $fromJson = $requests[1].BodyJson.tools[0].function.parameters | ConvertTo-Json -Depth 10 -Compress
            # Key order may differ (hashtables are unordered); compare the parsed members.
            $a = $requests[0].BodyJson.tools[0].function.parameters
            $b = $requests[1].BodyJson.tools[0].function.parameters
            $a.type | Should -Be $b.type
            $a.properties.city.description | Should -Be $b.properties.city.description
            (@($a.required) -join ',') | Should -Be (@($b.required) -join ',')
            (@($a.properties.unit.enum) -join ',') | Should -Be (@($b.properties.unit.enum) -join ',')
            $fromHashtable.Length | Should -Be $fromJson.Length
        }

        It 'sends the default schema for a tool without parameters' {
            Invoke-GeminiChat 'What time is it?' -Tool (New-GeminiTool get_time 'Returns the time') | Out-Null
            $parameters = (Get-EmulatorRequest)[0].BodyJson.tools[0].function.parameters
            $parameters.type | Should -Be 'object'
            @($parameters.properties.PSObject.Properties).Count | Should -Be 0
        }

        It 'sends several tools in order, and the model calls both' {
            $time = New-GeminiTool get_time 'Returns the time'
            $weather = New-GeminiTool get_weather 'Gets the weather' $weatherSchema
            $result = Invoke-GeminiChat 'Time and weather?' -Tool $time, $weather
            (@((Get-EmulatorRequest)[0].BodyJson.tools.function.name) -join ',') | Should -Be 'get_time,get_weather'
            (@($result.ToolCalls.Function.Name) -join ',') | Should -Be 'get_time,get_weather'
        }

        It 'makes the model call the function named by -ToolChoice' {
            $time = New-GeminiTool get_time 'Returns the time'
            $weather = New-GeminiTool get_weather 'Gets the weather' $weatherSchema
            $result = Invoke-GeminiChat 'Time and weather?' -Tool $time, $weather -ToolChoice get_weather
            (@($result.ToolCalls.Function.Name) -join ',') | Should -Be 'get_weather'
        }
    }

    Context 'Tools from commands' {
        BeforeAll {
            function Get-TestForecast {
                <#
                .SYNOPSIS
                Gets the weather forecast for a city.
                .PARAMETER City
                The city to forecast.
                #>
                [CmdletBinding(DefaultParameterSetName = 'ByCity')]
                param(
                    [Parameter(Mandatory, ParameterSetName = 'ByCity')] [string] $City,
                    [Parameter(ParameterSetName = 'ByCity')] [ValidateSet('celsius', 'fahrenheit')] [string] $Unit = 'celsius',
                    [Parameter(ParameterSetName = 'ByCity', HelpMessage = 'How many days ahead')] [ValidateRange(1, 10)] [int] $Days = 1,
                    [Parameter(ParameterSetName = 'ByCity')] [switch] $Detailed,
                    [Parameter(ParameterSetName = 'ByCity')] [string[]] $Fields,
                    [Parameter(Mandatory, ParameterSetName = 'ByCoordinates')] [double] $Latitude
                )
                "$City $Unit $Days"
            }
        }

        It 'derives the schema from the default parameter set, without common parameters' {
            $tool = New-GeminiTool -Command Get-TestForecast
            $tool.Function.Name | Should -Be 'Get-TestForecast'
            $tool.Function.Description | Should -Be 'Gets the weather forecast for a city.'
            $p = $tool.Function.Parameters
            $p['type'] | Should -Be 'object'
            @($p['properties'].Keys | Sort-Object) -join ',' | Should -Be 'City,Days,Detailed,Fields,Unit'
            $p['properties']['City']['type'] | Should -Be 'string'
            $p['properties']['City']['description'] | Should -Be 'The city to forecast.'
            @($p['properties']['Unit']['enum']) -join ',' | Should -Be 'celsius,fahrenheit'
            $p['properties']['Days']['type'] | Should -Be 'integer'
            $p['properties']['Days']['minimum'] | Should -Be 1
            $p['properties']['Days']['maximum'] | Should -Be 10
            $p['properties']['Days']['description'] | Should -Be 'How many days ahead'
            $p['properties']['Detailed']['type'] | Should -Be 'boolean'
            $p['properties']['Fields']['type'] | Should -Be 'array'
            @($p['required']) -join ',' | Should -Be 'City'
        }

        It 'takes a CommandInfo from the pipeline' {
            $tool = Get-Command Get-TestForecast | New-GeminiTool
            $tool.Function.Name | Should -Be 'Get-TestForecast'
            $tool.Command.Name | Should -Be 'Get-TestForecast'
        }

        It 'makes a tool from a script block with -Name' {
            $tool = New-GeminiTool -Name add_numbers -Description 'Adds two numbers' -ScriptBlock { param([Parameter(Mandatory)] [int] $A, [int] $B) $A + $B }
            $tool.Function.Name | Should -Be 'add_numbers'
            @($tool.Function.Parameters['required']) -join ',' | Should -Be 'A'
            $tool.Function.Parameters['properties']['B']['type'] | Should -Be 'integer'
        }

        It 'sends the derived schema to the model' {
            $tool = New-GeminiTool -Command Get-TestForecast
            $r = Invoke-GeminiChat 'Oslo' -Tool $tool
            $r.ToolCalls[0].Function.Name | Should -Be 'Get-TestForecast'
            ($r.ToolCalls[0].Function.Arguments | ConvertFrom-Json).City | Should -Be 'Oslo'
            (Get-EmulatorRequest)[0].Body | Should -Not -BeLike '*"Command"*'
        }

        It 'reports an unknown command' {
            New-GeminiTool -Command No-SuchCommand -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'Gemini.CommandNotFound*'
        }
    }

    Context 'Help' {
        It 'has a synopsis and examples with code, a JSON schema among them' {
            $help = Get-Help New-GeminiTool -Full
            $help.Synopsis | Should -Be 'Creates a function (tool) definition that Gemini can call.'
            $examples = @($help.examples.example)
            $examples.Count | Should -BeGreaterOrEqual 2
            foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
            (@($examples.code) -join "`n") | Should -BeLike '*{"type":"object"*'
        }
    }

    Context 'Parameter descriptions from comment-based help' {
        BeforeAll {
            function Get-TestTide {
                <#
                .SYNOPSIS
                Gets the tide table of a harbour.
                .PARAMETER Harbour
                The harbour, by its English name.
                Use the nearest one for a village.
                .PARAMETER Days
                How many days of tides.
                #>
                param(
                    [Parameter(Mandatory)] [string] $Harbour,
                    [int] $Days = 1,
                    # Whether to include the tidal coefficient.
                    [switch] $Coefficient,
                    [Parameter(HelpMessage = 'Metres or feet')] [string] $Unit,
                    [string] $Undocumented
                )
                "$Harbour $Days"
            }
        }

        It 'puts each .PARAMETER text in the property''s description' {
            $properties = (New-GeminiTool -Command Get-TestTide).Function.Parameters['properties']
            $properties['Harbour']['description'] -replace '\r?\n', ' ' | Should -Be 'The harbour, by its English name. Use the nearest one for a village.'
            $properties['Days']['description'] | Should -Be 'How many days of tides.'
            $properties['Coefficient']['description'] | Should -Be 'Whether to include the tidal coefficient.'
            $properties['Unit']['description'] | Should -Be 'Metres or feet'
            $properties['Undocumented'].Keys | Should -Not -Contain 'description'
        }

        It 'sends the descriptions to the model' {
            Invoke-GeminiChat 'Brest' -Tool (New-GeminiTool -Command Get-TestTide) | Out-Null
            $function = @((Get-EmulatorRequest)[0].BodyJson.tools)[0].function
            $function.description | Should -Be 'Gets the tide table of a harbour.'
            $function.parameters.properties.Harbour.description -replace '\r?\n', ' ' | Should -Be 'The harbour, by its English name. Use the nearest one for a village.'
            $function.parameters.properties.Days.description | Should -Be 'How many days of tides.'
        }
    }
}
