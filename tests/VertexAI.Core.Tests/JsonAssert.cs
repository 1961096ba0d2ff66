using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>Compares JSON by meaning (member order ignored), showing both sides on failure.</summary>
internal static class JsonAssert
{
    public static void Equivalent(string expected, string actual)
        => Equivalent(JsonNode.Parse(expected), JsonNode.Parse(actual));

    public static void Equivalent(string expected, JsonNode? actual)
        => Equivalent(JsonNode.Parse(expected), actual);

    public static void Equivalent(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"JSON differs.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");
        }
    }
}
