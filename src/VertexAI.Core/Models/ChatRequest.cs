using System;
using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>
    /// The body of a Chat Completions request. Null members are not sent. <see cref="ExtraBody"/> is sent as the
    /// literal top-level key <c>extra_body</c>, which is where Vertex reads <c>google.thinking_config</c> and friends.
    /// </summary>
    public sealed class ChatRequest : JsonModel
    {
        /// <summary>The model: <c>google/{id}</c> on the managed endpoint (added when missing), optional when self-deployed.</summary>
        public string? Model { get; set; }

        /// <summary>The conversation so far.</summary>
        public List<ChatMessage> Messages { get; set; } = new List<ChatMessage>();

        /// <summary>Functions the model may call.</summary>
        public List<ToolDefinition>? Tools { get; set; }

        /// <summary><c>none</c>, <c>auto</c>, <c>required</c>, or one named function.</summary>
        public ToolChoice? ToolChoice { get; set; }

        /// <summary>Sampling temperature (0 to 2).</summary>
        public double? Temperature { get; set; }

        /// <summary>Nucleus sampling probability mass (0 to 1).</summary>
        public double? TopP { get; set; }

        /// <summary><c>max_tokens</c>: the most tokens to generate.</summary>
        public int? MaxTokens { get; set; }

        /// <summary><c>max_completion_tokens</c>: the newer name of the same limit.</summary>
        public int? MaxCompletionTokens { get; set; }

        /// <summary>Stop sequences.</summary>
        public List<string>? Stop { get; set; }

        /// <summary>Seed for (best-effort) deterministic sampling.</summary>
        public long? Seed { get; set; }

        /// <summary>Number of choices to generate.</summary>
        public int? N { get; set; }

        /// <summary>Presence penalty (-2 to 2).</summary>
        public double? PresencePenalty { get; set; }

        /// <summary>Frequency penalty (-2 to 2).</summary>
        public double? FrequencyPenalty { get; set; }

        /// <summary><c>text</c>, <c>json_object</c> or <c>json_schema</c>.</summary>
        public ResponseFormat? ResponseFormat { get; set; }

        /// <summary><c>low</c>, <c>medium</c>, <c>high</c> (or <c>none</c>); never together with a thinking config.</summary>
        public string? ReasoningEffort { get; set; }

        /// <summary>Output modalities: <c>text</c>, <c>image</c>, <c>audio</c>.</summary>
        public List<string>? Modalities { get; set; }

        /// <summary><c>web_search_options</c>, as a plain map.</summary>
        public IDictionary<string, object?>? WebSearchOptions { get; set; }

        /// <summary>Whether to stream (set by the client; callers need not set it).</summary>
        public bool Stream { get; set; }

        /// <summary><c>stream_options</c>, as a plain map.</summary>
        public IDictionary<string, object?>? StreamOptions { get; set; }

        /// <summary>The literal <c>extra_body</c> member (e.g. <c>@{ google = @{ thinking_config = @{ include_thoughts = $true } } }</c>).</summary>
        public IDictionary<string, object?>? ExtraBody { get; set; }

        /// <summary>A copy sharing the same messages and maps (the client sets model and stream on the copy, not on yours).</summary>
        public ChatRequest ShallowCopy()
        {
            var copy = (ChatRequest)MemberwiseClone();
            return copy;
        }
    }

    /// <summary>The <c>tool_choice</c> member.</summary>
    public sealed class ToolChoice
    {
        private ToolChoice(string mode, string? functionName)
        {
            Mode = mode;
            FunctionName = functionName;
        }

        /// <summary><c>none</c>, <c>auto</c>, <c>required</c>, or <c>function</c> for a named function.</summary>
        public string Mode { get; }

        /// <summary>The function's name when <see cref="Mode"/> is <c>function</c>.</summary>
        public string? FunctionName { get; }

        /// <summary>The model must not call tools.</summary>
        public static ToolChoice None { get; } = new ToolChoice("none", null);

        /// <summary>The model decides.</summary>
        public static ToolChoice Auto { get; } = new ToolChoice("auto", null);

        /// <summary>The model must call at least one tool.</summary>
        public static ToolChoice Required { get; } = new ToolChoice("required", null);

        /// <summary>The model must call this function.</summary>
        public static ToolChoice Function(string name) => new ToolChoice("function", name);

        /// <summary>Parses <c>none</c>, <c>auto</c> or <c>required</c> (any case); anything else names a function.</summary>
        public static ToolChoice Parse(string value)
        {
            switch (value.Trim().ToLowerInvariant())
            {
                case "none": return None;
                case "auto": return Auto;
                case "required": return Required;
                default: return Function(value.Trim());
            }
        }

        /// <inheritdoc/>
        public override string ToString() => FunctionName ?? Mode;
    }

    /// <summary>The <c>response_format</c> member.</summary>
    public sealed class ResponseFormat
    {
        /// <summary><c>text</c>, <c>json_object</c> or <c>json_schema</c>.</summary>
        public string Type { get; set; } = "text";

        /// <summary>For <c>json_schema</c>: the schema's name.</summary>
        public string? SchemaName { get; set; }

        /// <summary>For <c>json_schema</c>: the JSON schema (plain map).</summary>
        public IDictionary<string, object?>? Schema { get; set; }

        /// <summary>For <c>json_schema</c>: OpenAI's <c>strict</c> flag.</summary>
        public bool? Strict { get; set; }

        /// <summary>The .NET type the schema was derived from (answers are bound to it); not part of the wire format.</summary>
        public Type? ResultType { get; set; }

        /// <summary>JSON that follows the schema derived from <paramref name="type"/> (see <see cref="JsonSchemas.FromType"/>); answers bind to it.</summary>
        public static ResponseFormat ForType(Type type, string? name = null, bool? strict = true)
        {
            var format = JsonSchema(string.IsNullOrWhiteSpace(name) ? type.Name : name!, JsonSchemas.FromType(type), strict);
            format.ResultType = type;
            return format;
        }

        /// <summary>Free text (the default).</summary>
        public static ResponseFormat Text => new ResponseFormat { Type = "text" };

        /// <summary>Any JSON object.</summary>
        public static ResponseFormat JsonObject => new ResponseFormat { Type = "json_object" };

        /// <summary>JSON that follows a schema.</summary>
        public static ResponseFormat JsonSchema(string name, IDictionary<string, object?> schema, bool? strict = null)
            => new ResponseFormat { Type = "json_schema", SchemaName = name, Schema = schema, Strict = strict };

        /// <inheritdoc/>
        public override string ToString() => Type;
    }
}
