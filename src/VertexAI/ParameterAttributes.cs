using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security;

namespace VertexAI.Commands
{
    /// <summary>
    /// Lets a SecureString parameter take a plain string too (<c>-AccessToken (gcloud auth print-access-token)</c>):
    /// the string is copied into a read-only SecureString.
    /// </summary>
    internal sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject psObject ? psObject.BaseObject : inputData;
            if (value is string text)
            {
                var secure = new SecureString();
                foreach (var c in text) secure.AppendChar(c);
                secure.MakeReadOnly();
                return secure;
            }
            return inputData;
        }
    }

    /// <summary>
    /// Lets an IDictionary parameter (-ExtraBody, -ExtraContent) take a PSCustomObject too, as ConvertFrom-Json makes
    /// it: its properties become an ordered dictionary, their values left as they are for the JSON check after binding.
    /// </summary>
    internal sealed class JsonObjectTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (!(inputData is PSObject psObject && psObject.BaseObject is PSCustomObject)) return inputData;
            var dictionary = new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal);
            foreach (var property in psObject.Properties)
            {
                if (property.IsGettable) dictionary[property.Name] = property.Value;
            }
            return dictionary;
        }
    }

    /// <summary>Tab completion from a fixed list of suggestions; any other value is still accepted.</summary>
    internal abstract class ListCompleter : IArgumentCompleter
    {
        private readonly string[] _values;

        protected ListCompleter(params string[] values) => _values = values;

        /// <summary>The suggestions, in the order offered.</summary>
        protected virtual IEnumerable<string> Values => _values;

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var results = new List<CompletionResult>();
            foreach (var value in Values)
            {
                if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    results.Add(new CompletionResult(value, value, CompletionResultType.ParameterValue, value));
                }
            }
            return results;
        }
    }

    /// <summary>Gemini model ids for <c>-Model</c>.</summary>
    /// <remarks>Also offers the ids the last Get-GeminiModel of the session found (<see cref="KnownModels"/>): completion
    /// itself never calls the network.</remarks>
    internal sealed class ModelCompleter : ListCompleter
    {
        public ModelCompleter()
            : base("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.5-flash-image", "gemini-3-pro-preview",
                "gemini-3.1-pro-preview", "gemini-3-flash-preview", "gemini-3-pro-image-preview", "gemini-2.0-flash-001")
        {
        }

        protected override IEnumerable<string> Values => base.Values.Concat(KnownModels.Ids.Where(id => !base.Values.Contains(id, StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>Vertex AI locations for <c>-Location</c>.</summary>
    internal sealed class LocationCompleter : ListCompleter
    {
        public LocationCompleter()
            : base("global", "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west4",
                "northamerica-northeast1", "southamerica-east1", "europe-west1", "europe-west2", "europe-west3", "europe-west4",
                "europe-west8", "europe-west9", "europe-north1", "europe-central2", "europe-southwest1", "asia-northeast1",
                "asia-northeast3", "asia-south1", "asia-southeast1", "australia-southeast1", "me-central1")
        {
        }
    }

    /// <summary>The <c>tool_choice</c> modes for <c>-ToolChoice</c> (any other value names a function).</summary>
    internal sealed class ToolChoiceCompleter : ListCompleter
    {
        public ToolChoiceCompleter()
            : base("auto", "none", "required")
        {
        }
    }
}
