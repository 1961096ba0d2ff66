using VertexAI.Media;
using Xunit;

namespace VertexAI.Core.Tests.Media;

public sealed class Base64LengthTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(70)]
    [InlineData(71)]
    [InlineData(1000)]
    public void Counts_the_decoded_bytes_padded_unpadded_and_wrapped(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var padded = Convert.ToBase64String(bytes);
        Assert.Equal(size, Base64Length.Decoded(padded));
        Assert.Equal(size, Base64Length.Decoded(padded.TrimEnd('=')));
        Assert.Equal(size, Base64Length.Decoded(Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks)));
    }

    [Fact]
    public void A_generated_image_and_its_audio_member_show_the_decoded_size()
    {
        var base64 = Convert.ToBase64String(new byte[70]);
        Assert.Equal("[image/png, 70 bytes]", new GeneratedMedia("image/png", base64).ToString());
        Assert.Equal(70, new GeneratedMedia("image/png", base64).Length);
        var audio = new AudioOutput { Data = base64, ExtraContent = new Dictionary<string, object?> { ["google"] = new Dictionary<string, object?> { ["mime_type"] = "image/png" } } };
        Assert.Equal("[image/png, 70 bytes]", audio.ToString());
    }
}
