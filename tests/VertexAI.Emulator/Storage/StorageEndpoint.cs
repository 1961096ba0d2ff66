using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace VertexAI.Emulator;

/// <summary>
/// The Cloud Storage JSON API routes the module uses, shaped as Google documents them
/// (https://cloud.google.com/storage/docs/json_api/v1/objects and "Perform resumable uploads"):
/// <list type="bullet">
/// <item><c>POST /upload/storage/v1/b/{bucket}/o?uploadType=media&amp;name=N</c>: the body is the object; 200 with its resource.</item>
/// <item><c>POST /upload/storage/v1/b/{bucket}/o?uploadType=resumable&amp;name=N</c> (optional JSON metadata body,
/// <c>X-Upload-Content-Type</c>): 200 with the session URI in <c>Location</c>.</item>
/// <item><c>PUT</c> on the session URI with <c>Content-Range: bytes F-L/T</c> (<c>T</c> or <c>*</c>): 308 with
/// <c>Range: bytes=0-L</c> until the last chunk, then 200 with the object resource. Chunks before the last must be a
/// multiple of 256 KiB and start where the previous one ended; <c>bytes */T</c> asks for the status (or, with T
/// bytes received, completes the upload).</item>
/// <item><c>GET /storage/v1/b/{bucket}/o?prefix=P&amp;maxResults=N&amp;pageToken=T</c>: <c>storage#objects</c>
/// (<c>items</c> left out when there are none; <c>nextPageToken</c> when more).</item>
/// <item><c>GET /storage/v1/b/{bucket}/o/{object}</c>: the resource; with <c>alt=media</c> the bytes (also under
/// <c>/download/storage/v1/...</c>, the resource's <c>mediaLink</c>).</item>
/// </list>
/// <see cref="ObjectStore.EnqueueFault"/> (control route <c>POST /_emulator/storage-faults</c>) makes the next requests fail.
/// Errors use the JSON API's envelope: <c>{"error":{"code","message","errors":[{"message","domain","reason"}]}}</c>.
/// </summary>
internal sealed class StorageEndpoint(BearerCheck auth, ObjectStore store)
{
    /// <summary>Cloud Storage's resumable chunk granularity: 256 KiB.</summary>
    public const int ChunkGranularity = 256 * 1024;

    public static bool Handles(string path) =>
        path.StartsWith("/upload/storage/v1/b/", StringComparison.Ordinal)
        || path.StartsWith("/storage/v1/b/", StringComparison.Ordinal)
        || path.StartsWith("/download/storage/v1/b/", StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context, CancellationToken cancellation)
    {
        // The raw target keeps %2F in object names (the decoded path would turn them into segments).
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var q = raw.IndexOf('?');
        var rawPath = q < 0 ? raw : raw[..q];
        var segments = rawPath.Split('/');
        var query = context.Request.Query;

        if (auth.Check(context) != TokenState.Valid)
        {
            await ErrorAsync(context, 401, "Invalid Credentials", "authError",
                new JsonObject { ["locationType"] = "header", ["location"] = "Authorization" });
            return;
        }

        if (store.TryTakeFault(context.Request.Method, out var fault))
        {
            // A scripted failure (the body is not read: a retried chunk must be sent again whole).
            await ErrorAsync(context, fault, fault == 503 ? "Backend Error" : fault == 429 ? "The rate of change requests to the object is too high." : "Scripted failure",
                fault == 503 ? "backendError" : fault == 429 ? "rateLimitExceeded" : "scripted");
            return;
        }

        // "", [upload|download,] "storage", "v1", "b", bucket, "o", [object]
        var offset = segments[1] is "upload" or "download" ? 1 : 0;
        if (segments.Length < 6 + offset || segments[1 + offset] != "storage" || segments[2 + offset] != "v1" || segments[3 + offset] != "b"
            || segments[5 + offset] != "o" || segments[4 + offset].Length == 0)
        {
            await ErrorAsync(context, 404, "Not Found", "notFound");
            return;
        }

        var bucket = Uri.UnescapeDataString(segments[4 + offset]);
        var objectName = segments.Length > 6 + offset ? Uri.UnescapeDataString(string.Join("/", segments[(6 + offset)..])) : null;
        var method = context.Request.Method;

        if (segments[1] == "upload" && objectName is null)
        {
            if (HttpMethods.IsPost(method))
            {
                await UploadAsync(context, bucket, cancellation);
                return;
            }

            if (HttpMethods.IsPut(method) && query["upload_id"].ToString() is { Length: > 0 } id)
            {
                await ResumeAsync(context, id, cancellation);
                return;
            }
        }
        else if (HttpMethods.IsGet(method) && objectName is null && segments[1] != "download")
        {
            await ListAsync(context, bucket);
            return;
        }
        else if (HttpMethods.IsGet(method) && objectName is not null)
        {
            await GetAsync(context, bucket, objectName, segments[1] == "download" || query["alt"] == "media");
            return;
        }

        await ErrorAsync(context, 404, "Not Found", "notFound");
    }

