using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests;

public class ErrorParserTests
{
    [Fact]
    public void Object_and_array_bodies_give_the_same_fields()
    {
        const string inner = """{"error":{"code":429,"message":"Resource exhausted, please try again later.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED"}]}}""";
        foreach (var body in new[] { inner, "[" + inner + "]" })
        {
            var ex = GoogleErrorParser.FromResponse(429, body, "req-1");
            Assert.Equal(429, ex.HttpStatus);
            Assert.Equal("RESOURCE_EXHAUSTED", ex.Status);
            Assert.Equal("Resource exhausted, please try again later.", ex.ErrorMessage);
            Assert.Equal("RATE_LIMIT_EXCEEDED", ex.Reason);
            Assert.Equal("req-1", ex.RequestId);
            Assert.True(ex.IsTransient);
            Assert.Contains("429 RESOURCE_EXHAUSTED", ex.Message);
            Assert.Contains("Resource exhausted", ex.Message);
            Assert.Contains("req-1", ex.Message);
        }
    }

    [Fact]
    public void Html_error_pages_are_described_not_dumped()
    {
        var ex = GoogleErrorParser.FromResponse(502, "<html><head><title>502 Bad Gateway</title></head><body>" + new string('x', 5000) + "</body></html>", null, "text/html");
        Assert.Contains("HTML page", ex.Message);
        Assert.Contains("502 Bad Gateway", ex.Message);
        Assert.True(ex.Message.Length < 400);
        Assert.Null(ex.Status);
    }

    [Fact]
    public void OAuth_errors_are_read_too()
    {
        var ex = GoogleErrorParser.FromResponse(400, """{"error":"invalid_grant","error_description":"Invalid JWT Signature."}""", null);
        Assert.Equal("invalid_grant", ex.Status);
        Assert.Equal("Invalid JWT Signature.", ex.ErrorMessage);
        Assert.False(ex.IsTransient);
    }
}
