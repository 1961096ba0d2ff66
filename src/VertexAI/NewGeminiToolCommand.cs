using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace VertexAI.Commands
{
    /// <summary>
    /// Defines a function the model may call: its name, what it does, and the JSON schema of its arguments (a
    /// hashtable or a JSON string). Pass the result to -Tool of Invoke-GeminiChat or Get-GeminiStream.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GeminiTool")]
    [OutputType(typeof(ToolDefinition))]
    public sealed class NewGeminiToolCommand : PSCmdlet
    {
        /// <summary>The function's name: a letter or underscore, then up to 63 letters, digits, underscores, dots or dashes.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidatePattern("^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")]
        public string Name { get; set; } = string.Empty;

        /// <summary>What the function does; the model reads it to decide when to call the function.</summary>
        [Parameter(Position = 1)]
        public string? Description { get; set; }

        /// <summary>The JSON schema of the arguments object: a hashtable (nested hashtables and arrays) or a JSON string.
        /// Defaults to an object with no properties.</summary>
        [Parameter(Position = 2)]
        public object? Parameters { get; set; }

        /// <summary>Writes the tool definition.</summary>
        protected override void EndProcessing()
        {
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
    }
}
