using System;

namespace VertexAI.Batch
{
    /// <summary>
    /// A chat request holds something the native <c>GenerateContentRequest</c> of a batch job cannot express. Thrown before
    /// anything is uploaded; <see cref="Field"/> names the chat request's member (e.g. <c>messages[2].name</c>).
    /// </summary>
    public sealed class NativeTranslationException : ArgumentException
    {
        /// <summary>Creates the exception.</summary>
        public NativeTranslationException(string field, string message) : base(message, field) => Field = field;

        /// <summary>The chat request's member that cannot be translated, as a JSON path.</summary>
        public string Field { get; }
    }
}
