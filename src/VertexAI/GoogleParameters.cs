using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VertexAI.Commands
{
    /// <summary>
    /// Translates the chat cmdlets' Gemini-specific parameters (-GoogleSearch, -SafetySetting, -CachedContent,
    /// -MediaResolution) into the request; <see cref="GoogleOptions"/> in the core checks the values against Vertex's enums.
    /// Throws <see cref="ArgumentException"/> (named after the parameter) for a value that cannot work.
    /// </summary>
    internal static class GoogleParameters
    {
        internal static void Apply(GeminiChatCommandBase p, ChatRequest request)
        {
            if (p.GoogleSearch.IsPresent) GoogleOptions.SetGoogleSearch(request);
            if (p.SafetySetting is { Length: > 0 })
            {
                GoogleOptions.SetSafetySettings(request, SafetySettings(p.SafetySetting), nameof(p.SafetySetting));
            }
            if (p.CachedContent is not null) GoogleOptions.SetCachedContent(request, p.CachedContent, nameof(p.CachedContent));
            if (p.MediaResolution is not null) GoogleOptions.SetMediaResolution(request, p.MediaResolution, nameof(p.MediaResolution));
        }

        // Three forms, mixed freely: @{ HARM_CATEGORY_X = 'THRESHOLD'; ... }; @{ category = ...; threshold = ...; method = ... }
        // (the API's own array form); 'HARM_CATEGORY_X=THRESHOLD' (the form tab completion writes).
        internal static List<Dictionary<string, object?>> SafetySettings(object[] values)
        {
            const string Name = nameof(GeminiChatCommandBase.SafetySetting);
            var settings = new List<Dictionary<string, object?>>();
            foreach (var value in values)
            {
                var raw = value is PSObject pso ? pso.BaseObject : value;
                var plain = PSValueConverter.ToPlain(value);
                if (plain is string text)
                {
                    var eq = text.IndexOf('=');
                    if (eq <= 0 || eq == text.Length - 1)
                    {
                        throw new ArgumentException($"-SafetySetting '{text}' is not CATEGORY=THRESHOLD (e.g. HARM_CATEGORY_HATE_SPEECH=BLOCK_ONLY_HIGH).", Name);
                    }
                    settings.Add(GoogleOptions.SafetySetting(text.Substring(0, eq), text.Substring(eq + 1), null, Name));
                }
                else if (plain is Dictionary<string, object?> map)
                {
                    if (PSValueConverter.GetIgnoringCase(map, "category") is not null || PSValueConverter.GetIgnoringCase(map, "threshold") is not null)
                    {
                        settings.Add(OneSetting(map));
                        continue;
                    }
                    var pairs = new List<Dictionary<string, object?>>();
                    foreach (var kv in map)
                    {
                        if (!(kv.Value is string threshold))
                        {
                            throw new ArgumentException(
                                $"-SafetySetting: the threshold for {kv.Key} must be a string such as 'BLOCK_ONLY_HIGH', not {PSValueConverter.Describe(kv.Value)}.", Name);
                        }
                        pairs.Add(GoogleOptions.SafetySetting(kv.Key, threshold, null, Name));
                    }
                    // A plain hashtable has no order of its own: send its categories in the enum's order, the same every time.
                    if (raw is Hashtable) pairs.Sort((a, b) => Rank(a).CompareTo(Rank(b)));
                    settings.AddRange(pairs);
                }
                else
                {
                    throw new ArgumentException(
                        $"-SafetySetting takes hashtables (@{{ HARM_CATEGORY_HATE_SPEECH = 'BLOCK_ONLY_HIGH' }} or @{{ category = ...; threshold = ... }}) or 'CATEGORY=THRESHOLD' strings, not {PSValueConverter.Describe(plain)}.", Name);
                }
            }
            return settings;
        }

        private static int Rank(Dictionary<string, object?> setting)
        {
            var index = -1;
            for (var i = 0; i < GoogleOptions.HarmCategories.Count; i++)
            {
                if (GoogleOptions.HarmCategories[i] == (string)setting["category"]!) index = i;
            }
            return index;
        }

        private static Dictionary<string, object?> OneSetting(Dictionary<string, object?> map)
        {
            const string Name = nameof(GeminiChatCommandBase.SafetySetting);
            foreach (var key in map.Keys)
            {
                if (!new[] { "category", "threshold", "method" }.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"-SafetySetting: '{key}' is not a member of a safety setting (category, threshold, method).", Name);
                }
            }
            if (!(PSValueConverter.GetIgnoringCase(map, "category") is string category) || category.Length == 0)
            {
                throw new ArgumentException("-SafetySetting: a setting with threshold needs a category (a string such as 'HARM_CATEGORY_HATE_SPEECH').", Name);
            }
            if (!(PSValueConverter.GetIgnoringCase(map, "threshold") is string threshold) || threshold.Length == 0)
            {
                throw new ArgumentException($"-SafetySetting: the setting for {category} needs a threshold (a string such as 'BLOCK_ONLY_HIGH').", Name);
            }
            var method = PSValueConverter.GetIgnoringCase(map, "method");
            if (method is not null && !(method is string))
            {
                throw new ArgumentException($"-SafetySetting: the method for {category} must be 'SEVERITY' or 'PROBABILITY'.", Name);
            }
            return GoogleOptions.SafetySetting(category, threshold, (string?)method, Name);
        }
    }

    /// <summary>
    /// Lets -CachedContent take a context cache object (anything with a string <c>Name</c> property, as the cache cmdlets
    /// output) as well as its name or id.
    /// </summary>
    internal sealed class CachedContentTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject psObject ? psObject.BaseObject : inputData;
            if (value is null || value is string) return value;
            // Cache ids are numbers: -CachedContent 1234567890 binds an Int32 or Int64.
            if (value is int || value is long || value is uint || value is ulong)
            {
                return System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            var name = PSObject.AsPSObject(inputData).Properties["Name"]?.Value;
            if (name is PSObject named) name = named.BaseObject;
            if (name is string text && text.Length > 0) return text;
            throw new ArgumentTransformationMetadataException(
                $"-CachedContent takes a context cache's name (projects/{{project}}/locations/{{location}}/cachedContents/{{id}}), its id, or a cache object with a Name property, not a {value.GetType().FullName}.");
        }
    }

    /// <summary>
    /// Tab completion for -SafetySetting in its string form: harm categories (HARM_CATEGORY_HATE_SPEECH=), then after the
    /// <c>=</c> the block thresholds. (PowerShell offers no completion inside a hashtable literal.)
    /// </summary>
    internal sealed class SafetySettingCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var quote = wordToComplete.Length > 0 && (wordToComplete[0] == '\'' || wordToComplete[0] == '"') ? wordToComplete[0].ToString() : string.Empty;
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var eq = word.IndexOf('=');
            var results = new List<CompletionResult>();
            if (eq < 0)
            {
                foreach (var category in GoogleOptions.HarmCategories)
                {
                    if (category.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                        || category.Substring("HARM_CATEGORY_".Length).StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    {
                        results.Add(new CompletionResult(quote + category + "=", category, CompletionResultType.ParameterValue, category + "=THRESHOLD"));
                    }
                }
                return results;
            }
            var left = word.Substring(0, eq);
            var right = word.Substring(eq + 1);
            foreach (var threshold in GoogleOptions.HarmBlockThresholds)
            {
                if (threshold.StartsWith(right, StringComparison.OrdinalIgnoreCase))
                {
                    var text = left + "=" + threshold;
                    results.Add(new CompletionResult(quote + text + quote, threshold, CompletionResultType.ParameterValue, text));
                }
            }
            return results;
        }
    }
}
