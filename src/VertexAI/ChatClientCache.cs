using System;
using System.Threading;
using VertexAI.Auth;

namespace VertexAI.Commands
{
    /// <summary>
    /// The chat client of the last chat command, kept for the next one built from the same settings. Building a client
    /// (resolving and checking the endpoint, reading the environment, composing the transport) cost about a tenth of a
    /// sequential Invoke-GeminiChat call; a user who configures the session once and then sends prompt after prompt
    /// builds the same client every time. One entry, replaced whenever the settings differ; never used while a log
    /// listens (that client writes to its own command) or with an -AccessToken of the call (converted anew each time).
    /// </summary>
    internal static class ChatClientCache
    {
        private static Entry? s_last;

        /// <summary>The client built last from <paramref name="key"/>'s settings, or null.</summary>
        internal static GeminiClient? Find(ChatClientKey key)
        {
            var last = Volatile.Read(ref s_last);
            return last is not null && last.Key.Equals(key) ? last.Client : null;
        }

        /// <summary>Keeps <paramref name="client"/>, built from <paramref name="key"/>'s settings, for the next command.</summary>
        internal static void Keep(ChatClientKey key, GeminiClient client) => Volatile.Write(ref s_last, new Entry(key, client));

        private sealed class Entry
        {
            internal Entry(ChatClientKey key, GeminiClient client)
            {
                Key = key;
                Client = client;
            }

            internal ChatClientKey Key { get; }

            internal GeminiClient Client { get; }
        }
    }

    /// <summary>
    /// Everything a chat client is built from (GeminiChatCommandBase.BuildClient): each setting as the command resolved it
    /// (parameter, else Set-GeminiContext), the environment variables the build reads when a setting is not given
    /// (GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION, GOOGLE_CLOUD_QUOTA_PROJECT), and the credential's token source (the
    /// context keeps one per credential set, Application Default Credentials is one per process). Equal keys build
    /// equal clients.
    /// </summary>
    internal sealed class ChatClientKey : IEquatable<ChatClientKey>
    {
        private readonly string?[] _texts;
        private readonly IAccessTokenSource _tokens;
        private readonly int _maxRetries;
        private readonly int _timeoutSec;

        internal ChatClientKey(string?[] texts, IAccessTokenSource tokens, int maxRetries, int timeoutSec)
        {
            _texts = texts;
            _tokens = tokens;
            _maxRetries = maxRetries;
            _timeoutSec = timeoutSec;
        }

        /// <inheritdoc/>
        public bool Equals(ChatClientKey? other)
        {
            if (other is null || !ReferenceEquals(_tokens, other._tokens) || _maxRetries != other._maxRetries
                || _timeoutSec != other._timeoutSec || _texts.Length != other._texts.Length) return false;
            for (var i = 0; i < _texts.Length; i++)
            {
                if (!string.Equals(_texts[i], other._texts[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        /// <inheritdoc/>
        public override bool Equals(object? obj) => Equals(obj as ChatClientKey);

        /// <inheritdoc/>
        public override int GetHashCode() => _tokens.GetHashCode() ^ _maxRetries ^ (_timeoutSec << 8);
    }
}
