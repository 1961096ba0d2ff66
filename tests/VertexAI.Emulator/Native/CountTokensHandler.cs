// publishers.models.countTokens (cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/countTokens):
//   POST /{v}/{endpoint=projects/*/locations/*/publishers/*/models/*}:countTokens
//   body  {model?, instances[]?, contents[], systemInstruction?, tools[]?, generationConfig?}
//   reply {totalTokens, totalBillableCharacters, promptTokensDetails:[{modality, tokenCount}]}
// ModalityTokenCount.modality: TEXT, IMAGE, VIDEO, AUDIO, DOCUMENT. Counts here follow NativeContent's documented rule.
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

internal static class CountTokensHandler
{
    private static readonly string[] Fields = ["model", "instances", "contents", "systemInstruction", "tools", "generationConfig"];

    public static NativeAnswer Handle(NativeRoute route, JsonNode? body)
    {
        if (!route.Resource!.StartsWith("gemini-", StringComparison.Ordinal)) return NativeAnswer.ModelNotFound(route);
        if (body is not JsonObject request) return NativeAnswer.Invalid("Invalid JSON payload received. Expected a CountTokensRequest object.");
        if (NativeContent.UnknownMember(request, Fields) is { } unknown) return NativeAnswer.Invalid(unknown);
        if (NativeContent.ValidateContents(request["contents"], required: true) is { } problem) return NativeAnswer.Invalid(problem);
        var system = NativeContent.Member(request, "systemInstruction");
        if (system is not null && NativeContent.ValidateContent(system, "system_instruction", roleRequired: false) is { } systemProblem) return NativeAnswer.Invalid(systemProblem);
        if (NativeContent.ValidateTools(request["tools"]) is { } toolsProblem) return NativeAnswer.Invalid(toolsProblem);

        var tally = new TokenTally();
        NativeContent.Count(tally, request["contents"], system, request["tools"]);
        return NativeAnswer.Ok(new JsonObject
        {
            ["totalTokens"] = tally.Total,
            ["totalBillableCharacters"] = tally.BillableCharacters,
            ["promptTokensDetails"] = tally.Details(),
        });
    }
}
