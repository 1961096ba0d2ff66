using System;
using System.Collections.Generic;
using VertexAI.Auth;

namespace VertexAI.Commands
{
    /// <summary>
    /// Translates the chat cmdlets' parameters into what the core takes: the request template (where requests go and with
    /// which credential is <see cref="GeminiConnectionCommandBase"/>'s). It lives beside the core, not in it, because the values it reads are PowerShell's
    /// (hashtables, PSObjects, SecureStrings). Every method throws <see cref="ArgumentException"/> for a value that cannot
    /// work; the cmdlet turns that into an ErrorRecord (<see cref="ErrorRecords.InvalidArgument"/>).
    /// </summary>
    internal static class ChatRequestBuilder
    {
        /// <summary>The settings every request of the command shares (messages excepted), checked as the core would.</summary>
        /// <param name="p">The cmdlet whose parameters are read.</param>
        /// <param name="bound">Its bound parameters: value-type parameters are sent only when bound.</param>
        internal static ChatRequest Template(GeminiChatCommandBase p, IDictionary<string, object> bound)
        {
            var request = new ChatRequest();
            if (p.Tool is { Length: > 0 })
            {
                request.Tools = new List<ToolDefinition>();
                foreach (var tool in p.Tool)
                {
                    if (tool is not null) request.Tools.Add(tool);
                }
            }
            if (!string.IsNullOrWhiteSpace(p.ToolChoice)) request.ToolChoice = VertexAI.ToolChoice.Parse(p.ToolChoice!);
            if (bound.ContainsKey(nameof(p.Temperature))) request.Temperature = p.Temperature;
            if (bound.ContainsKey(nameof(p.TopP))) request.TopP = p.TopP;
            if (bound.ContainsKey(nameof(p.MaxTokens))) request.MaxTokens = p.MaxTokens;
            if (bound.ContainsKey(nameof(p.Seed))) request.Seed = p.Seed;
            if (p.Stop is { Length: > 0 }) request.Stop = new List<string>(p.Stop);
            if (p.ResponseFormat is not null) request.ResponseFormat = ToResponseFormat(p.ResponseFormat);
            if (p.ExtraBody is not null) request.ExtraBody = PSValueConverter.ToJsonObject(p.ExtraBody, "extra_body", nameof(p.ExtraBody));
            if (p.ResponseSchema is not null)
            {
                if (p.ResponseFormat is not null)
                {
                    throw new ArgumentException("Give either -ResponseSchema or -ResponseFormat, not both.", nameof(p.ResponseSchema));
                }
                request.ResponseFormat = ToSchemaFormat(p.ResponseSchema, p.SchemaName);
            }
            var thinking = new ThinkingOptions
            {
                Budget = bound.ContainsKey(nameof(p.ThinkingBudget)) ? p.ThinkingBudget : (int?)null,
                Level = p.ThinkingLevel,
                IncludeThoughts = bound.ContainsKey(nameof(p.IncludeThoughts)) ? p.IncludeThoughts.IsPresent : (bool?)null,
                ThoughtTagMarker = string.IsNullOrEmpty(p.ThoughtTagMarker) ? null : p.ThoughtTagMarker,
            };
            thinking.ApplyTo(request);
            if (bound.ContainsKey(nameof(p.StreamFunctionCallArguments)))
            {
                ThinkingOptions.SetExtraBodyGoogle(request, "stream_function_call_arguments", p.StreamFunctionCallArguments.IsPresent);
            }
            if (p.ReasoningEffort is not null) request.ReasoningEffort = p.ReasoningEffort.ToLowerInvariant();
            if (p.Modalities is { Length: > 0 }) request.Modalities = new List<string>(p.Modalities);
            GoogleParameters.Apply(p, request);
            // Refused here, before any request: reasoning_effort with a thinking config, a recursive schema.
            ChatCalls.Validate(request);
            return request;
        }

        // A .NET type (schema from its properties; answers bind to it), or a JSON schema as a hashtable or JSON string.
        internal static ResponseFormat ToSchemaFormat(object value, string? name)
        {
            var unwrapped = value is System.Management.Automation.PSObject pso ? pso.BaseObject : value;
            if (unwrapped is Type type) return ResponseFormat.ForType(type, name);
            var schema = PSValueConverter.ToObjectMap(unwrapped, nameof(GeminiChatCommandBase.ResponseSchema), allowJson: true);
            return ResponseFormat.JsonSchema(string.IsNullOrWhiteSpace(name) ? "response" : name!, schema, strict: true);
        }

        // 'text' / 'json_object', or a hashtable (or PSCustomObject) holding the whole response_format object.
        internal static ResponseFormat ToResponseFormat(object value)
        {
            const string Name = nameof(GeminiChatCommandBase.ResponseFormat);
            var plain = PSValueConverter.ToPlain(value);
            if (plain is string text)
            {
                switch (text.Trim().ToLowerInvariant())
                {
                    case "text": return ResponseFormat.Text;
                    case "json_object": return ResponseFormat.JsonObject;
                    case "json_schema":
                        throw new ArgumentException("-ResponseFormat json_schema needs the schema: pass @{ type = 'json_schema'; json_schema = @{ name = '...'; schema = @{ ... } } }.", Name);
                    default:
                        throw new ArgumentException($"-ResponseFormat '{text}' is not a response format: use 'text', 'json_object', or a hashtable with type 'json_schema'.", Name);
                }
            }
            if (!(plain is Dictionary<string, object?> map))
            {
                throw new ArgumentException($"-ResponseFormat must be 'text', 'json_object' or a hashtable, not {PSValueConverter.Describe(plain)}.", Name);
            }

            var type = PSValueConverter.GetIgnoringCase(map, "type") as string;
            switch (type?.Trim().ToLowerInvariant())
            {
                case "text":
                    return ResponseFormat.Text;
                case "json_object":
                    return ResponseFormat.JsonObject;
                case "json_schema":
                    if (!(PSValueConverter.GetIgnoringCase(map, "json_schema") is Dictionary<string, object?> jsonSchema))
                    {
                        throw new ArgumentException("-ResponseFormat of type json_schema needs a json_schema member: @{ type = 'json_schema'; json_schema = @{ name = '...'; schema = @{ ... } } }.", Name);
                    }
                    if (!(PSValueConverter.GetIgnoringCase(jsonSchema, "schema") is Dictionary<string, object?> schema))
                    {
                        throw new ArgumentException("-ResponseFormat json_schema.schema must be the JSON schema (a hashtable).", Name);
                    }
                    var schemaName = PSValueConverter.GetIgnoringCase(jsonSchema, "name") as string;
                    var strict = PSValueConverter.GetIgnoringCase(jsonSchema, "strict") as bool?;
                    return ResponseFormat.JsonSchema(string.IsNullOrWhiteSpace(schemaName) ? "response" : schemaName!, schema, strict);
                default:
                    throw new ArgumentException(
                        $"-ResponseFormat needs a type of 'text', 'json_object' or 'json_schema'{(type is null ? "" : $", not '{type}'")}.", Name);
            }
        }
    }
}
