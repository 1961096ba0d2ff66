using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Text.Json;
using VertexAI.Batch;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// A request's whole round trip on top of <see cref="GeminiClient"/>: checks the request before anything is sent,
    /// calls the API, and completes the result (thoughts separated from the answer, the conversation, the parsed
    /// structured output). The cmdlets call these; so can any other host of the core.
    /// </summary>
    public static class ChatCalls
    {
        /// <summary>
        /// Checks a request before it is sent: <c>reasoning_effort</c> never with a thinking config, and no recursive
        /// response schema. Throws <see cref="ArgumentException"/>.
        /// </summary>
        public static void Validate(ChatRequest request)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            ThinkingOptions.Validate(request);
            if (request.ResponseFormat?.Schema is { } schema)
            {
                JsonSchemas.EnsureSchemaShape(schema);
                JsonSchemas.EnsureNotRecursive(schema);
            }
            ValidateToolChoice(request);
        }

        // A tool_choice that names a function, or requires a call, needs that function among the request's tools.
        private static void ValidateToolChoice(ChatRequest request)
        {
            var choice = request.ToolChoice;
            if (choice is null || choice.Mode == "none" || choice.Mode == "auto") return;
            var names = new List<string>();
            foreach (var tool in request.Tools ?? new List<ToolDefinition>())
            {
                if (tool?.Function?.Name is { } name) names.Add(name);
            }
            if (names.Count == 0)
            {
                throw new ArgumentException(
                    $"-ToolChoice {(choice.Mode == "function" ? "'" + choice.FunctionName + "'" : choice.Mode)} needs the tools to choose from: give them with -Tool (New-GeminiTool).", "ToolChoice");
            }
            if (choice.Mode == "function" && !names.Contains(choice.FunctionName!))
            {
                throw new ArgumentException(
                    $"-ToolChoice '{choice.FunctionName}' names no given tool: the tools are {string.Join(", ", names)}.", "ToolChoice");
            }
        }

        /// <summary>Validates, sends and completes a request (see <see cref="Finish"/>).</summary>
        /// <param name="client">The client.</param>
        /// <param name="request">The request.</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <param name="bindResultType">See <see cref="StructuredOutput.Apply"/>: false leaves a typed answer as plain values.</param>
        public static async Task<ChatCompletion> CompleteAsync(GeminiClient client, ChatRequest request, CancellationToken cancellationToken = default, bool bindResultType = true)
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            Validate(request);
            request = GoogleOptions.ForEndpoint(request, client.Endpoint);
            var completion = await client.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
            Finish(request, completion, bindResultType);
            return completion;
        }

        /// <summary>
        /// Sends a prepared request for a journaled run and records its outcome before returning it: the response body as the
        /// server sent it, or the final error (after the client's retries). Nothing is recorded when the call is cancelled
        /// (the input did not finish), nor for failures that are not the API's (credentials, an invalid request).
        /// </summary>
        /// <param name="client">The client that prepared the request.</param>
        /// <param name="prepared">The request, serialized (<see cref="GeminiClient.Prepare"/>); its key is the entry's.</param>
        /// <param name="journal">The run's journal.</param>
        /// <param name="entry">The input's entry (<see cref="RunJournal.Claim"/>).</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <param name="bindResultType">See <see cref="StructuredOutput.Apply"/>.</param>
        public static async Task<ChatCompletion> CompleteAsync(GeminiClient client, PreparedRequest prepared, RunJournal journal, JournalEntry entry,
            CancellationToken cancellationToken = default, bool bindResultType = true)
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            if (prepared is null) throw new ArgumentNullException(nameof(prepared));
            if (journal is null) throw new ArgumentNullException(nameof(journal));
            if (entry is null) throw new ArgumentNullException(nameof(entry));
            ChatExchange exchange;
            try
            {
                exchange = await client.ExchangeAsync(prepared, cancellationToken).ConfigureAwait(false);
            }
            catch (GeminiApiException ex) when (!cancellationToken.IsCancellationRequested)
            {
                journal.AppendError(entry, ex);
                throw;
            }
            journal.AppendResult(entry, exchange.ResponseBody);
            Finish(prepared.Request, exchange.Completion, bindResultType);
            return exchange.Completion;
        }

        /// <summary>
        /// The completion a journal stored for a request, read with the same reader as a live answer and completed for the
        /// request (see <see cref="Finish"/>).
        /// </summary>
        /// <exception cref="ArgumentException">The record holds an error, not a result.</exception>
        public static ChatCompletion FromJournal(ChatRequest request, JournalRecord record, bool bindResultType = true)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (record?.ResultJson is null) throw new ArgumentException("The journal record holds no result.", nameof(record));
            ChatCompletion completion;
            using (var doc = JsonDocument.Parse(record.ResultJson))
            {
                completion = WireReader.ReadCompletion(doc.RootElement);
            }
            Finish(request, completion, bindResultType);
            return completion;
        }

        /// <summary>
        /// Validates and streams a request: each chunk gets its answer and thought text set (<see cref="StreamThoughtSplitter"/>)
        /// before <paramref name="onChunk"/> sees it; the assembled completion is completed (see <see cref="Finish"/>).
        /// </summary>
        /// <param name="client">The client.</param>
        /// <param name="request">The request.</param>
        /// <param name="onChunk">Sees each chunk (on a worker thread).</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <param name="bindResultType">See <see cref="StructuredOutput.Apply"/>: false leaves a typed answer as plain values.</param>
        public static async Task<ChatCompletion> StreamAsync(GeminiClient client, ChatRequest request, Action<ChatCompletionChunk> onChunk,
            CancellationToken cancellationToken = default, bool bindResultType = true)
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            if (onChunk is null) throw new ArgumentNullException(nameof(onChunk));
            Validate(request);
            request = GoogleOptions.ForEndpoint(request, client.Endpoint);
            var splitter = new StreamThoughtSplitter(ThinkingOptions.MarkerOf(request));
            // The only accumulator: the client folds each chunk into it before it yields the chunk here.
            var accumulator = new StreamAccumulator();
            var sawCalls = false;
            await foreach (var chunk in client.StreamChunksAsync(request, accumulator, cancellationToken).ConfigureAwait(false))
            {
                splitter.Apply(chunk);
                if (!sawCalls)
                {
                    foreach (var c in chunk.Choices) sawCalls |= c.Delta.ToolCalls is { Count: > 0 };
                }
                if (sawCalls) chunk.ToolCallsSoFar = accumulator.ToolCallsSoFar();
                onChunk(chunk);
            }
            var completion = accumulator.ToCompletion();
            Finish(request, completion, bindResultType);
            return completion;
        }

        /// <summary>
        /// Completes a completion for the request it answers: sets <see cref="ChatCompletion.ThoughtTagMarker"/>,
        /// <see cref="ChatCompletion.Conversation"/> (the request's messages and the reply) and, for a JSON response format,
        /// <see cref="ChatCompletion.Parsed"/> (or <see cref="ChatCompletion.ParseError"/>).
        /// </summary>
        /// <param name="request">The request the completion answers.</param>
        /// <param name="completion">The completion.</param>
        /// <param name="bindResultType">See <see cref="StructuredOutput.Apply"/>.</param>
        public static void Finish(ChatRequest request, ChatCompletion completion, bool bindResultType = true)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (completion is null) throw new ArgumentNullException(nameof(completion));
            completion.ThoughtTagMarker = ThinkingOptions.MarkerOf(request);
            var conversation = new List<ChatMessage>(request.Messages.Count + 1);
            conversation.AddRange(request.Messages);
            if (completion.Message is { } reply) conversation.Add(reply);
            completion.Conversation = conversation;
            StructuredOutput.Apply(request.ResponseFormat, completion, bindResultType);
        }
    }
}
