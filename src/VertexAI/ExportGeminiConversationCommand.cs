using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Saves a conversation to a file as the OpenAI messages JSON array, exactly as it is sent on the wire.</para>
    /// <para>Pipe in completions (their Conversation: request messages and reply) and messages; Import-GeminiConversation
    /// reads the file back. Thought signatures, tool calls and extra_content are kept.</para>
    /// </summary>
    [Cmdlet(VerbsData.Export, "GeminiConversation", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportGeminiConversationCommand : PSCmdlet
    {
        private readonly List<ChatMessage> _messages = new List<ChatMessage>();

        /// <summary>The file to write (UTF-8 JSON).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Completions (their Conversation) and messages, in order.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public object[]? InputObject { get; set; }

        /// <summary>Does not overwrite an existing file.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Writes the file's FileInfo.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Collects completions and messages.</summary>
        protected override void ProcessRecord()
        {
            foreach (var item in InputObject ?? Array.Empty<object>())
            {
                var value = item is PSObject pso ? pso.BaseObject : item;
                switch (value)
                {
                    case null:
                        break;
                    case ChatCompletion completion:
                        if (completion.Conversation is { Count: > 0 } conversation) ConversationFile.Extend(_messages, conversation);
                        else if (completion.Message is { } reply) _messages.Add(reply);
                        break;
                    case ChatMessage message:
                        _messages.Add(message);
                        break;
                    default:
                        WriteError(ErrorRecords.InvalidArgument(
                            new ArgumentException($"Export-GeminiConversation takes ChatCompletion and ChatMessage objects, not {value.GetType().FullName}."),
                            "Gemini.NotAConversation", value));
                        break;
                }
            }
        }

        /// <summary>Writes the file.</summary>
        protected override void EndProcessing()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (NoClobber.IsPresent && File.Exists(path))
            {
                ThrowTerminatingError(ErrorRecords.FileExists(
                    new IOException($"The file '{path}' already exists; -NoClobber keeps it. Leave out -NoClobber to overwrite it."), path));
            }
            if (!ShouldProcess(path, $"Write a conversation of {_messages.Count} message(s)")) return;
            try
            {
                File.WriteAllText(path, ConversationFile.Serialize(_messages), new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(ErrorRecords.FileWriteError(ex, path));
            }
            WriteVerbose($"Wrote {_messages.Count} message(s) to '{path}'.");
            if (PassThru.IsPresent) WriteObject(new FileInfo(path));
        }
    }
}
