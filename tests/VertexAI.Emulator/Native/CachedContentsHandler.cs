// projects.locations.cachedContents (cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.cachedContents):
//   create  POST   /{v}/{parent=projects/*/locations/*}/cachedContents   body CachedContent      -> CachedContent
//   list    GET    /{v}/{parent}/cachedContents?pageSize&pageToken                             -> {cachedContents[], nextPageToken}
//   get     GET    /{v}/{name=projects/*/locations/*/cachedContents/*}                         -> CachedContent
//   patch   PATCH  /{v}/{name}?updateMask=ttl|expireTime   body CachedContent                  -> CachedContent
//   delete  DELETE /{v}/{name}                                                                 -> {}
// CachedContent: name, displayName, model ("projects/{p}/locations/{l}/publishers/{publisher}/models/{model}"),
//   systemInstruction, contents[], tools[], toolConfig (input only), createTime, updateTime (output only),
//   expiration oneof: expireTime (Timestamp, RFC 3339) | ttl (Duration, "3600s", input only); default 60 minutes.
// Confirmed from Google's reference and client docs: field names, the oneof, the default TTL, the model format.
// Not documented by Google, so the emulator's own wording: the messages for a malformed id, a missing cache, a bad
// update mask. The "too small" message follows the wording Vertex users report:
// "The cached content is of N tokens. The minimum token count to start caching is M."
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VertexAI.Emulator;

internal sealed partial class CachedContentsHandler(CacheStore store, Func<int> defaultPageSize)
{
    private static readonly string[] CreateFields = ["name", "displayName", "model", "systemInstruction", "contents", "tools", "toolConfig", "expireTime", "ttl", "createTime", "updateTime", "usageMetadata", "encryptionSpec"];

