using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace VertexAI.Commands
{
    /// <summary>
    /// The PowerShell command behind each tool New-GeminiTool made from one (-Command, -ScriptBlock). Kept here, beside
    /// the core's <see cref="ToolDefinition"/>, so that the core's model holds no PowerShell object: a weak table keyed by
    /// the tool, and a <c>Command</c> note property on it for the person reading <c>$tool.Command</c>.
    /// </summary>
    internal static class ToolCommands
    {
        // Weak keys: a tool that is no longer referenced takes its command with it.
        private static readonly ConditionalWeakTable<ToolDefinition, CommandInfo> s_commands = new ConditionalWeakTable<ToolDefinition, CommandInfo>();

        /// <summary>Records what runs <paramref name="tool"/> and returns the tool, with its <c>Command</c> property, for output.</summary>
        internal static PSObject Attach(ToolDefinition tool, CommandInfo command)
        {
            s_commands.Remove(tool);
            s_commands.Add(tool, command);
            var output = PSObject.AsPSObject(tool);
            output.Properties.Add(new PSNoteProperty("Command", command));
            return output;
        }

        /// <summary>The command that runs <paramref name="tool"/>, or null for a tool made from a schema.</summary>
        internal static CommandInfo? Of(ToolDefinition? tool)
            => tool is not null && s_commands.TryGetValue(tool, out var command) ? command : null;
    }
}
