using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests.Chat;

public class MediaOutputTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _f;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vertexai-media-" + Guid.NewGuid().ToString("N"));

    public MediaOutputTests(EmulatorFixture f) => _f = f;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_generated_image_comes_with_its_bytes_and_media_type()
    {
        _f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("Generate an image of a cat.");
        request.Modalities = ["image"];
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request);
        Assert.Equal("[\"image\"]", Assert.Single(_f.Emulator.ChatRequests).Json!["modalities"]!.ToJsonString());
        var image = Assert.Single(completion.Images);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(".png", image.Extension);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image.GetBytes().Take(4));
    }

    [Fact]
    public void Data_uri_image_parts_and_audio_parts_count_too()
    {
        var message = new ChatMessage
        {
            Role = "assistant",
            Parts =
            [
                ContentPart.FromText("here"),
                ContentPart.FromImageUrl("data:image/jpeg;base64,AQID"),
                ContentPart.FromImageUrl("https://example.com/x.png"),
                ContentPart.FromInputAudio("BAUG", "audio/wav"),
            ],
        };
        var media = GeneratedMedia.FromMessage(message);
        Assert.Equal(["image/jpeg", "audio/wav"], media.Select(m => m.MediaType));
        Assert.Equal(new byte[] { 1, 2, 3 }, media[0].GetBytes());
        Assert.Equal(".jpg", media[0].Extension);
    }

    [Fact]
    public void Several_items_get_numbered_names_and_existing_files_need_force()
    {
        var media = new List<GeneratedMedia> { new("image/png", "AQID"), new("image/png", "BAUG") };
        var paths = GeneratedMedia.PlanFiles(media, Path.Combine(_dir, "cat.png"), null, "x");
        Assert.Equal([Path.Combine(_dir, "cat-1.png"), Path.Combine(_dir, "cat-2.png")], paths);
        GeneratedMedia.Save(media, paths, force: false);
        Assert.Equal(new byte[] { 4, 5, 6 }, File.ReadAllBytes(paths[1]));
        var ex = Assert.Throws<IOException>(() => GeneratedMedia.Save(media, paths, force: false));
        Assert.Contains("-Force", ex.Message);
        GeneratedMedia.Save(media, paths, force: true);

        var one = GeneratedMedia.PlanFiles([media[0]], null, _dir, "resp/id");
        Assert.Equal(Path.Combine(_dir, "resp_id.png"), Assert.Single(one));
        Assert.Equal(Path.Combine(_dir, "noext.png"), Assert.Single(GeneratedMedia.PlanFiles([media[0]], Path.Combine(_dir, "noext"), null, "x")));
    }
}
