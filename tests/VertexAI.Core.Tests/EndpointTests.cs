using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests;

public class EndpointTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    [Theory]
    [InlineData("us-central1", "v1", null, "https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1/endpoints/openapi/chat/completions")]
    [InlineData("global", "v1", null, "https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/endpoints/openapi/chat/completions")]
    [InlineData("global", "v1beta1", null, "https://aiplatform.googleapis.com/v1beta1/projects/my-proj/locations/global/endpoints/openapi/chat/completions")]
    [InlineData("europe-west4", "v1beta1", "1234567890", "https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/my-proj/locations/europe-west4/endpoints/1234567890/chat/completions")]
    [InlineData("global", "v1beta1", "987", "https://aiplatform.googleapis.com/v1beta1/projects/my-proj/locations/global/endpoints/987/chat/completions")]
    public void Builds_the_documented_urls(string location, string version, string? endpoint, string expected)
    {
        var e = VertexEndpoint.Resolve(new EndpointSettings { Project = "my-proj", Location = location, ApiVersion = version, EndpointId = endpoint }, NoEnv);
        Assert.Equal(expected, e.ChatCompletionsUri.AbsoluteUri);
        Assert.Equal(endpoint is null, e.IsManaged);
    }

    [Fact]
    public void Version_defaults_to_v1_and_model_gets_the_google_prefix_on_the_managed_endpoint()
    {
        var e = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "us-central1", Model = "gemini-2.0-flash-001" }, NoEnv);
        Assert.Equal("v1", e.ApiVersion);
        Assert.Equal("google/gemini-2.0-flash-001", e.Model);
        var other = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "us-central1", Model = "meta/llama-3.1-405b" }, NoEnv);
        Assert.Equal("meta/llama-3.1-405b", other.Model);
        var fallback = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "us-central1" }, NoEnv);
        Assert.Equal("google/" + VertexEndpoint.DefaultModel, fallback.Model);
    }

    [Fact]
    public void Self_deployed_endpoint_sends_no_model_unless_given_and_never_prefixes_it()
    {
        var e = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "us-central1", EndpointId = "42" }, NoEnv);
        Assert.Null(e.Model);
        var m = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "us-central1", EndpointId = "42", Model = "gemma-2-9b-it" }, NoEnv);
        Assert.Equal("gemma-2-9b-it", m.Model);
    }

    [Fact]
    public void Explicit_values_win_over_the_environment_which_fills_what_is_missing()
    {
        // Session defaults (Set-GeminiContext) are folded into the explicit values by the cmdlets before this runs.
        var env = new Dictionary<string, string?> { ["GOOGLE_CLOUD_PROJECT"] = "env-project", ["GOOGLE_CLOUD_LOCATION"] = "asia-northeast1" };
        Func<string, string?> read = k => env.TryGetValue(k, out var v) ? v : null;

        Assert.Equal("explicit-project", VertexEndpoint.Resolve(new EndpointSettings { Project = "explicit-project" }, read).Project);
        var fromEnvironment = VertexEndpoint.Resolve(new EndpointSettings(), read);
        Assert.Equal("env-project", fromEnvironment.Project);
        Assert.Equal("asia-northeast1", fromEnvironment.Location);
        Assert.Equal("env-project", VertexEndpoint.Resolve(null, read).Project);
    }

    [Fact]
    public void Missing_project_and_location_are_named_in_the_error()
    {
        var both = Assert.Throws<ArgumentException>(() => VertexEndpoint.Resolve(new EndpointSettings(), NoEnv));
        Assert.Contains("-Project", both.Message);
        Assert.Contains("GOOGLE_CLOUD_PROJECT", both.Message);
        Assert.Contains("-Location", both.Message);
        var location = Assert.Throws<ArgumentException>(() => VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456" }, NoEnv));
        Assert.DoesNotContain("-Project", location.Message);
        Assert.Contains("GOOGLE_CLOUD_LOCATION", location.Message);
        Assert.Equal("Location", location.ParamName);
    }

    [Theory]
    [InlineData("Project", "My Project")]
    [InlineData("Location", "us central1")]
    [InlineData("ApiVersion", "v2")]
    [InlineData("Endpoint", "ep/../x")]
    [InlineData("Model", "gemini 2.5")]
    public void Malformed_values_are_rejected_naming_the_parameter(string param, string value)
    {
        var s = new EndpointSettings { Project = "p-123456", Location = "us-central1" };
        switch (param)
        {
            case "Project": s.Project = value; break;
            case "Location": s.Location = value; break;
            case "ApiVersion": s.ApiVersion = value; break;
            case "Endpoint": s.EndpointId = value; break;
            case "Model": s.Model = value; break;
        }
        var ex = Assert.Throws<ArgumentException>(() => VertexEndpoint.Resolve(s, NoEnv));
        Assert.Equal(param, ex.ParamName);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000/", true)]
    [InlineData("http://127.8.9.10/", true)]
    [InlineData("https://proxy.example.com/", true)]
    [InlineData("http://10.0.0.5/", false)]
    [InlineData("http://aiplatform.googleapis.com/", false)]
    [InlineData("ftp://127.0.0.1/", false)]
    public void Plain_http_is_allowed_only_to_loopback(string uri, bool allowed)
    {
        var s = new EndpointSettings { Project = "p-123456", Location = "us-central1", BaseUri = new Uri(uri) };
        if (allowed)
        {
            var e = VertexEndpoint.Resolve(s, NoEnv);
            Assert.StartsWith(uri.TrimEnd('/') + "/v1/projects/p-123456/locations/us-central1/endpoints/openapi/chat/completions", e.ChatCompletionsUri.AbsoluteUri);
        }
        else
        {
            var ex = Assert.Throws<ArgumentException>(() => VertexEndpoint.Resolve(s, NoEnv));
            Assert.Equal("BaseUri", ex.ParamName);
        }
    }

    [Fact]
    public void ModelIdFor_gives_a_bare_id_Googles_prefix_on_the_managed_endpoint_only()
    {
        var managed = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "us-central1", Model = "gemini-2.0-flash-001" }, NoEnv);
        Assert.Equal("google/gemini-2.5-pro", managed.ModelIdFor("gemini-2.5-pro"));
        Assert.Equal("meta/llama-3.1-405b", managed.ModelIdFor("meta/llama-3.1-405b"));
        Assert.Equal("google/gemini-2.0-flash-001", managed.ModelIdFor(null));

        var deployed = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "us-central1", EndpointId = "42" }, NoEnv);
        Assert.Null(deployed.ModelIdFor(null));
        Assert.Equal("gemma-2-9b-it", deployed.ModelIdFor("gemma-2-9b-it"));
    }

    [Theory]
    [InlineData("us-central1", null, "v1", "https://us-central1-aiplatform.googleapis.com/v1/projects/p-1/locations/us-central1/cachedContents")]
    [InlineData("global", null, "v1beta1", "https://aiplatform.googleapis.com/v1beta1/projects/p-1/locations/global/cachedContents")]
    [InlineData("europe-west4", "http://127.0.0.1:8123/", "v1", "http://127.0.0.1:8123/v1/projects/p-1/locations/europe-west4/cachedContents")]
    [InlineData("us-east5", "https://gateway.example.com/vertex/", "v1", "https://gateway.example.com/vertex/v1/projects/p-1/locations/us-east5/cachedContents")]
    public void Native_routes_hang_under_the_same_service_root_version_project_and_location(string location, string? baseUri, string version, string expected)
    {
        var e = VertexEndpoint.Resolve(new EndpointSettings
        {
            Project = "p-1", Location = location, ApiVersion = version, BaseUri = baseUri is null ? null : new Uri(baseUri),
        }, _ => null);
        Assert.Equal(expected, e.LocationUri("cachedContents").AbsoluteUri);
        Assert.Equal($"projects/p-1/locations/{location}", e.LocationName);
    }

    [Fact]
    public void Project_less_routes_keep_the_version_and_a_query()
    {
        var e = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-1", Location = "us-central1", ApiVersion = "v1beta1" }, _ => null);
        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1beta1/publishers/google/models?pageSize=100",
            e.ApiUri("publishers/google/models?pageSize=100").AbsoluteUri);
        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p-1/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens",
            e.LocationUri("publishers/google/models/gemini-2.5-flash:countTokens").AbsoluteUri);
    }

    [Theory]
    [InlineData("gemini-2.5-flash", "publishers/google/models/gemini-2.5-flash")]
    [InlineData("google/gemini-embedding-001", "publishers/google/models/gemini-embedding-001")]
    [InlineData("anthropic/claude-x", "publishers/anthropic/models/claude-x")]
    [InlineData("publishers/google/models/gemini-2.5-pro", "publishers/google/models/gemini-2.5-pro")]
    [InlineData("projects/p/locations/l/publishers/google/models/m", "projects/p/locations/l/publishers/google/models/m")]
    public void Native_model_names_take_the_publisher_form(string model, string expected)
        => Assert.Equal(expected, VertexEndpoint.PublisherModelName(model));

    [Theory]
    [InlineData("")]
    [InlineData("bad model")]
    public void A_malformed_native_model_name_is_refused(string model)
        => Assert.Equal("Model", Assert.Throws<ArgumentException>(() => VertexEndpoint.PublisherModelName(model)).ParamName);
}
