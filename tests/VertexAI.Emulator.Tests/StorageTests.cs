using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

/// <summary>The Cloud Storage JSON API routes: media and resumable uploads, list, download, errors.</summary>
public sealed class StorageTests : EmulatorTestBase
{
    private HttpRequestMessage Authorized(HttpMethod method, string uri, HttpContent? content = null, string? token = "default")
    {
        var message = new HttpRequestMessage(method, uri) { Content = content };
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token == "default" ? Emulator.DefaultToken : token);
        }

        return message;
    }

    [Fact]
    public async Task A_media_upload_stores_the_body_and_answers_with_the_object_resource()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"a\":1}\n{\"b\":2}\n"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        using var response = await Http.SendAsync(Authorized(HttpMethod.Post, "upload/storage/v1/b/my-bucket/o?uploadType=media&name=in%2Frequests.jsonl", content));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        var resource = JsonNode.Parse(text)!;
        Assert.Equal("storage#object", (string?)resource["kind"]);
        Assert.Equal("in/requests.jsonl", (string?)resource["name"]);
        Assert.Equal("my-bucket", (string?)resource["bucket"]);
        Assert.Equal("16", (string?)resource["size"]); // int64 as a string, as the JSON API sends it
        Assert.Equal("application/jsonl", (string?)resource["contentType"]);
        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", Emulator.Storage.GetText("my-bucket", "in/requests.jsonl"));

        using var download = await Http.SendAsync(Authorized(HttpMethod.Get, "storage/v1/b/my-bucket/o/in%2Frequests.jsonl?alt=media"));
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", await download.Content.ReadAsStringAsync());

        using var metadata = await Http.SendAsync(Authorized(HttpMethod.Get, "storage/v1/b/my-bucket/o/in%2Frequests.jsonl"));
        Assert.Equal("in/requests.jsonl", (string?)JsonNode.Parse(await metadata.Content.ReadAsStringAsync())!["name"]);
    }

    [Fact]
    public async Task A_resumable_upload_takes_256_KiB_chunks_answering_308_with_the_range_until_the_last()
    {
        using var start = await Http.SendAsync(Authorized(HttpMethod.Post, "upload/storage/v1/b/b1/o?uploadType=resumable&name=big.jsonl",
            new StringContent("{}", Encoding.UTF8, "application/json")));
        Assert.Equal(200, (int)start.StatusCode);
        var session = start.Headers.Location!;
        Assert.Contains("upload_id=", session.Query);

        var first = new byte[262144];
        Array.Fill(first, (byte)'a');
        var second = Encoding.ASCII.GetBytes("tail");
        using (var chunk = await Http.SendAsync(Put(session, first, "bytes 0-262143/*")))
        {
            Assert.Equal(308, (int)chunk.StatusCode);
            Assert.Equal("bytes=0-262143", chunk.Headers.GetValues("Range").Single());
        }

        using (var status = await Http.SendAsync(Put(session, [], "bytes */*")))
        {
            Assert.Equal(308, (int)status.StatusCode);
            Assert.Equal("bytes=0-262143", status.Headers.GetValues("Range").Single());
        }

        using (var last = await Http.SendAsync(Put(session, second, "bytes 262144-262147/262148")))
        {
            Assert.Equal(200, (int)last.StatusCode);
            Assert.Equal("262148", (string?)JsonNode.Parse(await last.Content.ReadAsStringAsync())!["size"]);
        }

        var stored = Emulator.Storage.GetText("b1", "big.jsonl")!;
        Assert.Equal(262148, stored.Length);
        Assert.EndsWith("aatail", stored);
    }

    [Fact]
    public async Task A_resumable_chunk_that_is_not_a_multiple_of_256_KiB_or_skips_bytes_is_refused()
    {
        using var start = await Http.SendAsync(Authorized(HttpMethod.Post, "upload/storage/v1/b/b1/o?uploadType=resumable&name=x", new ByteArrayContent([])));
        var session = start.Headers.Location!;
        using (var odd = await Http.SendAsync(Put(session, new byte[1000], "bytes 0-999/*")))
        {
            Assert.Equal(400, (int)odd.StatusCode);
            Assert.Contains("multiple of 262144", await odd.Content.ReadAsStringAsync());
        }

        using (var gap = await Http.SendAsync(Put(session, new byte[10], "bytes 5-14/15")))
        {
            Assert.Equal(400, (int)gap.StatusCode);
        }

        Assert.Null(Emulator.Storage.GetText("b1", "x"));
    }

    [Fact]
    public async Task Listing_filters_by_prefix_pages_with_nextPageToken_and_leaves_items_out_when_empty()
    {
        Emulator.Storage.PutText("b2", "out/a.jsonl", "1");
        Emulator.Storage.PutText("b2", "out/b.jsonl", "2");
        Emulator.Storage.PutText("b2", "out/c.jsonl", "3");
        Emulator.Storage.PutText("b2", "other/d.jsonl", "4");

        var page1 = await GetJsonAsync("storage/v1/b/b2/o?prefix=out%2F&maxResults=2");
        Assert.Equal("storage#objects", (string?)page1["kind"]);
        Assert.Equal(["out/a.jsonl", "out/b.jsonl"], page1["items"]!.AsArray().Select(i => (string)i!["name"]!).ToArray());
        var token = (string)page1["nextPageToken"]!;

        var page2 = await GetJsonAsync($"storage/v1/b/b2/o?prefix=out%2F&maxResults=2&pageToken={Uri.EscapeDataString(token)}");
        Assert.Equal(["out/c.jsonl"], page2["items"]!.AsArray().Select(i => (string)i!["name"]!).ToArray());
        Assert.Null(page2["nextPageToken"]);

        var none = await GetJsonAsync("storage/v1/b/b2/o?prefix=nothing");
        Assert.Null(none["items"]);
    }

    [Fact]
    public async Task A_missing_object_is_404_and_a_missing_token_401_in_the_JSON_API_error_shape()
    {
        using var missing = await Http.SendAsync(Authorized(HttpMethod.Get, "storage/v1/b/b3/o/nope?alt=media"));
        Assert.Equal(404, (int)missing.StatusCode);
        var error = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(404, (int)error["code"]!);
        Assert.Equal("No such object: b3/nope", (string?)error["message"]);
        Assert.Equal("notFound", (string?)error["errors"]![0]!["reason"]);

        using var anonymous = await Http.SendAsync(Authorized(HttpMethod.Get, "storage/v1/b/b3/o", token: null));
        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Equal("authError", (string?)JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["error"]!["errors"]![0]!["reason"]);

        using var unknown = await Http.SendAsync(Authorized(HttpMethod.Post, "upload/storage/v1/b/b3/o?uploadType=media&name=x", new ByteArrayContent([1]), token: "not-issued"));
        Assert.Equal(401, (int)unknown.StatusCode);
        Assert.Null(Emulator.Storage.GetText("b3", "x"));
    }

    private HttpRequestMessage Put(Uri session, byte[] body, string contentRange)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        return Authorized(HttpMethod.Put, session.ToString(), content);
    }

    private async Task<JsonNode> GetJsonAsync(string uri)
    {
        using var response = await Http.SendAsync(Authorized(HttpMethod.Get, uri));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task A_queued_fault_answers_the_next_request_in_the_JSON_API_shape_then_the_routes_work_again()
    {
        using (var control = Authorized(HttpMethod.Post, "_emulator/storage-faults", new StringContent("{\"status\":503,\"count\":1}")))
        {
            Assert.Equal(204, (int)(await Http.SendAsync(control)).StatusCode);
        }

        using (var failed = await Http.SendAsync(Authorized(HttpMethod.Post, "upload/storage/v1/b/f/o?uploadType=media&name=x", new ByteArrayContent([1]))))
        {
            Assert.Equal(503, (int)failed.StatusCode);
            Assert.Equal("backendError", (string?)JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["error"]!["errors"]![0]!["reason"]);
        }

        Assert.Null(Emulator.Storage.GetText("f", "x"));
        using var ok = await Http.SendAsync(Authorized(HttpMethod.Post, "upload/storage/v1/b/f/o?uploadType=media&name=x", new ByteArrayContent([65])));
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal("A", Emulator.Storage.GetText("f", "x"));
    }
}
