using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace VertexAI.Commands
{
    /// <summary>
    /// Runs the model's tool calls for Invoke-GeminiChat -InvokeTools, on the pipeline thread: each call's command (from
    /// New-GeminiTool -Command or -ScriptBlock) runs in the current runspace with the model's arguments bound as named
    /// parameters (a hashtable splat; the model's text never becomes script), and its output or error becomes a tool message.
    /// </summary>
    internal sealed class ToolRunner
    {
        // Constant script: the command and the arguments arrive as parameter values.
        private const string SplatScript = "param($Command, $Arguments) & $Command @Arguments";

        private readonly PSCmdlet _cmdlet;
        private readonly bool _confirm;
        private bool _yesToAll;
        private bool _noToAll;

        internal ToolRunner(PSCmdlet cmdlet, bool confirm)
        {
            _cmdlet = cmdlet;
            _confirm = confirm;
        }

        /// <summary>Whether the completion calls tools and every tool it calls was made from a command.</summary>
        internal bool CanRun(ChatRequest request, ChatCompletion completion)
        {
            if (completion.ToolCalls is not { Count: > 0 } calls) return false;
            foreach (var call in calls)
            {
                if (Find(request, call.Function.Name) is null)
                {
                    _cmdlet.WriteVerbose($"The model called '{call.Function.Name}', which no tool made from a command runs; the tool calls are returned unanswered.");
                    return false;
                }
            }
            _tools = request.Tools;
            return true;
        }

        private List<ToolDefinition>? _tools;

        /// <summary>
        /// The next request's messages: the completion's conversation (the assistant message unchanged, thought signatures
        /// included) and one tool message per call, in the calls' order, after all calls have run.
        /// </summary>
        internal List<ChatMessage> Answer(ChatCompletion completion)
        {
            var messages = new List<ChatMessage>(completion.Conversation ?? new List<ChatMessage>());
            var results = new List<ChatMessage>();
            foreach (var call in completion.ToolCalls!)
            {
                results.Add(Run(call));
            }
            messages.AddRange(results);
            return messages;
        }

        private ChatMessage Run(ToolCall call)
        {
            var id = call.Id ?? string.Empty;
            var name = call.Function.Name ?? string.Empty;
            var tool = FindIn(_tools, name);
            if (!(ToolCommands.Of(tool) is CommandInfo command))
            {
                return ToolResults.Error(id, $"There is no tool named '{name}'.");
            }
            Dictionary<string, object?> arguments;
            try
            {
                arguments = ToolResults.ParseArguments(call.Function.Arguments);
            }
            catch (ArgumentException ex)
            {
                return ToolResults.Error(id, ex.Message);
            }

            if (_confirm && !Confirmed(name, call.Function.Arguments))
            {
                _cmdlet.WriteVerbose($"Declined the call of {name}.");
                return ToolResults.Error(id, "The user declined to run this tool.");
            }

            var splat = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var kv in arguments) splat[kv.Key] = ToPowerShell(kv.Value);
            // Name the tool the model called: a -ScriptBlock tool's command is an internal function (vertexai_tool).
            var runs = string.Equals(command.Name, name, StringComparison.OrdinalIgnoreCase) || command.Name == NewGeminiToolCommand.ScriptBlockFunctionName
                ? string.Empty
                : $" ({command.Name})";
            _cmdlet.WriteVerbose($"Running tool {name}{runs} for call {id} with the arguments {(string.IsNullOrEmpty(call.Function.Arguments) ? "{}" : call.Function.Arguments)}.");
            try
            {
                using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
                ps.AddScript(SplatScript, useLocalScope: true).AddParameter("Command", command).AddParameter("Arguments", splat);
                var output = ps.Invoke();
                if (ps.Streams.Error.Count > 0)
                {
                    var errors = new List<string>();
                    foreach (var e in ps.Streams.Error) errors.Add(e.ToString());
                    return ToolResults.Error(id, string.Join(Environment.NewLine, errors));
                }
                var content = ToolOutput.Serialize(output, out var cut);
                if (cut is not null) _cmdlet.WriteVerbose($"Tool {name}: {cut}.");
                return new ChatMessage("tool", content) { ToolCallId = id };
            }
            catch (Exception ex) when (ex is RuntimeException || ex is ArgumentException || ex is InvalidOperationException)
            {
                if (ex is PipelineStoppedException) throw;
                return ToolResults.Error(id, ex.Message);
            }
        }

        private bool Confirmed(string name, string? arguments)
        {
            if (_yesToAll) return true;
            if (_noToAll) return false;
            try
            {
                return _cmdlet.ShouldContinue($"Run {name} with the arguments {arguments}?", "Gemini tool call", ref _yesToAll, ref _noToAll);
            }
            catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException || ex is NotImplementedException)
            {
                // A host that cannot ask (pwsh -NonInteractive): no answer is a no, and no later answer can come either.
                return NoAnswer(name, "this session cannot ask");
            }
            catch (NullReferenceException)
            {
                // The console host reads the answer from standard input; at its end (pwsh < /dev/null, a closed pipe) it
                // gets no line and fails inside ShouldContinue.
                return NoAnswer(name, "standard input has ended");
            }
        }

        private bool NoAnswer(string name, string why)
        {
            _noToAll = true;
            _cmdlet.WriteWarning($"No answer to run {name}: {why}. This and any later tool calls are declined; the model is told so.");
            return false;
        }

        // JSON values as PowerShell binds them best: arrays as object[], objects as hashtables.
        private static object? ToPowerShell(object? value)
        {
            switch (value)
            {
                case Dictionary<string, object?> map:
                    var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var kv in map) table[kv.Key] = ToPowerShell(kv.Value);
                    return table;
                case object?[] array:
                    var copy = new object?[array.Length];
                    for (var i = 0; i < array.Length; i++) copy[i] = ToPowerShell(array[i]);
                    return copy;
                default:
                    return value;
            }
        }

        private static ToolDefinition? Find(ChatRequest request, string? name) => FindIn(request.Tools, name);

        private static ToolDefinition? FindIn(List<ToolDefinition>? tools, string? name)
        {
            if (tools is null || name is null) return null;
            foreach (var t in tools)
            {
                if (ToolCommands.Of(t) is not null && string.Equals(t.Function.Name, name, StringComparison.Ordinal)) return t;
            }
            return null;
        }
    }
}