    private async Task UploadAsync(HttpContext context, string bucket, CancellationToken cancellation)
    {
        var query = context.Request.Query;
        var uploadType = query["uploadType"].ToString();
        var body = await ReadAllAsync(context, cancellation);
        switch (uploadType)
        {
            case "media":
            {
                var name = query["name"].ToString();
                if (name.Length == 0)
                {
                    await ErrorAsync(context, 400, "Required parameter: name", "required");
                    return;
                }

                var contentType = context.Request.ContentType ?? "application/octet-stream";
                await JsonReply.WriteAsync(context, 200, Resource(store.Put(bucket, name, body, contentType), context));
                return;
            }
            case "resumable":
            {
                // The name comes from the query or the metadata body (the query wins, as documented).
                JsonObject? metadata = null;
                if (body.Length > 0)
                {
                    try
                    {
                        metadata = JsonNode.Parse(body) as JsonObject;
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        await ErrorAsync(context, 400, "Metadata part is not valid JSON.", "parseError");
                        return;
                    }
                }

                var name = query["name"].ToString() is { Length: > 0 } n ? n : metadata?["name"]?.GetValue<string>() ?? string.Empty;
                if (name.Length == 0)
                {
                    await ErrorAsync(context, 400, "Required parameter: name", "required");
                    return;
                }

                var type = context.Request.Headers["X-Upload-Content-Type"].ToString() is { Length: > 0 } t ? t
                    : metadata?["contentType"]?.GetValue<string>() ?? "application/octet-stream";
                var session = store.StartSession(bucket, name, type);
                var request = context.Request;
                context.Response.Headers.Location =
                    $"{request.Scheme}://{request.Host}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&name={Uri.EscapeDataString(name)}&upload_id={session.Id}";
                context.Response.StatusCode = 200;
                context.Response.ContentLength = 0;
                return;
            }
            default:
                await ErrorAsync(context, 400, $"Invalid upload type: '{uploadType}'. Use media, multipart or resumable.", "invalidParameter");
                return;
        }
    }

    private async Task ResumeAsync(HttpContext context, string id, CancellationToken cancellation)
    {
        var session = store.Session(id);
        if (session is null)
        {
            await ErrorAsync(context, 404, "No such upload session.", "notFound");
            return;
        }

        var body = await ReadAllAsync(context, cancellation);
        var range = context.Request.Headers.ContentRange.ToString();
        if (!TryParseContentRange(range, out var first, out var last, out var total))
        {
            await ErrorAsync(context, 400, $"Invalid Content-Range header: '{range}'.", "invalid");
            return;
        }

        string? problem = null;
        StoredObject? completed = null;
        long receivedNow;
        lock (session.Gate)
        {
            var received = session.Received.Length;
            if (first is long f)
            {
                var final = total is long t && last!.Value + 1 == t;
                if (f != received)
                {
                    // Google rejects a chunk that does not continue where the stored bytes end.
                    problem = $"The chunk starts at byte {f}, but {received} bytes were received so far.";
                }
                else if (last!.Value - f + 1 != body.Length)
                {
                    problem = $"Content-Range covers {last.Value - f + 1} bytes, the body has {body.Length}.";
                }
                else if (!final && body.Length % ChunkGranularity != 0)
                {
                    problem = $"Every chunk but the last must be a multiple of {ChunkGranularity} bytes; this one has {body.Length}.";
                }
                else
                {
                    session.Received.Write(body);
                }
            }
            else if (body.Length != 0)
            {
                problem = "A status query (bytes */T) has no body.";
            }

            if (problem is null && total is long size)
            {
                if (session.Received.Length == size)
                {
                    store.EndSession(id);
                    completed = store.Put(session.Bucket, session.Name, session.Received.ToArray(), session.ContentType);
                }
                else if (session.Received.Length > size)
                {
                    problem = $"{session.Received.Length} bytes received, more than the declared {size}.";
                }
            }

            receivedNow = session.Received.Length;
        }

        if (problem is not null)
        {
            await ErrorAsync(context, 400, problem, "invalid");
            return;
        }

        if (completed is not null)
        {
            await JsonReply.WriteAsync(context, 200, Resource(completed, context));
            return;
        }

        context.Response.StatusCode = 308;
        if (receivedNow > 0)
        {
            context.Response.Headers.Range = $"bytes=0-{receivedNow - 1}";
        }

        context.Response.ContentLength = 0;
    }

