using System;

namespace VertexAI
{
    /// <summary>
    /// A chat request serialized once, as <see cref="GeminiClient"/> sends it (model id with its publisher prefix, the
    /// stream flag): the body bytes, and their key (<see cref="Batch.RequestKey"/>). What is hashed is what is sent.
    /// </summary>
    public sealed class PreparedRequest
    {
        internal PreparedRequest(ChatRequest request, byte[] body, string? model, bool stream)
        {
            Request = request;
            Body = body;
            Model = model;
            Stream = stream;
        }

        private string? _key;

        /// <summary>The request it was made from.</summary>
        public ChatRequest Request { get; }

        /// <summary>The UTF-8 JSON body sent.</summary>
        public byte[] Body { get; }

        /// <summary>The model id as sent (e.g. <c>google/gemini-2.5-flash</c>).</summary>
        public string? Model { get; }

        /// <summary>Whether the body asks for a stream.</summary>
        public bool Stream { get; }

        /// <summary>The SHA-256 of <see cref="Body"/>, lowercase hex. Hashed on first use: only a journaled run needs it,
        /// and every plain call goes through a prepared request.</summary>
        public string Key => _key ??= Batch.RequestKey.Of(Body);
    }

    /// <summary>A completion together with the response body it was read from.</summary>
    public sealed class ChatExchange
    {
        internal ChatExchange(ChatCompletion completion, byte[] responseBody)
        {
            Completion = completion ?? throw new ArgumentNullException(nameof(completion));
            ResponseBody = responseBody ?? throw new ArgumentNullException(nameof(responseBody));
        }

        /// <summary>The completion, as <see cref="GeminiClient.CompleteAsync"/> returns it.</summary>
        public ChatCompletion Completion { get; }

        /// <summary>The response body as the server sent it (UTF-8 JSON).</summary>
        public byte[] ResponseBody { get; }
    }
}
