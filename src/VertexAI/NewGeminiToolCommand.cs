using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace VertexAI.Commands
{
    /// <summary>
    /// Defines a function the model may call: its name, what it does, and the JSON schema of its arguments (a
    /// hashtable or a JSON string), or all of that derived from a PowerShell command (-Command, also piped from
    /// Get-Command) or a script block (-ScriptBlock with -Name). Pass the result to -Tool of Invoke-GeminiChat or
    /// Get-GeminiStream; tools made from commands can be run by Invoke-GeminiChat -InvokeTools.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GeminiTool")]
    [OutputType(typeof(ToolDefinition))]
    public sealed class NewGeminiToolCommand : PSCmdlet
    {
        private const string NamePattern = "^[A-Za-z_][A-Za-z0-9_.-]{0,63}$";

        // PowerShell's common and optional common parameters: never part of a tool's schema.
        private static readonly HashSet<string> s_common = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
            "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm", "UseTransaction",
        };

        private bool _madeFromCommand;

        /// <summary>The function's name: a letter or underscore, then up to 63 letters, digits, underscores, dots or dashes.
        /// Needed unless -Command gives it.</summary>
        [Parameter(Position = 0)]
        [ValidatePattern(NamePattern)]
        public string? Name { get; set; }

        /// <summary>What the function does; the model reads it to decide when to call the function.</summary>
        [Parameter(Position = 1)]
        public string? Description { get; set; }

        /// <summary>The JSON schema of the arguments object: a hashtable (nested hashtables and arrays) or a JSON string.
        /// Defaults to an object with no properties.</summary>
        [Parameter(Position = 2)]
        public object? Parameters { get; set; }

        /// <summary>A command (its name, or a CommandInfo from Get-Command) whose default parameter set becomes the schema.</summary>
        [Parameter(ValueFromPipeline = true)]
        public object? Command { get; set; }

        /// <summary>A script block whose param() block becomes the schema (give -Name too).</summary>
        [Parameter]
        public ScriptBlock? ScriptBlock { get; set; }

        /// <summary>Writes a tool for each command given or piped.</summary>
        protected override void ProcessRecord()
        {
            if (Command is null) return;
            var value = Command is PSObject pso ? pso.BaseObject : Command;
            Command = null;
            _madeFromCommand = true;
            if (Parameters is not null || ScriptBlock is not null)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException("-Command derives the schema from the command: leave out -Parameters and -ScriptBlock."), "Gemini.InvalidArgument", value));
            }
            var info = ResolveCommand(value);
            if (info is null) return;
            WriteObject(FromCommand(info, Name, Description, withHelp: true));
        }

        /// <summary>Writes the tool defined by -ScriptBlock or -Parameters.</summary>
        protected override void EndProcessing()
        {
            if (_madeFromCommand) return;
            if (string.IsNullOrEmpty(Name))
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException("Give the tool's -Name (or -Command to take the name from a command)."), "Gemini.ToolNameMissing", null));
            }
            if (ScriptBlock is not null)
            {
                if (Parameters is not null)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(
                        new ArgumentException("-ScriptBlock derives the schema from its param() block: leave out -Parameters."), "Gemini.InvalidArgument", ScriptBlock));
                }
                WriteObject(FromCommand(FunctionFor(ScriptBlock), Name, Description, withHelp: false));
                return;
            }

            Dictionary<string, object?> schema;
            if (Parameters is null)
            {
                schema = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["type"] = "object",
                    ["properties"] = new Dictionary<string, object?>(StringComparer.Ordinal),
                };
            }
            else
            {
                try
                {
                    schema = PSValueConverter.ToObjectMap(Parameters, nameof(Parameters), allowJson: true);
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidToolParameters", Parameters));
                    return;
                }
            }

            WriteObject(new ToolDefinition
            {
                Function = new FunctionDefinition
                {
                    Name = Name,
                    Description = string.IsNullOrEmpty(Description) ? null : Description,
                    Parameters = schema,
                },
            });
        }

        private CommandInfo? ResolveCommand(object value)
        {
            CommandInfo? info = value as CommandInfo;
            if (info is null)
            {
                var name = value as string;
                if (string.IsNullOrWhiteSpace(name))
                {
                    WriteError(ErrorRecords.InvalidArgument(
                        new ArgumentException($"-Command takes a command name or a CommandInfo (Get-Command), not {value.GetType().FullName}."), "Gemini.InvalidArgument", value));
                    return null;
                }
                info = InvokeCommand.GetCommand(name, CommandTypes.Alias | CommandTypes.Function | CommandTypes.Filter | CommandTypes.Cmdlet | CommandTypes.ExternalScript);
                if (info is null)
                {
                    WriteError(ErrorRecords.CommandNotFound(name));
                    return null;
                }
            }
            while (info is AliasInfo alias && alias.ResolvedCommand is not null) info = alias.ResolvedCommand;
            return info;
        }

        /// <summary>The name of the function a -ScriptBlock tool runs as (an internal name: messages name the tool instead).</summary>
        internal const string ScriptBlockFunctionName = "vertexai_tool";

        // A function made from the script block in a scope of its own, so that its parameters read like a command's.
        private FunctionInfo FunctionFor(ScriptBlock scriptBlock)
        {
            var make = ScriptBlock.Create("param($sb) ${function:" + ScriptBlockFunctionName + "} = $sb; Get-Command -Name " + ScriptBlockFunctionName + " -CommandType Function");
            foreach (var result in InvokeCommand.InvokeScript(true, make, null, scriptBlock))
            {
                if (result?.BaseObject is FunctionInfo function) return function;
            }
            throw new InvalidOperationException("The script block could not be made into a function.");
        }

        private PSObject FromCommand(CommandInfo info, string? name, string? description, bool withHelp)
        {
            var toolName = string.IsNullOrEmpty(name) ? info.Name : name!;
            if (!Regex.IsMatch(toolName, NamePattern))
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException($"'{toolName}' is not a valid tool name (a letter or underscore, then up to 63 letters, digits, underscores, dots or dashes); give one with -Name."),
                    "Gemini.InvalidToolName", toolName));
            }

            CommandParameterSetInfo? set = null;
            try
            {
                foreach (var s in info.ParameterSets)
                {
                    if (set is null || s.IsDefault) set = s;
                    if (s.IsDefault) break;
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowTerminatingError(ErrorRecords.CommandMetadata(ex, info));
            }

            var help = withHelp ? ReadHelp(info) : null;
            var parameters = new List<ParameterDescription>();
            if (set is not null)
            {
                foreach (var p in set.Parameters)
                {
                    if (s_common.Contains(p.Name)) continue;
                    var d = new ParameterDescription(p.Name, p.ParameterType)
                    {
                        Mandatory = p.IsMandatory,
                        Description = !string.IsNullOrWhiteSpace(p.HelpMessage) ? p.HelpMessage : help?.Parameter(p.Name),
                    };
                    foreach (var attribute in p.Attributes)
                    {
                        if (attribute is ValidateSetAttribute validateSet) d.AllowedValues = new List<string>(validateSet.ValidValues);
                        else if (attribute is ValidateRangeAttribute range)
                        {
                            d.Minimum = range.MinRange;
                            d.Maximum = range.MaxRange;
                        }
                    }
                    parameters.Add(d);
                }
            }

            var text = !string.IsNullOrEmpty(description) ? description : help?.Synopsis;
            WriteVerbose($"Tool '{toolName}' from {info.CommandType} {info.Name}: {parameters.Count} parameter(s) of set '{set?.Name}'.");
            var tool = new ToolDefinition
            {
                Function = new FunctionDefinition
                {
                    Name = toolName,
                    Description = string.IsNullOrEmpty(text) ? null : text,
                    Parameters = ToolSchemas.FromParameters(parameters),
                },
            };
            return ToolCommands.Attach(tool, info);
        }

        // Get-Help's synopsis and parameter descriptions, when the command has real help (not the generated syntax stub).
        private HelpText? ReadHelp(CommandInfo info)
        {
            try
            {
                var script = ScriptBlock.Create("param($n) Get-Help -Name $n -Full -ErrorAction SilentlyContinue");
                foreach (var result in InvokeCommand.InvokeScript(true, script, null, info.Name))
                {
                    if (result is null) continue;
                    var help = new HelpText();
                    var synopsis = (result.Properties["Synopsis"]?.Value as string)?.Trim();
                    if (!string.IsNullOrEmpty(synopsis) && synopsis!.IndexOf("CommonParameters", StringComparison.Ordinal) < 0
                        && !synopsis.StartsWith(info.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        help.Synopsis = synopsis;
                    }
                    var parameters = (result.Properties["parameters"]?.Value as PSObject)?.Properties["parameter"]?.Value;
                    foreach (var p in parameters is IEnumerable list && !(parameters is string) ? list : new[] { parameters })
                    {
                        var po = p is PSObject x ? x : (p is null ? null : PSObject.AsPSObject(p));
                        var pname = TextOf(po?.Properties["name"]?.Value);
                        if (pname is null) continue;
                        var texts = new List<string>();
                        var desc = po!.Properties["description"]?.Value;
                        foreach (var d in desc is IEnumerable dl && !(desc is string) ? dl : new[] { desc })
                        {
                            var t = d is PSObject dp ? TextOf(dp.Properties["Text"]?.Value) : TextOf(d);
                            if (!string.IsNullOrWhiteSpace(t)) texts.Add(t!.Trim());
                        }
                        if (texts.Count > 0) help.Parameters[pname] = string.Join(" ", texts);
                    }
                    return help;
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteVerbose($"No help for {info.Name}: {ex.Message}");
            }
            return null;
        }

        // Get-Help's objects hold their strings wrapped in PSObjects (comment-based help does), which 'as string' misses.
        private static string? TextOf(object? value) => (value is PSObject wrapped ? wrapped.BaseObject : value) as string;

        private sealed class HelpText
        {
            public string? Synopsis { get; set; }

            public Dictionary<string, string> Parameters { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

            public string? Parameter(string name) => Parameters.TryGetValue(name, out var text) ? text : null;
        }
    }
}