    private async Task ListAsync(HttpContext context, string bucket)
    {
        var query = context.Request.Query;
        var prefix = query["prefix"].ToString();
        var max = int.TryParse(query["maxResults"], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0 ? Math.Min(m, 1000) : 1000;
        var after = query["pageToken"].ToString() is { Length: > 0 } token ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : null;
        var all = store.List(bucket, prefix).Where(o => after is null || string.CompareOrdinal(o.Name, after) > 0).ToList();
        var page = all.Take(max).ToList();
        var result = new JsonObject { ["kind"] = "storage#objects" };
        if (all.Count > page.Count)
        {
            result["nextPageToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Name));
        }

        if (page.Count > 0)
        {
            result["items"] = new JsonArray(page.Select(o => (JsonNode)Resource(o, context)).ToArray());
        }

        await JsonReply.WriteAsync(context, 200, result);
    }

    private async Task GetAsync(HttpContext context, string bucket, string name, bool media)
    {
        if (store.Get(bucket, name) is not { } stored)
        {
            await ErrorAsync(context, 404, $"No such object: {bucket}/{name}", "notFound");
            return;
        }

        if (!media)
        {
            await JsonReply.WriteAsync(context, 200, Resource(stored, context));
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = stored.ContentType;
        context.Response.ContentLength = stored.Data.Length;
        context.Response.Headers["x-goog-generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture);
        await context.Response.Body.WriteAsync(stored.Data, context.RequestAborted);
    }

    /// <summary>The <c>storage#object</c> resource.</summary>
    private static JsonObject Resource(StoredObject o, HttpContext context)
    {
        var root = $"{context.Request.Scheme}://{context.Request.Host}";
        var escaped = Uri.EscapeDataString(o.Name);
        var generation = o.Generation.ToString(CultureInfo.InvariantCulture);
        var time = o.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["kind"] = "storage#object",
            ["id"] = $"{o.Bucket}/{o.Name}/{generation}",
            ["selfLink"] = $"{root}/storage/v1/b/{o.Bucket}/o/{escaped}",
            ["mediaLink"] = $"{root}/download/storage/v1/b/{o.Bucket}/o/{escaped}?generation={generation}&alt=media",
            ["name"] = o.Name,
            ["bucket"] = o.Bucket,
            ["generation"] = generation,
            ["metageneration"] = "1",
            ["contentType"] = o.ContentType,
            ["storageClass"] = "STANDARD",
            ["size"] = o.Data.Length.ToString(CultureInfo.InvariantCulture),
            ["md5Hash"] = Convert.ToBase64String(MD5.HashData(o.Data)),
            ["etag"] = Convert.ToBase64String(BitConverter.GetBytes(o.Generation)),
            ["timeCreated"] = time,
            ["updated"] = time,
            ["timeStorageClassUpdated"] = time,
        };
    }

    // "bytes 0-99/200", "bytes 0-99/*", "bytes */200", "bytes */*".
    private static bool TryParseContentRange(string header, out long? first, out long? last, out long? total)
    {
        first = last = total = null;
        if (!header.StartsWith("bytes ", StringComparison.Ordinal))
        {
            return false;
        }

        var spec = header[6..];
        var slash = spec.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var range = spec[..slash];
        var size = spec[(slash + 1)..];
        if (size != "*")
        {
            if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                return false;
            }

            total = t;
        }

        if (range == "*")
        {
            return true;
        }

        var dash = range.IndexOf('-');
        if (dash < 0 || !long.TryParse(range[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var f)
            || !long.TryParse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l < f)
        {
            return false;
        }

        first = f;
        last = l;
        return true;
    }

    private static async Task<byte[]> ReadAllAsync(HttpContext context, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellation);
        return buffer.ToArray();
    }

    /// <summary>The JSON API's error envelope (it has <c>errors[]</c> and no <c>status</c>, unlike Vertex's).</summary>
    public static Task ErrorAsync(HttpContext context, int code, string message, string reason, JsonObject? extra = null)
    {
        var item = new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = reason };
        if (extra is not null)
        {
            foreach (var (key, value) in extra.ToList())
            {
                extra.Remove(key);
                item[key] = value;
            }
        }

        if (code == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\"";
        }

        return JsonReply.WriteAsync(context, code, new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["errors"] = new JsonArray(item) },
        });
    }
}
