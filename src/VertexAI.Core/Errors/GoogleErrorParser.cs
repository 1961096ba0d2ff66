using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// Reads Google error bodies: <c>{"error":{code,message,status,details}}</c>, the same wrapped in a one-element
    /// array, OAuth's <c>{"error":"...","error_description":"..."}</c>, or anything else (an HTML page, plain text).
    /// </summary>
    public static class GoogleErrorParser
    {
        private const int MaxBodyKept = 4096;

        /// <summary>Request-id headers Google front ends are known to set, in order of preference.</summary>
        public static readonly IReadOnlyList<string> RequestIdHeaders = new[] { "x-request-id", "x-goog-request-id", "x-cloud-trace-context" };

        /// <summary>Builds the exception for an HTTP error response.</summary>
        public static GeminiApiException FromResponse(int httpStatus, string? body, string? requestId, string? contentType = null)
        {
            var parsed = TryParse(body);
            var message = parsed.Message;
            if (message is null)
            {
                message = DescribeNonJson(body, contentType);
            }
            var text = GeminiApiException.Describe(httpStatus, parsed.Status, message, requestId);
            return new GeminiApiException(text, httpStatus, parsed.Status, parsed.Message, parsed.Details, requestId)
            {
                ResponseBody = Cut(body),
            };
        }

        /// <summary>
        /// Reads an error object if <paramref name="root"/> is one (object with <c>error</c>, or an array whose first
        /// element has one); returns false for anything else.
        /// </summary>
        public static bool TryReadError(JsonElement root, out int? code, out string? status, out string? message, out IReadOnlyList<object?> details)
        {
            code = null;
            status = null;
            message = null;
            details = Array.Empty<object?>();
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() == 0) return false;
                root = root[0];
            }
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error)) return false;

            if (error.ValueKind == JsonValueKind.String)
            {
                // OAuth shape: {"error":"invalid_grant","error_description":"..."}
                status = error.GetString();
                message = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : status;
                return true;
            }
            if (error.ValueKind != JsonValueKind.Object) return false;
            if (error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var ci)) code = ci;
            if (error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String) status = s.GetString();
            if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString();
            if (error.TryGetProperty("details", out var det) && det.ValueKind == JsonValueKind.Array)
            {
                details = det.EnumerateArray().Select(PlainJson.FromElement).ToArray();
            }
            return true;
        }

        private static (string? Status, string? Message, IReadOnlyList<object?> Details) TryParse(string? body)
        {
            if (string.IsNullOrWhiteSpace(body)) return (null, null, Array.Empty<object?>());
            try
            {
                using var doc = JsonDocument.Parse(body!);
                if (TryReadError(doc.RootElement, out _, out var status, out var message, out var details))
                {
                    return (status, message, details);
                }
            }
            catch (JsonException)
            {
                // Not JSON: described below.
            }
            return (null, null, Array.Empty<object?>());
        }

        internal static string DescribeNonJson(string? body, string? contentType)
        {
            if (string.IsNullOrWhiteSpace(body)) return "the response had no body.";
            var trimmed = body!.TrimStart();
            if ((contentType?.IndexOf("html", StringComparison.OrdinalIgnoreCase) ?? -1) >= 0 || trimmed.StartsWith("<", StringComparison.Ordinal))
            {
                var title = ExtractTitle(trimmed);
                return "the server answered with an HTML page instead of JSON" + (title is null ? "" : $" (\"{title}\")") +
                       "; a proxy or load balancer may be in the way.";
            }
            var oneLine = trimmed.Replace('\r', ' ').Replace('\n', ' ');
            return oneLine.Length <= 300 ? oneLine : oneLine.Substring(0, 300) + "...";
        }

        private static string? ExtractTitle(string html)
        {
            var start = html.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
            if (start < 0) return null;
            start += 7;
            var end = html.IndexOf("</title>", start, StringComparison.OrdinalIgnoreCase);
            if (end < 0 || end - start > 200) return null;
            return html.Substring(start, end - start).Trim();
        }

        internal static string? Cut(string? body)
            => body is null || body.Length <= MaxBodyKept ? body : body.Substring(0, MaxBodyKept) + "...";
    }
}
