using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class RequestLogTests : EmulatorTestBase
{
    [Fact]
    public async Task Chat_requests_are_recorded_with_headers_body_and_parsed_json()
    {
        var body = UserRequest("Record me").ToJsonString();
        var message = ChatMessage(body, path: ManagedPath + "?alt=sse");
        message.Headers.Add("X-Goog-User-Project", "quota-project");
        var before = DateTimeOffset.UtcNow;
        using var response = await Http.SendAsync(message);

        var recorded = Assert.Single(Emulator.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/" + ManagedPath, recorded.Path);
        Assert.Equal("?alt=sse", recorded.QueryString);
        Assert.Equal(body, recorded.Body);
        Assert.Equal("Record me", recorded.Json!["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("quota-project", recorded.Headers["x-goog-user-project"]);
        Assert.Equal("Bearer " + Emulator.DefaultToken, recorded.Headers["AUTHORIZATION"]);
        Assert.InRange(recorded.ReceivedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(200, recorded.ResponseStatus);
    }

    [Fact]
    public async Task Invalid_json_is_recorded_with_null_json_and_the_raw_body()
    {
        using var response = await PostChatAsync("{not json");
        var recorded = Assert.Single(Emulator.ChatRequests);
        Assert.Null(recorded.Json);
        Assert.Equal("{not json", recorded.Body);
        Assert.Equal(400, recorded.ResponseStatus);
    }

    [Fact]
    public async Task Requests_keep_arrival_order_and_kinds_and_ClearLog_empties_them()
    {
        using (await PostChatAsync(UserRequest("first"))) { }
        using (await Http.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "x" }))) { }
        using (await Http.GetAsync("computeMetadata/v1/instance/service-accounts/default/token")) { }
        using (await Http.GetAsync("elsewhere")) { }
        using (await PostChatAsync(UserRequest("second"))) { }

        Assert.Equal(["chat", "token", "metadata", "other", "chat"], Emulator.Requests.Select(r => r.Kind));
        Assert.Equal(["first", "second"], Emulator.ChatRequests.Select(r => r.Json!["messages"]![0]!["content"]!.GetValue<string>()));
        Assert.Null(Emulator.Requests[1].Json);
        Assert.Equal("grant_type=x", Emulator.Requests[1].Body);

        Emulator.ClearLog();
        Assert.Empty(Emulator.Requests);
        Assert.Empty(Emulator.ChatRequests);
    }

    [Fact]
    public async Task Snapshots_do_not_change_when_more_requests_arrive()
    {
        using (await PostChatAsync(UserRequest("one"))) { }
        var snapshot = Emulator.Requests;
        using (await PostChatAsync(UserRequest("two"))) { }
        Assert.Single(snapshot);
        Assert.Equal(2, Emulator.Requests.Count);
    }

    [Fact]
    public async Task Concurrent_requests_are_all_recorded()
    {
        var tasks = Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await PostChatAsync(UserRequest("n" + i));
            Assert.Equal(200, (int)response.StatusCode);
        });
        await Task.WhenAll(tasks);
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => "n" + i).Order(),
            Emulator.ChatRequests.Select(r => r.Json!["messages"]![0]!["content"]!.GetValue<string>()).Order());
    }
}
