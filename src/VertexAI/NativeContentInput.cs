using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using VertexAI.Media;

namespace VertexAI.Commands
{
    /// <summary>
    /// Gathers what New-GeminiCache and Measure-GeminiToken send as native content: messages, text, files and a system
    /// instruction, in the order given. Files are read as the chat cmdlets read them (gs:// and https:// URIs pass
    /// through; local files are inlined).
    /// </summary>
    internal sealed class NativeContentInput
    {
        private readonly PSCmdlet _cmdlet;
        private readonly List<ChatMessage> _messages = new List<ChatMessage>();

        internal NativeContentInput(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        /// <summary>The messages so far (system instruction first).</summary>
        internal List<ChatMessage> Messages => _messages;

        /// <summary>Adds messages (a completion's conversation is added message by message by the caller).</summary>
        internal void Add(IEnumerable<ChatMessage>? messages)
        {
            if (messages is null) return;
            foreach (var m in messages)
            {
                if (m is not null) _messages.Add(m);
            }
        }

        /// <summary>Adds a user message of text.</summary>
        internal void AddText(string text) => _messages.Add(new ChatMessage("user", text));

        /// <summary>Puts the system instruction first.</summary>
        internal void SetSystemInstruction(string? text)
        {
            if (!string.IsNullOrEmpty(text)) _messages.Insert(0, new ChatMessage("system", text));
        }

        /// <summary>Adds one user message holding every file; a file that cannot be read stops the command.</summary>
        internal void AddFiles(string[]? files, string? mediaType)
        {
            if (files is null || files.Length == 0) return;
            var parts = new List<ContentPart>();
            foreach (var file in files)
            {
                ErrorRecord error;
                try
                {
                    parts.Add(MediaParts.File(file, mediaType, ResolveLocalPath));
                    _cmdlet.WriteVerbose($"Read '{file}'.");
                    continue;
                }
                catch (Exception ex) when (ex is IOException || ex is SessionStateException || ex is UnauthorizedAccessException
                    || ex is ArgumentException || ex is NotSupportedException)
                {
                    error = ErrorRecords.MediaUnreadable(ex, file);
                }
                _cmdlet.ThrowTerminatingError(error);
            }
            _messages.Add(new ChatMessage { Role = "user", Parts = parts });
        }

        private string ResolveLocalPath(string path)
        {
            var resolved = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{path}' is on the {provider.Name} provider, not a file system path.", nameof(path));
            }
            return resolved;
        }
    }
}
