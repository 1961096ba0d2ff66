using System.Collections.Generic;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>Helpers for Vertex's <c>extra_content.google</c> maps.</summary>
    public static class ExtraContent
    {
        /// <summary>The key under which Vertex puts its own fields.</summary>
        public const string Google = "google";

        /// <summary>Reads <c>extra_content.google.{key}</c> as a string; null when absent.</summary>
        public static string? GetGoogleString(IDictionary<string, object?>? extraContent, string key)
            => PlainJson.GetPath(extraContent, Google, key) as string;

        /// <summary>Sets <c>extra_content.google.{key}</c>, creating the maps as needed, and returns the map.</summary>
        public static IDictionary<string, object?> SetGoogle(IDictionary<string, object?>? extraContent, string key, object? value)
        {
            extraContent ??= new Dictionary<string, object?>(System.StringComparer.Ordinal);
            if (!(extraContent.TryGetValue(Google, out var g) && g is IDictionary<string, object?> google))
            {
                google = new Dictionary<string, object?>(System.StringComparer.Ordinal);
                extraContent[Google] = google;
            }
            google[key] = value;
            return extraContent;
        }
    }
}
