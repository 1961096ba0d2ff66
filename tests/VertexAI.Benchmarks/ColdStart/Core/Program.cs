// Cold start, core side: `dotnet VertexAI.Benchmarks.ColdCore.dll <baseUri> <token|--adc> <prompt>`.
// Loads VertexAI.Core, makes one non-streaming request, prints the answer: what a script that runs once pays.
using VertexAI;
using VertexAI.Auth;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: VertexAI.Benchmarks.ColdCore <baseUri> <token|--adc> <prompt>");
    return 2;
}

IAccessTokenSource tokens = args[1] == "--adc" ? GoogleCredentialTokenSource.ApplicationDefault : new StaticTokenSource(args[1]);
var endpoint = VertexEndpoint.Resolve(
    new EndpointSettings { Project = "bench-project", Location = "us-central1", BaseUri = new Uri(args[0]), Model = "gemini-2.0-flash-001" },
    _ => null);
var client = new GeminiClient(new GeminiClientOptions { Endpoint = endpoint, TokenSource = tokens });
var completion = await client.CompleteAsync(new ChatRequest { Messages = { new ChatMessage("user", args[2]) } });
Console.WriteLine(completion.Content);
return 0;
