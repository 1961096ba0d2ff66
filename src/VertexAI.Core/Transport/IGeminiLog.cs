namespace VertexAI
{
    /// <summary>
    /// Receives what the client does, for <c>-Verbose</c> and <c>-Debug</c>. Called from any thread; messages never
    /// contain a token.
    /// </summary>
    public interface IGeminiLog
    {
        /// <summary>What happens: the URL, model, status, timing, retries.</summary>
        void Verbose(string message);

        /// <summary>Finer detail: sizes, headers that matter, stream progress.</summary>
        void Debug(string message);
    }

    /// <summary>A log that drops everything.</summary>
    public sealed class NullGeminiLog : IGeminiLog
    {
        /// <summary>The single instance.</summary>
        public static readonly NullGeminiLog Instance = new NullGeminiLog();

        private NullGeminiLog() { }

        /// <inheritdoc/>
        public void Verbose(string message) { }

        /// <inheritdoc/>
        public void Debug(string message) { }
    }
}
