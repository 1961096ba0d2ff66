using System.Management.Automation;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Streams a Gemini answer: writes each chunk to the pipeline the moment it arrives.</para>
    /// <para>Takes the same parameters and pipeline input as Invoke-GeminiChat. -TextOnly writes the
    /// chunks' non-empty text instead of the chunk objects. Each chunk carries the prompt it answers in an Input note
    /// property; an answer cut at the token limit or blocked ends with a warning that says so.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GeminiStream")]
    [OutputType(typeof(ChatCompletionChunk), typeof(string))]
    public sealed class GetGeminiStreamCommand : GeminiChatCommandBase
    {
        /// <summary>Writes each chunk's answer text (when it has any; thoughts are left out) instead of the chunk objects.</summary>
        [Parameter]
        public SwitchParameter TextOnly { get; set; }

        /// <inheritdoc/>
        protected override void Execute(GeminiClient client, ChatRequest request, object? target)
        {
            var textOnly = TextOnly.IsPresent;
            var input = CurrentPrompt;
            var completion = Call(token => ChatCalls.StreamAsync(client, request, chunk =>
            {
                if (!textOnly)
                {
                    // Tagged with the prompt it answers, as Invoke-GeminiChat tags completions: several streams can be told apart.
                    var output = PSObject.AsPSObject(chunk);
                    if (input is not null) output.Properties.Add(new PSNoteProperty("Input", input));
                    PostObject(output);
                    return;
                }
                var text = chunk.AnswerText;
                if (!string.IsNullOrEmpty(text)) PostObject(text);
            }, token), target);
            // -TextOnly writes only answer text to the pipeline: a grounded answer's sources go to the host, as Write-Host
            // would (6> redirects them). Chunk objects carry them on the chunk that brought them (its Grounding).
            if (textOnly && completion?.Grounding is { Sources.Count: > 0 } grounding)
            {
                WriteInformation(new HostInformationMessage { Message = grounding.ToDisplayText() }, new[] { "PSHOST" });
            }
            WarnAboutEnding(completion);
        }
    }
}