    // The cmdlets' "invalid cache name" case: Vertex ids are decimal numbers.
    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^-?[0-9]{1,12}(\.[0-9]{1,9})?s$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex("^projects/([^/]+)/locations/([^/]+)/publishers/([^/]+)/models/([^/]+)$")]
    private static partial Regex ModelPattern();

    public NativeAnswer Handle(NativeRoute route, HttpRequest request, JsonNode? body) =>
        (route.Kind, request.Method) switch
        {
            (NativeKind.CachedContents, "POST") => Create(route, body),
            (NativeKind.CachedContents, "GET") => List(route, request.Query),
            (NativeKind.CachedContent, "GET") => WithName(route, name => store.TryGet(name, out var e) ? NativeAnswer.Ok(e.ToJson()) : Missing(name)),
            (NativeKind.CachedContent, "PATCH") => WithName(route, name => Patch(name, request.Query, body)),
            (NativeKind.CachedContent, "DELETE") => WithName(route, name => store.Remove(name) ? NativeAnswer.Ok(new JsonObject()) : Missing(name)),
            _ => NativeAnswer.NotFound($"The requested URL {request.Path} was not found on this server."),
        };

    private NativeAnswer WithName(NativeRoute route, Func<string, NativeAnswer> then) =>
        IdPattern().IsMatch(route.Resource ?? string.Empty)
            ? then($"{route.Parent}/cachedContents/{route.Resource}")
            : NativeAnswer.Invalid($"Invalid resource name: the id \"{route.Resource}\" in {route.Parent}/cachedContents/{route.Resource} is not a valid CachedContent id (a decimal number).");

    private static NativeAnswer Missing(string name) => NativeAnswer.NotFound($"CachedContent {name} not found or has expired.");

    private NativeAnswer Create(NativeRoute route, JsonNode? body)
    {
        if (body is not JsonObject request) return NativeAnswer.Invalid("Invalid JSON payload received. Expected a CachedContent object.");
        if (NativeContent.UnknownMember(request, CreateFields) is { } unknown) return NativeAnswer.Invalid(unknown);

        var model = NativeContent.Str(request["model"]);
        if (string.IsNullOrEmpty(model)) return NativeAnswer.Invalid("model is required: projects/{project}/locations/{location}/publishers/google/models/{model}.");
        var m = ModelPattern().Match(model);
        if (!m.Success) return NativeAnswer.Invalid($"Invalid model name \"{model}\": use projects/{{project}}/locations/{{location}}/publishers/google/models/{{model}}.");
        if (m.Groups[2].Value != route.Location)
        {
            return NativeAnswer.Invalid($"The model's location {m.Groups[2].Value} differs from the cache's location {route.Location}.");
        }

        if (m.Groups[3].Value != "google" || !m.Groups[4].Value.StartsWith("gemini-", StringComparison.Ordinal) || m.Groups[4].Value.Contains("embedding", StringComparison.Ordinal))
        {
            return NativeAnswer.ModelNotFound(route with { Resource = m.Groups[4].Value });
        }

        if (NativeContent.ValidateContents(request["contents"], required: false) is { } contentsProblem) return NativeAnswer.Invalid(contentsProblem);
        var system = NativeContent.Member(request, "systemInstruction");
        if (system is not null && NativeContent.ValidateContent(system, "system_instruction", roleRequired: false) is { } systemProblem) return NativeAnswer.Invalid(systemProblem);
        if (NativeContent.ValidateTools(request["tools"]) is { } toolsProblem) return NativeAnswer.Invalid(toolsProblem);

        var displayName = NativeContent.Member(request, "displayName");
        if (displayName is not null && NativeContent.Str(displayName) is null) return NativeAnswer.Invalid("Invalid value at 'cached_content.display_name': expected a string.");

        // One reading of the clock for the whole request: createTime + ttl is exactly expireTime, as on Vertex.
        var now = store.Now;
        var expiry = Expiry(request, required: false, now + TimeSpan.FromMinutes(60), now);
        if (expiry.Problem is { } expiryProblem) return NativeAnswer.Invalid(expiryProblem);

        var tally = new TokenTally();
        NativeContent.Count(tally, request["contents"], system, request["tools"]);
        if (tally.Total < CacheStore.MinimumTokens)
        {
            return NativeAnswer.Invalid($"The cached content is of {tally.Total} tokens. The minimum token count to start caching is {CacheStore.MinimumTokens}.");
        }

        var entry = store.Add(route.Parent, model, NativeContent.Str(displayName), expiry.Time!.Value, tally, now);
        return NativeAnswer.Ok(entry.ToJson());
    }

    private NativeAnswer List(NativeRoute route, IQueryCollection query)
    {
        var all = store.List(route.Parent);
        if (Paging.TryPage(query, "cachedContents:" + route.Parent, defaultPageSize(), all, c => c.Sequence, out var page, out var next) is { } problem) return problem;
        return NativeAnswer.Ok(Paging.Response("cachedContents", page.Select(c => (JsonNode)c.ToJson()), next));
    }

    private NativeAnswer Patch(string name, IQueryCollection query, JsonNode? body)
    {
        if (body is not JsonObject request) return NativeAnswer.Invalid("Invalid JSON payload received. Expected a CachedContent object.");
        if (NativeContent.UnknownMember(request, CreateFields) is { } unknown) return NativeAnswer.Invalid(unknown);
        var mask = query.TryGetValue("updateMask", out var m) || query.TryGetValue("update_mask", out m) ? m.ToString() : string.Empty;
        if (mask.Length == 0) return NativeAnswer.Invalid("update_mask is required: ttl or expire_time.");
        var paths = mask.Split(',', StringSplitOptions.TrimEntries).Select(NativeContent.ToCamel).ToList();
        if (paths.Any(p => p is not ("ttl" or "expireTime")) || paths.Count != 1)
        {
            return NativeAnswer.Invalid($"Invalid update_mask \"{mask}\": only one of ttl or expire_time can be updated.");
        }

        var expiry = Expiry(request, required: true, null, store.Now);
        if (expiry.Problem is { } problem) return NativeAnswer.Invalid(problem);
        var given = request["ttl"] is not null ? "ttl" : "expireTime";
        if (given != paths[0]) return NativeAnswer.Invalid($"update_mask names {paths[0]} but the body sets {given}.");

        return store.SetExpiry(name, expiry.Time!.Value) is { } updated ? NativeAnswer.Ok(updated.ToJson()) : Missing(name);
    }

    private (DateTimeOffset? Time, string? Problem) Expiry(JsonObject request, bool required, DateTimeOffset? fallback, DateTimeOffset now)
    {
        var ttl = request["ttl"];
        var expire = NativeContent.Member(request, "expireTime");
        if (ttl is not null && expire is not null) return (null, "Only one of ttl and expire_time may be set (they are a oneof).");
        if (ttl is not null)
        {
            var text = NativeContent.Str(ttl);
            if (text is null || !DurationPattern().IsMatch(text)) return (null, $"Invalid value at 'cached_content.ttl' ({ttl.ToJsonString()}): a Duration such as \"3600s\".");
            var seconds = decimal.Parse(text[..^1], CultureInfo.InvariantCulture);
            if (seconds <= 0) return (null, $"ttl must be positive, got {text}.");
            return (now + TimeSpan.FromSeconds((double)seconds), null);
        }

        if (expire is not null)
        {
            var text = NativeContent.Str(expire);
            if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) || !text.Contains('T'))
            {
                return (null, $"Invalid value at 'cached_content.expire_time' ({expire.ToJsonString()}): an RFC 3339 timestamp such as \"2026-01-01T00:00:00Z\".");
            }

            if (at <= now) return (null, $"expire_time {text} is in the past.");
            return (at, null);
        }

        return required ? (null, "The body must set the field named in update_mask (ttl or expireTime).") : (fallback, null);
    }
}
