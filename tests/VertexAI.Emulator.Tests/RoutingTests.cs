using System.Net.Sockets;
using System.Net;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class RoutingTests : EmulatorTestBase
{
    [Theory]
    [InlineData("v1", "us-central1", "openapi", true)]
    [InlineData("v1beta1", "global", "openapi", true)]
    [InlineData("v1", "europe-west4", "1234567890", false)]
    [InlineData("v1beta1", "global", "my-endpoint", false)]
    public async Task Chat_routes_answer_for_both_versions_and_both_endpoint_kinds(string version, string location, string endpoint, bool managed)
    {
        var body = UserRequest("Hello");
        if (!managed)
        {
            body.Remove("model");
        }

        var path = $"{version}/projects/proj-1/locations/{location}/endpoints/{endpoint}/chat/completions";
        var reply = await PostChatForJsonAsync(body, path: path);

        Assert.Equal(managed ? Model : $"self-deployed/{endpoint}", reply["model"]!.GetValue<string>());
        var recorded = Assert.Single(Emulator.ChatRequests);
        Assert.Equal(version, recorded.ApiVersion);
        Assert.Equal("proj-1", recorded.Project);
        Assert.Equal(location, recorded.Location);
        Assert.Equal(endpoint, recorded.EndpointId);
        Assert.Equal(managed, recorded.IsManaged);
        Assert.Equal("chat", recorded.Kind);
        Assert.Equal(200, recorded.ResponseStatus);
    }

    [Theory]
    [InlineData("v2/projects/p/locations/l/endpoints/openapi/chat/completions")]
    [InlineData("v1/projects/p/locations/l/endpoints/openapi/completions")]
    [InlineData("nothing/here")]
    public async Task Unknown_paths_get_a_Google_shaped_404(string path)
    {
        using var response = await PostChatAsync(UserRequest("Hi"), path: path);
        await AssertGoogleErrorAsync(response, 404, "NOT_FOUND");
        Assert.Empty(Emulator.ChatRequests);
        Assert.Equal(404, Assert.Single(Emulator.Requests).ResponseStatus);
    }

    [Fact]
    public async Task Get_on_a_chat_path_is_not_found()
    {
        using var response = await Http.GetAsync(ManagedPath);
        await AssertGoogleErrorAsync(response, 404, "NOT_FOUND");
    }

    [Fact]
    public void Base_uri_is_loopback_and_ends_with_a_slash()
    {
        Assert.Equal("127.0.0.1", Emulator.BaseUri.Host);
        Assert.EndsWith("/", Emulator.BaseUri.ToString());
        Assert.Equal(new Uri(Emulator.BaseUri, "token"), Emulator.TokenUri);
        Assert.Equal(
            new Uri(Emulator.BaseUri, "computeMetadata/v1/instance/service-accounts/default/token"),
            Emulator.MetadataTokenUri);
    }

    [Fact]
    public async Task The_server_does_not_listen_on_other_interfaces()
    {
        // IPv6 loopback would answer if Kestrel bound [::] or "localhost"; other addresses if it bound 0.0.0.0.
        var probes = Dns.GetHostAddresses(Dns.GetHostName())
            .Where(a => !IPAddress.IsLoopback(a))
            .Prepend(IPAddress.IPv6Loopback)
            .ToList();
        foreach (var address in probes)
        {
            using var client = new TcpClient(address.AddressFamily);
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, Emulator.BaseUri.Port));
        }

        using var loopback = new TcpClient();
        await loopback.ConnectAsync(IPAddress.Loopback, Emulator.BaseUri.Port);
    }

    [Fact]
    public async Task Two_emulators_get_different_ports()
    {
        await using var second = await VertexEmulator.StartAsync();
        Assert.NotEqual(Emulator.BaseUri.Port, second.BaseUri.Port);
    }
}
