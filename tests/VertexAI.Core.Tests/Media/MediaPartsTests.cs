using System.Text;
using VertexAI.Json;
using VertexAI.Media;
using Xunit;

namespace VertexAI.Core.Tests.Media;

public class MediaPartsTests
{
    private static readonly byte[] PngBytes = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52 };

    [Theory]
    [InlineData("gs://bucket/a.png", MediaReferenceKind.CloudStorage)]
    [InlineData("GS://bucket/a.png", MediaReferenceKind.CloudStorage)]
    [InlineData("https://example.com/a.png", MediaReferenceKind.Https)]
    [InlineData("http://example.com/a.png", MediaReferenceKind.Http)]
    [InlineData("data:image/png;base64,AAAA", MediaReferenceKind.Data)]
    [InlineData("file:///tmp/a.png", MediaReferenceKind.FileUri)]
    [InlineData("ftp://example.com/a.png", MediaReferenceKind.UnsupportedUri)]
    [InlineData("s3://bucket/a.png", MediaReferenceKind.UnsupportedUri)]
    [InlineData("a.png", MediaReferenceKind.LocalPath)]
    [InlineData("./pics/a.png", MediaReferenceKind.LocalPath)]
    [InlineData("C:\\pics\\a.png", MediaReferenceKind.LocalPath)]
    [InlineData("C:/pics/a.png", MediaReferenceKind.LocalPath)]
    [InlineData("~/a.png", MediaReferenceKind.LocalPath)]
    [InlineData("\\\\server\\share\\a.png", MediaReferenceKind.LocalPath)]
    public void References_are_classified_by_prefix(string value, MediaReferenceKind expected)
        => Assert.Equal(expected, MediaReference.Classify(value));

    [Theory]
    [InlineData("gs://cloud-samples-data/generative-ai/image/scones.jpg")]
    [InlineData("https://storage.googleapis.com/cloud-samples-data/generative-ai/image/scones.jpg")]
    [InlineData("data:image/png;base64,iVBORw0KGgo=")]
    [InlineData("data:application/pdf;base64,JVBERi0=")]
    public void Image_uris_pass_through_unchanged(string uri)
    {
        var part = MediaParts.Image(uri, _ => throw new InvalidOperationException("no local path should be resolved"));
        Assert.Equal("image_url", part.Type);
        Assert.Equal(uri, part.ImageUrl);
        // Written as the bare string Vertex's samples use.
        Assert.Equal($"{{\"type\":\"image_url\",\"image_url\":\"{uri}\"}}", Serialize(part));
    }

    [Fact]
    public void A_local_image_becomes_a_base64_data_uri_resolved_through_the_callback()
    {
        using var dir = new TempDir();
        dir.Write("cat.png", PngBytes);
        var asked = new List<string>();
        var part = MediaParts.Image("cat.png", p => { asked.Add(p); return Path.Combine(dir.Path, p); });
        Assert.Equal(new[] { "cat.png" }, asked);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(PngBytes), part.ImageUrl);
    }

    [Fact]
    public void A_local_file_without_extension_is_typed_by_its_content()
    {
        using var dir = new TempDir();
        var path = dir.Write("screenshot", PngBytes);
        var part = MediaParts.Image(path);
        Assert.StartsWith("data:image/png;base64,", part.ImageUrl);
    }

    [Fact]
    public void A_file_uri_is_read_as_a_local_path()
    {
        using var dir = new TempDir();
        var path = dir.Write("cat.png", PngBytes);
        var part = MediaParts.Image(new Uri(path).AbsoluteUri, _ => throw new InvalidOperationException("file: URIs need no resolution"));
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(PngBytes), part.ImageUrl);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException_naming_the_resolved_path()
    {
        using var dir = new TempDir();
        var full = Path.Combine(dir.Path, "missing.png");
        var ex = Assert.Throws<FileNotFoundException>(() => MediaParts.Image("missing.png", _ => full));
        Assert.Equal(full, ex.FileName);
        Assert.Contains("missing.png", ex.Message);
        Assert.Contains("does not exist", ex.Message);

        var audio = Assert.Throws<FileNotFoundException>(() => MediaParts.Audio("missing.mp3", p => Path.Combine(dir.Path, p)));
        Assert.Equal(Path.Combine(dir.Path, "missing.mp3"), audio.FileName);
    }

    [Fact]
    public void A_directory_is_not_a_file()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<FileNotFoundException>(() => MediaParts.Image(dir.Path));
        Assert.Contains("directory", ex.Message);
    }

    [Theory]
    [InlineData("http://example.com/a.png", "https://")]
    [InlineData("HTTP://example.com/a.png", "https://")]
    [InlineData("ftp://example.com/a.png", "scheme")]
    public void Plain_http_and_other_schemes_are_refused(string uri, string hint)
    {
        var image = Assert.Throws<ArgumentException>(() => MediaParts.Image(uri));
        Assert.Contains(hint, image.Message);
        var audio = Assert.Throws<ArgumentException>(() => MediaParts.Audio(uri));
        Assert.Contains(hint, audio.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_reference_is_refused(string value)
        => Assert.Throws<ArgumentException>(() => MediaParts.Image(value));

    [Theory]
    [InlineData("gs://cloud-samples-data/generative-ai/audio/pixel.mp3", "audio/mp3")]
    [InlineData("https://example.com/talks/keynote.wav?x=1", "audio/wav")]
    [InlineData("gs://bucket/video/clip.mp4", "video/mp4")]
    [InlineData("gs://bucket/docs/paper.pdf", "application/pdf")]
    public void Audio_uris_pass_through_as_data_with_the_format_from_the_extension(string uri, string format)
    {
        var part = MediaParts.Audio(uri);
        Assert.Equal("input_audio", part.Type);
        Assert.Equal(uri, part.AudioData);
        Assert.Equal(format, part.AudioFormat);
        Assert.Equal($"{{\"type\":\"input_audio\",\"input_audio\":{{\"data\":\"{uri}\",\"format\":\"{format}\"}}}}", Serialize(part));
    }

    [Fact]
    public void An_audio_uri_without_a_known_extension_is_refused_with_advice()
    {
        var ex = Assert.Throws<ArgumentException>(() => MediaParts.Audio("https://example.com/stream?id=3"));
        Assert.Contains("media type", ex.Message);
        Assert.Contains("local path", ex.Message);
    }

    [Fact]
    public void An_audio_data_uri_is_split_into_format_and_base64()
    {
        var part = MediaParts.Audio("data:audio/wav;base64,UklGRg==");
        Assert.Equal("audio/wav", part.AudioFormat);
        Assert.Equal("UklGRg==", part.AudioData);
    }

    [Theory]
    [InlineData("data:audio/wav,plain")]
    [InlineData("data:;base64,AAAA")]
    [InlineData("data:nothing")]
    public void Malformed_or_non_base64_data_uris_are_refused_for_audio(string uri)
        => Assert.Throws<ArgumentException>(() => MediaParts.Audio(uri));

    [Fact]
    public void A_local_audio_file_is_base64_without_a_data_prefix_and_its_type_as_format()
    {
        using var dir = new TempDir();
        var bytes = Encoding.ASCII.GetBytes("ID3\x04\0\0\0\0\0\0 fake mp3 frames");
        dir.Write("meeting.mp3", bytes);
        var part = MediaParts.Audio("meeting.mp3", p => Path.Combine(dir.Path, p));
        Assert.Equal(Convert.ToBase64String(bytes), part.AudioData);
        Assert.Equal("audio/mp3", part.AudioFormat);
        Assert.DoesNotContain("data:", part.AudioData);
    }

    [Fact]
    public void ReadLocal_reports_path_type_and_size()
    {
        using var dir = new TempDir();
        var path = dir.Write("paper.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 tiny"));
        var media = MediaParts.ReadLocal(path);
        Assert.Equal(path, media.Path);
        Assert.Equal("application/pdf", media.MediaType);
        Assert.Equal(13, media.Length);
        Assert.Equal(Convert.ToBase64String(Encoding.ASCII.GetBytes("%PDF-1.4 tiny")), media.Base64);
    }

    private static string Serialize(ContentPart part)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            WireWriter.WritePart(writer, part);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
