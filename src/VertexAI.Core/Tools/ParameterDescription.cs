using System;
using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>
    /// A neutral description of one parameter of a command or function, from which <see cref="ToolSchemas"/> derives the
    /// OpenAPI 3.0 schema of a tool's arguments. The cmdlets fill it from PowerShell's parameter metadata.
    /// </summary>
    public sealed class ParameterDescription
    {
        /// <summary>Creates a description.</summary>
        public ParameterDescription(string name, Type type)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Type = type ?? throw new ArgumentNullException(nameof(type));
        }

        /// <summary>The parameter's name (the argument's key).</summary>
        public string Name { get; }

        /// <summary>The parameter's .NET type.</summary>
        public Type Type { get; }

        /// <summary>Whether the parameter is mandatory (listed in <c>required</c>).</summary>
        public bool Mandatory { get; set; }

        /// <summary>The values allowed (ValidateSet), or null.</summary>
        public IList<string>? AllowedValues { get; set; }

        /// <summary>The least value allowed (ValidateRange), or null.</summary>
        public object? Minimum { get; set; }

        /// <summary>The greatest value allowed (ValidateRange), or null.</summary>
        public object? Maximum { get; set; }

        /// <summary>What the parameter is for (help text or HelpMessage), or null.</summary>
        public string? Description { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"{Name} [{Type.Name}]";
    }
}
