using System.Text.Json.Nodes;
using VertexAI.Json;
using VertexAI.Media;
using Xunit;

namespace VertexAI.Core.Tests.Media;

public sealed class FilePartsTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly byte[] PngBytes = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52 };
    private readonly EmulatorFixture _f;
    private readonly string _dir = Directory.CreateTempSubdirectory("vertexai-files-").FullName;

    public FilePartsTests(EmulatorFixture f) => _f = f;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_local_image_becomes_an_image_url_data_uri()
    {
        var part = MediaParts.File(Write("a.png", PngBytes));
        Assert.Equal("image_url", part.Type);
        Assert.StartsWith("data:image/png;base64,", part.ImageUrl);
    }

    [Theory]
    [InlineData("a.pdf", "application/pdf")]
    [InlineData("a.mp4", "video/mp4")]
    [InlineData("a.mp3", "audio/mp3")]
    public void Other_local_files_become_input_audio_with_their_media_type(string name, string type)
    {
        var part = MediaParts.File(Write(name, [1, 2, 3]));
        Assert.Equal("input_audio", part.Type);
        Assert.Equal(type, part.AudioFormat);
        Assert.Equal("AQID", part.AudioData);
    }

    [Theory]
    [InlineData("gs://b/movie.mp4", "input_audio", "video/mp4")]
    [InlineData("https://example.com/doc.pdf", "input_audio", "application/pdf")]
    [InlineData("gs://b/pic.jpg", "image_url", null)]
    public void Uris_pass_through_with_their_kind(string uri, string type, string? format)
    {
        var part = MediaParts.File(uri, null, _ => throw new InvalidOperationException("no local read"));
        Assert.Equal(type, part.Type);
        Assert.Equal(format, part.AudioFormat);
        Assert.Equal(uri, type == "image_url" ? part.ImageUrl : part.AudioData);
    }

    [Fact]
    public void The_media_type_can_be_given()
    {
        var part = MediaParts.File(Write("data.bin", [9, 9, 9]), "text/plain");
        Assert.Equal("text/plain", part.AudioFormat);
        var image = MediaParts.File("gs://b/object", "image/webp");
        Assert.Equal("image_url", image.Type);
    }

    [Fact]
    public void An_unknown_type_suggests_MediaType()
    {
        var ex = Assert.Throws<ArgumentException>(() => MediaParts.File(Write("data.xyz", [9, 9, 9, 9])));
        Assert.Contains("-MediaType", ex.Message);
        Assert.Contains("-MediaType", Assert.Throws<ArgumentException>(() => MediaParts.File("gs://b/noext")).Message);
    }

    [Fact]
    public void A_missing_file_is_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => MediaParts.File(Path.Combine(_dir, "missing.png")));
    }

    [Fact]
    public void A_file_over_the_inline_limit_is_refused_naming_the_limit_and_gs()
    {
        var path = Path.Combine(_dir, "big.mp4");
        using (var fs = File.Create(path)) fs.SetLength(MediaParts.MaxInlineBytes + 1);
        var ex = Assert.Throws<ArgumentException>(() => MediaParts.File(path));
        Assert.Contains("20 MB", ex.Message);
        Assert.Contains("gs://", ex.Message);
    }

    [Fact]
    public async Task A_multimodal_function_response_matches_the_documented_request()
    {
        var tool = new ChatMessage("tool", "{\"image_ref\":{\"$ref\":\"dress.jpg\"}}")
        {
            ToolCallId = "function-call-a350228d-0283-4792-8bfa-40da064fb959",
            ExtraContent = ExtraContent.SetGoogle(null, "parts", new object?[] { MediaParts.FileData("gs://cloud-samples-data/generative-ai/image/dress.jpg", "image/jpg", "dress.jpg") }),
        };
        var json = PlainJson.Serialize(tool.ExtraContent);
        JsonAssert.Equivalent(
            """{"google":{"parts":[{"file_data":{"mime_type":"image/jpg","display_name":"dress.jpg","file_uri":"gs://cloud-samples-data/generative-ai/image/dress.jpg"}}]}}""",
            json);
        var defaulted = MediaParts.FileData("gs://b/dir/shirt.png");
        JsonAssert.Equivalent("""{"file_data":{"mime_type":"image/png","display_name":"shirt.png","file_uri":"gs://b/dir/shirt.png"}}""", PlainJson.Serialize(defaulted));
        Assert.Throws<ArgumentException>(() => MediaParts.FileData("./local.png"));

        _f.Emulator.ClearLog();
        // A function response answers the call that asked for it.
        var call = new ChatMessage
        {
            Role = "assistant",
            ToolCalls = new() { new ToolCall { Id = tool.ToolCallId, Type = "function", Function = new FunctionCall { Name = "get_image", Arguments = "{\"item_name\":\"green shirt\"}" } } },
        };
        var request = new ChatRequest { Messages = { new ChatMessage("user", "Show me the green shirt"), call, tool } };
        await ChatCalls.CompleteAsync(_f.Client(), request);
        var sent = Assert.Single(_f.Emulator.ChatRequests).Json!["messages"]![2]!;
        JsonAssert.Equivalent(JsonNode.Parse(json), sent["extra_content"]);
    }
}
