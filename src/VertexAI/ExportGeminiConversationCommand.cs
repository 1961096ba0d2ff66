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
                ThrowTerminatingError(new ErrorRecord(
                    new IOException($"The file '{path}' already exists; -NoClobber keeps it. Leave out -NoClobber to overwrite it."),
                    "Gemini.FileExists", ErrorCategory.ResourceExists, path));
            }
            if (!ShouldProcess(path, $"Write a conversation of {_messages.Count} message(s)")) return;
            try
            {
                File.WriteAllText(path, ConversationFile.Serialize(_messages), new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "Gemini.FileWriteError", ErrorCategory.WriteError, path));
            }
            WriteVerbose($"Wrote {_messages.Count} message(s) to '{path}'.");
            if (PassThru.IsPresent) WriteObject(new FileInfo(path));
        }
    }

    /// <summary>
    /// <para>Reads a conversation saved by Export-GeminiConversation (an OpenAI messages JSON array) and writes its messages.</para>
    /// <para>Pipe them into Invoke-GeminiChat or Get-GeminiStream to continue the conversation.</para>
    /// </summary>
    [Cmdlet(VerbsData.Import, "GeminiConversation")]
    [OutputType(typeof(ChatMessage))]
    public sealed class ImportGeminiConversationCommand : PSCmdlet
    {
        /// <summary>The file to read.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Reads the file and writes its messages, in order.</summary>
        protected override void EndProcessing()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"Cannot read '{Path}': the file '{path}' does not exist.", path, ex),
                    "Gemini.FileNotFound", ErrorCategory.ObjectNotFound, path));
                return;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "Gemini.FileReadError", ErrorCategory.ReadError, path));
                return;
            }
            List<ChatMessage> messages;
            try
            {
                messages = ConversationFile.Parse(text);
            }
            catch (InvalidDataException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"'{path}': {ex.Message}", ex), "Gemini.InvalidConversationFile", ErrorCategory.InvalidData, path));
                return;
            }
            WriteVerbose($"Read {messages.Count} message(s) from '{path}'.");
            foreach (var m in messages) WriteObject(m);
        }
    }
}
