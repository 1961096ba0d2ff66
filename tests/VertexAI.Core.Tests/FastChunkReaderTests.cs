using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VertexAI;
using VertexAI.Emulator;
using VertexAI.Json;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>The streaming fast path (<see cref="WireReader.TryReadChunk"/>) must read every event exactly as the full reader does.</summary>
public class FastChunkReaderTests : IClassFixture<EmulatorFixture>
{
    private static readonly JsonSerializerOptions Dump = new() { WriteIndented = false };
    private readonly EmulatorFixture _f;

    public FastChunkReaderTests(EmulatorFixture f) => _f = f;

    private static string Full(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(WireReader.ReadChunk(doc.RootElement), Dump);
    }

    private async Task<List<string>> LiveEventsAsync(string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_f.Emulator.BaseUri, "v1/projects/p/locations/global/endpoints/openapi/chat/completions"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _f.Emulator.DefaultToken);
        var text = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        return text.Split("\n").Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => l.Substring(6)).ToList();
    }

    [Fact]
    public async Task Every_event_the_fast_path_accepts_reads_the_same_as_the_full_reader()
    {
        const string tools = """{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location","unit"]}}}""";
        var story = await LiveEventsAsync("""{"model":"google/m","stream":true,"messages":[{"role":"user","content":"tell me a story about a magic backpack"}]}""");
        var events = new List<string>(TranscriptData.StreamFunctionCallArgumentsEvents);
        events.AddRange(story);
        events.AddRange(await LiveEventsAsync("""{"model":"google/m","stream":true,"n":2,"messages":[{"role":"user","content":"two choices"}]}"""));
        events.AddRange(await LiveEventsAsync("""{"model":"google/gemini-3-pro-image-preview","stream":true,"modalities":["image"],"messages":[{"role":"user","content":"a cat"}]}"""));
        events.AddRange(await LiveEventsAsync("""{"model":"google/m","stream":true,"messages":[{"role":"user","content":"think"}],"extra_body":{"google":{"thinking_config":{"include_thoughts":true},"thought_tag_marker":"think"}}}"""));
        events.AddRange(await LiveEventsAsync("""{"model":"google/m","stream":true,"tools":[""" + tools + "," + tools.Replace("get_current_weather", "get_other") + """],"messages":[{"role":"user","content":"Boston"}],"extra_body":{"google":{"stream_function_call_arguments":true}}}"""));
        events.AddRange(new[]
        {
            """{"id":"x","choices":[{"index":0,"delta":{"content":"a","future":{"n":1.5,"list":[1,"two",null,false]}},"logprobs":{"content":[]},"future_choice":true}],"future_top":"kept","usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"completion_tokens_details":{"reasoning_tokens":4,"other":5},"prompt_tokens_details":{"cached_tokens":1},"extra_properties":{"google":{"traffic_type":"ON_DEMAND"}},"future_usage":9}}""",
            """{"id":null,"object":"chat.completion.chunk","created":1.0,"model":"m","choices":[]}""",
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":null,"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":\"\\u00e9\\n\"}"},"extra_content":{"google":{"thought_signature":"s"}}}]},"finish_reason":null}]}""",
            """{"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"part","extra_content":{"google":{"thought":true}}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"\ud83d\ude00 emoji and \"quotes\""}}]}""",
        });

        var fast = 0;
        foreach (var json in events)
        {
            if (WireReader.TryReadChunk(Encoding.UTF8.GetBytes(json), out var chunk))
            {
                fast++;
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Full(json)), JsonNode.Parse(JsonSerializer.Serialize(chunk, Dump))),
                    $"fast and full readers differ on {json}\nfull: {Full(json)}\nfast: {JsonSerializer.Serialize(chunk, Dump)}");
            }
        }
        // Plain text deltas, the bulk of any stream, must take the fast path (only the last event carries usage).
        Assert.True(story.Count > 5);
        Assert.All(story.Take(story.Count - 1), e => Assert.True(WireReader.TryReadChunk(Encoding.UTF8.GetBytes(e), out _), e));
        Assert.True(fast >= story.Count - 1);
    }

    [Fact]
    public void Malformed_or_unfamiliar_events_are_left_to_the_full_reader()
    {
        foreach (var json in new[] { "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}", "[1,2]", "{\"error\":{\"code\":500}}", "\"text\"" })
        {
            Assert.False(WireReader.TryReadChunk(Encoding.UTF8.GetBytes(json), out _), json);
        }
    }
}
