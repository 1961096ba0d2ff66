// Cold start, baseline side: `dotnet VertexAI.Benchmarks.ColdBaseline.dll <baseUri> <token> <prompt>` makes one request
// with the hand-written baseline client and prints the answer; `--noop` exits at once (the runtime's own start-up).
using VertexAI.Benchmarks.Baseline;

if (args is ["--noop"])
{
    return 0;
}

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: VertexAI.Benchmarks.ColdBaseline <baseUri> <token> <prompt> | --noop");
    return 2;
}

var client = new BaselineClient(BaselineClient.CreateHttpClient(), new Uri(args[0]), "bench-project", "us-central1", "google/gemini-2.0-flash-001", args[1]);
Console.WriteLine(await client.CompleteAsync(args[2]));
return 0;
