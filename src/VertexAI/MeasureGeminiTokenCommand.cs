using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para type="synopsis">Counts the tokens of a prompt, messages, files or a whole conversation before sending it.</para>
    /// </summary>
    /// <remarks>
    /// Like Invoke-GeminiChat, each piped prompt is one request (with the messages piped before it); with no prompt, the
    /// messages (or conversation) are counted once.
    /// </remarks>
    [Cmdlet(VerbsDiagnostic.Measure, "GeminiToken")]
    [OutputType(typeof(TokenCount))]
    public sealed class MeasureGeminiTokenCommand : GeminiConnectionCommandBase
    {
        private readonly List<ChatMessage> _messages = new List<ChatMessage>();
        private bool _promptOnCommandLine;
        private bool _messagesOnCommandLine;
        private bool _conversationOnCommandLine;
        private int _counted;
        private TokenCalls? _calls;
        private string _model = VertexEndpoint.DefaultModel;

        /// <summary>Prompts to count; each is counted with the messages before it.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TextInput("Prompt")]
        public string[]? Prompt { get; set; }

        /// <summary>Messages to count (New-GeminiMessage, Import-GeminiConversation).</summary>
        [Parameter(ValueFromPipeline = true)]
        [MessageInput]
        public ChatMessage[]? Message { get; set; }

        /// <summary>A completion whose whole conversation is counted (what continuing it would send).</summary>
        [Parameter(ValueFromPipeline = true)]
        [CompletionInput]
        public ChatCompletion? Conversation { get; set; }

        /// <summary>Files to count: local paths (inlined), gs:// or https:// URIs.</summary>
        [Parameter]
        public string[]? File { get; set; }

        /// <summary>The media type of -File, instead of the one from the name or content.</summary>
        [Parameter]
        public string? MediaType { get; set; }

        /// <summary>A system instruction, counted with the rest.</summary>
        [Parameter]
        [Alias("SystemMessage")]
        public string? SystemInstruction { get; set; }

        /// <summary>Function tools (New-GeminiTool), counted with the rest.</summary>
        [Parameter]
        public ToolDefinition[]? Tool { get; set; }

        /// <summary>The model whose tokenizer counts (default: the context's model, else gemini-2.5-flash).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            _promptOnCommandLine = bound.ContainsKey(nameof(Prompt));
            _messagesOnCommandLine = bound.ContainsKey(nameof(Message));
            _conversationOnCommandLine = bound.ContainsKey(nameof(Conversation));
            _model = Model ?? GeminiContext.Current.Model ?? VertexEndpoint.DefaultModel;
            _calls = new TokenCalls(BuildRestClient(_model));
            var input = new NativeContentInput(this);
            input.SetSystemInstruction(SystemInstruction);
            input.AddFiles(File, MediaType);
            _messages.AddRange(input.Messages);
            if (_conversationOnCommandLine) AddConversation(Conversation);
            if (_messagesOnCommandLine) AddMessages(Message);
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!_conversationOnCommandLine && Conversation is not null)
            {
                AddConversation(Conversation);
                Conversation = null;
            }
            if (!_messagesOnCommandLine && Message is not null)
            {
                AddMessages(Message);
                Message = null;
            }
            if (!_promptOnCommandLine && Prompt is not null)
            {
                var prompts = Prompt;
                Prompt = null;
                foreach (var p in prompts) Count(p);
            }
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (_promptOnCommandLine && Prompt is not null)
            {
                foreach (var p in Prompt) Count(p);
            }
            else if (_counted == 0)
            {
                Count(null);
            }
        }

        private void AddConversation(ChatCompletion? completion)
        {
            if (completion?.Conversation is { Count: > 0 } conversation) AddMessages(conversation.ToArray());
            else if (completion?.Message is { } reply) AddMessages(new[] { reply });
        }

        private void AddMessages(ChatMessage[]? messages)
        {
            if (messages is null) return;
            _messages.AddRange(messages.Where(m => m is not null));
        }

        private void Count(string? prompt)
        {
            if (prompt is not null && string.IsNullOrWhiteSpace(prompt)) return;
            var messages = new List<ChatMessage>(_messages);
            if (prompt is not null) messages.Add(new ChatMessage("user", prompt));
            _counted++;
            var calls = _calls!;
            var tools = Tool?.Where(t => t is not null).ToList();
            var target = prompt ?? (object)"messages";
            var count = Call(token => calls.CountAsync(_model, messages, tools, token), target);
            if (count is null) return;
            var output = PSObject.AsPSObject(count);
            if (prompt is not null) output.Properties.Add(new PSNoteProperty("Input", prompt));
            WriteVerbose($"{count.TotalTokens} tokens ({string.Join(", ", count.Details.Select(d => d.ToString()))}) for {count.Model}.");
            WriteObject(output);
        }
    }
}
