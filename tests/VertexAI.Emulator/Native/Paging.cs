using System.Text;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// AIP-158 paging: <c>pageSize</c> (negative is an error, above the maximum is coerced, zero or absent means the
/// service default) and an opaque <c>pageToken</c> from the previous <c>nextPageToken</c>, valid only for the same list.
/// The token is a cursor (the key of the last item given), so items deleted while a client pages on (a listing piped
/// into a delete) do not shift or break later pages.
/// </summary>
internal static class Paging
{
    public const int MaximumPageSize = 1000;

    /// <summary>Cuts one page from <paramref name="items"/>, or returns the error to answer with.</summary>
    public static NativeAnswer? TryPage<T>(IQueryCollection query, string listKey, int defaultPageSize, IReadOnlyList<T> items,
        Func<T, long> key, out IReadOnlyList<T> page, out string? nextPageToken)
    {
        page = [];
        nextPageToken = null;
        var size = defaultPageSize;
        if (query.TryGetValue("pageSize", out var sizeText) || query.TryGetValue("page_size", out sizeText))
        {
            if (!int.TryParse(sizeText.ToString(), out size))
            {
                return NativeAnswer.Invalid($"Invalid value at 'page_size' (TYPE_INT32), \"{sizeText}\"");
            }

            if (size < 0) return NativeAnswer.Invalid("page_size must not be negative.");
            if (size == 0) size = defaultPageSize;
            size = Math.Min(size, MaximumPageSize);
        }

        long cursor = long.MinValue;
        var token = query.TryGetValue("pageToken", out var t) || query.TryGetValue("page_token", out t) ? t.ToString() : string.Empty;
        if (token.Length > 0)
        {
            // The token names the list it belongs to, so a token from another list (or made up) is refused.
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            }
            catch (FormatException)
            {
                decoded = string.Empty;
            }

            var bar = decoded.LastIndexOf('|');
            if (bar < 0 || decoded[..bar] != listKey || !long.TryParse(decoded[(bar + 1)..], out cursor))
            {
                return NativeAnswer.Invalid("Invalid page token.");
            }
        }

        // Items come in ascending key order.
        var rest = items.Where(i => key(i) > cursor).ToList();
        page = rest.Take(size).ToList();
        if (rest.Count > size)
        {
            nextPageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{listKey}|{key(page[^1])}"));
        }

        return null;
    }

    /// <summary><c>{"{member}":[...],"nextPageToken":"..."}</c>; an empty page is <c>{}</c>, as proto3 JSON omits empty lists.</summary>
    public static JsonObject Response(string member, IEnumerable<JsonNode> items, string? nextPageToken)
    {
        var array = new JsonArray(items.ToArray());
        var json = new JsonObject();
        if (array.Count > 0) json[member] = array;
        if (nextPageToken is not null) json["nextPageToken"] = nextPageToken;
        return json;
    }
}
