using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Native;

namespace VertexAI
{
    /// <summary>
    /// Token counts before sending (publishers.models.countTokens, cloud.google.com/vertex-ai/docs/reference/rest/v1/
    /// projects.locations.publishers.models/countTokens): POST <c>{contents, systemInstruction, tools}</c> →
    /// <c>{totalTokens, totalBillableCharacters, promptTokensDetails}</c>. Counting is free and outside the inference quota.
    /// </summary>
    public sealed class TokenCalls
    {
        private readonly VertexRestClient _client;
        private readonly VertexEndpoint _endpoint;

        /// <summary>Creates the calls on a client (its endpoint gives project, location and API version).</summary>
        public TokenCalls(VertexRestClient client)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _endpoint = client.Endpoint;
        }

        /// <summary>Counts the tokens of messages (system messages as the system instruction) and tools for a model.</summary>
        public async Task<TokenCount> CountAsync(string model, IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition>? tools = null, CancellationToken cancellationToken = default)
        {
            if (messages is null) throw new ArgumentNullException(nameof(messages));
            if (!messages.Any(m => m is not null && !NativeContentWriter.IsSystem(m)))
            {
                // countTokens needs contents; a lone system instruction is counted as the text it is.
                throw new ArgumentException("Nothing to count: give a prompt, messages or files (a system instruction alone is not a prompt).", "Message");
            }
            var id = NativeUris.BareModelId(model);
            var body = NativeJson.Object(w =>
            {
                NativeContentWriter.WriteContents(w, messages);
                NativeContentWriter.WriteSystemInstruction(w, messages);
                NativeContentWriter.WriteTools(w, tools);
            });
            using var doc = await _client.SendAsync(HttpMethod.Post, NativeUris.ModelMethod(_endpoint, id, "countTokens"), body, $"count tokens with {id}", cancellationToken).ConfigureAwait(false);
            return TokenCount.FromJson(doc.RootElement, id);
        }
    }
}
