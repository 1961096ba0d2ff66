using System.Text;
using VertexAI.Media;
using Xunit;

namespace VertexAI.Core.Tests.Media;

public class MediaTypesTests
{
    [Theory]
    [InlineData("cat.png", "image/png")]
    [InlineData("C:\\pics\\Cat.JPG", "image/jpeg")]
    [InlineData("/tmp/photo.jpeg", "image/jpeg")]
    [InlineData("a.webp", "image/webp")]
    [InlineData("a.heic", "image/heic")]
    [InlineData("talk.mp3", "audio/mp3")]
    [InlineData("talk.wav", "audio/wav")]
    [InlineData("talk.flac", "audio/flac")]
    [InlineData("clip.mp4", "video/mp4")]
    [InlineData("clip.mov", "video/mov")]
    [InlineData("paper.pdf", "application/pdf")]
    [InlineData("notes.txt", "text/plain")]
    [InlineData("gs://cloud-samples-data/generative-ai/image/scones.jpg", "image/jpeg")]
    [InlineData("https://example.com/audio/talk.mp3?alt=media&token=x.png#t=1", "audio/mp3")]
    public void Known_extensions_give_their_media_type(string name, string expected)
        => Assert.Equal(expected, MediaTypes.FromExtension(name));

    [Theory]
    [InlineData("README")]
    [InlineData("archive.xyz")]
    [InlineData("https://example.com/download?file=a.png")]
    [InlineData("dir.png/file")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_or_missing_extensions_give_null(string? name)
        => Assert.Null(MediaTypes.FromExtension(name));

    public static TheoryData<byte[], string> Signatures => new()
    {
        { new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D }, "image/png" },
        { new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "image/jpeg" },
        { Ascii("GIF89a\x01\0"), "image/gif" },
        { Ascii("RIFF\0\0\0\0WEBPVP8 "), "image/webp" },
        { Ascii("RIFF\0\0\0\0WAVEfmt "), "audio/wav" },
        { Ascii("RIFF\0\0\0\0AVI LIST"), "video/avi" },
        { Ascii("%PDF-1.7\n"), "application/pdf" },
        { Ascii("ID3\x04\0\0\0\0"), "audio/mp3" },
        { new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, "audio/mp3" },
        { new byte[] { 0xFF, 0xF1, 0x50, 0x80 }, "audio/aac" },
        { Ascii("OggS\0\x02"), "audio/ogg" },
        { Ascii("fLaC\0\0\0\x22"), "audio/flac" },
        { Ascii("FORM\0\0\0\0AIFFCOMM"), "audio/aiff" },
        { Ascii("\0\0\0\u0018ftypheic\0\0\0\0"), "image/heic" },
        { Ascii("\0\0\0\u0018ftypmif1\0\0\0\0"), "image/heif" },
        { Ascii("\0\0\0\u001cftypavif\0\0\0\0"), "image/avif" },
        { Ascii("\0\0\0\u0020ftypM4A \0\0\0\0"), "audio/m4a" },
        { Ascii("\0\0\0\u0014ftypqt  \0\0\0\0"), "video/mov" },
        { Ascii("\0\0\0\u0018ftyp3gp5\0\0\0\0"), "video/3gpp" },
        { Ascii("\0\0\0\u0020ftypisom\0\0\x02\0"), "video/mp4" },
        { new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F }, "video/webm" },
        { Ascii("II*\0\x08\0\0\0"), "image/tiff" },
        { Ascii("BM\x36\0\0\0\0\0"), "image/bmp" },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void File_signatures_are_recognised(byte[] header, string expected)
        => Assert.Equal(expected, MediaTypes.Sniff(header, header.Length));

    [Fact]
    public void Unrecognised_or_short_content_gives_null()
    {
        Assert.Null(MediaTypes.Sniff(Encoding.UTF8.GetBytes("hello world, plain text"), 23));
        Assert.Null(MediaTypes.Sniff(new byte[] { 0x89, 0x50, 0x4E }, 3));
        Assert.Null(MediaTypes.Sniff(Ascii("RIFF\0\0\0\0XXXX"), 12));
        Assert.Null(MediaTypes.Sniff(Array.Empty<byte>(), 0));
        // Only the valid bytes count: a PNG header whose tail is not valid is not a PNG.
        Assert.Null(MediaTypes.Sniff(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, 4));
    }

    [Fact]
    public void OfFile_prefers_the_extension_then_sniffs_the_content()
    {
        using var dir = new TempDir();
        var png = dir.Write("image-without-extension", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 });
        Assert.Equal("image/png", MediaTypes.OfFile(png));
        // The extension wins even when the content says otherwise (the user named the file).
        var named = dir.Write("really.jpg", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        Assert.Equal("image/jpeg", MediaTypes.OfFile(named));
    }

    [Fact]
    public void OfFile_names_the_file_when_the_type_cannot_be_told()
    {
        using var dir = new TempDir();
        var blob = dir.Write("blob.bin", Encoding.ASCII.GetBytes("nothing recognisable here"));
        var ex = Assert.Throws<ArgumentException>(() => MediaTypes.OfFile(blob));
        Assert.Contains(blob, ex.Message);
        Assert.Contains("known extension", ex.Message);
    }

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("IMAGE/JPEG", true)]
    [InlineData("audio/mp3", false)]
    [InlineData(null, false)]
    public void IsImage_checks_the_top_level_type(string? type, bool expected)
        => Assert.Equal(expected, MediaTypes.IsImage(type));

    private static byte[] Ascii(string s) => s.Select(c => (byte)c).ToArray();
}

/// <summary>A temporary directory removed at the end of a test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vertexai-media-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, byte[] bytes)
    {
        var full = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
