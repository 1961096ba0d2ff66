using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace VertexAI.Commands
{
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
                ThrowTerminatingError(ErrorRecords.FileNotFound(new FileNotFoundException($"Cannot read '{Path}': the file '{path}' does not exist.", path, ex), path));
                return;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(ErrorRecords.FileReadError(ex, path));
                return;
            }
            List<ChatMessage> messages;
            try
            {
                messages = ConversationFile.Parse(text);
            }
            catch (InvalidDataException ex)
            {
                ThrowTerminatingError(ErrorRecords.InvalidConversationFile(ex, path));
                return;
            }
            WriteVerbose($"Read {messages.Count} message(s) from '{path}'.");
            foreach (var m in messages) WriteObject(m);
        }
    }
}
