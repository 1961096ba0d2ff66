using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Auth;

namespace VertexAI.Commands
{
    /// <summary>
    /// What Invoke-GeminiChat, Get-GeminiStream and Enter-GeminiChat share: the chat parameters and the pipeline rules
    /// (where requests go and how is <see cref="GeminiConnectionCommandBase"/>'s).
    /// Piped messages are collected as the conversation; each piped prompt is one request (the messages collected
    /// before it plus the prompt as a user message); a prompt given on the command line is sent once, at the end, after
    /// every piped message; when only messages came, one request with all of them is sent at the end.
    /// </summary>
    public abstract class GeminiChatCommandBase : GeminiConnectionCommandBase
    {
        private readonly List<ChatMessage> _conversation = new List<ChatMessage>();
        private bool _promptOnCommandLine;
        private bool _messagesOnCommandLine;
        private bool _conversationOnCommandLine;
        private int _requestsSent;
        private int _messagesSinceLastRequest;
        private GeminiClient? _client;
        private bool _systemReplacementNoted;
        private ChatRequest? _template;

        /// <summary>The prompt, sent as a user message after the conversation. Each prompt (each piped string, each element
        /// of an array, the Prompt property of each piped object) is one request. Only text and plain values are prompts:
        /// a piped message or completion never binds here.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TextInput("Prompt")]
        public string[]? Prompt { get; set; }

        /// <summary>The conversation so far (from New-GeminiMessage, Import-GeminiConversation, or a previous answer's
        /// message); piped messages are collected.</summary>
        [Parameter(ValueFromPipeline = true)]
        [Alias("Messages")]
        [MessageInput]
        public ChatMessage[]? Message { get; set; }

        /// <summary>A completion to continue (piped from Invoke-GeminiChat): its conversation (the request's messages and the
        /// reply) goes before the prompt.</summary>
        [Parameter(ValueFromPipeline = true)]
        [CompletionInput]
        public ChatCompletion? Conversation { get; set; }

        /// <summary>Takes any other piped object, only to refuse it by its type before anything is sent (a hashtable, a
        /// PSCustomObject without a Prompt property, a file: files go into messages with New-GeminiMessage).</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        [UnclaimedInput]
        public PSObject? InputObject { get; set; }

        /// <summary>The system prompt of every request of this command (one call, or a whole batch), sent first. It replaces
        /// any system message of the piped conversation.</summary>
        [Parameter]
        [Alias("System")]
        public string? SystemMessage { get; set; }

        /// <summary>The model id; defaults to gemini-2.5-flash. An id without "publisher/" gets "google/" on the managed endpoint.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <summary>A self-deployed endpoint's id (requests go to …/endpoints/{id}/chat/completions).</summary>
        [Parameter]
        [Alias("EndpointId")]
        public string? Endpoint { get; set; }

        /// <summary>Functions the model may call (from New-GeminiTool).</summary>
        [Parameter]
        [Alias("Tools")]
        public ToolDefinition[]? Tool { get; set; }

        /// <summary><c>none</c>, <c>auto</c>, <c>required</c>, or the name of the one function the model must call.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ToolChoiceCompleter))]
        public string? ToolChoice { get; set; }

        /// <summary>Sampling temperature, 0 to 2.</summary>
        [Parameter]
        [ValidateRange(0.0, 2.0)]
        public double Temperature { get; set; }

        /// <summary>Nucleus sampling probability mass, 0 to 1.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double TopP { get; set; }

        /// <summary>The most tokens to generate (<c>max_tokens</c>).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxTokens { get; set; }

        /// <summary>Stop sequences.</summary>
        [Parameter]
        public string[]? Stop { get; set; }

        /// <summary>Seed for (best-effort) deterministic sampling.</summary>
        [Parameter]
        public long Seed { get; set; }

        /// <summary>'text' or 'json_object', or a hashtable with the whole response_format object (e.g. a json_schema).</summary>
        [Parameter]
        public object? ResponseFormat { get; set; }

        /// <summary>Sent as the literal top-level <c>extra_body</c> member (e.g. <c>@{ google = @{ thinking_config = @{ include_thoughts = $true } } }</c>).</summary>
        [Parameter]
        [JsonObjectTransformation]
        public IDictionary? ExtraBody { get; set; }

        /// <summary>The most thinking tokens (<c>extra_body.google.thinking_config.thinking_budget</c>; 0 off where allowed, -1 dynamic).</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int ThinkingBudget { get; set; }

        /// <summary>The thinking level of Gemini 3 models (<c>thinking_config.thinking_level</c>).</summary>
        [Parameter]
        [ValidateSet("minimal", "low", "medium", "high")]
        public string? ThinkingLevel { get; set; }

        /// <summary>Asks for the model's thoughts (<c>thinking_config.include_thoughts</c>).</summary>
        [Parameter]
        public SwitchParameter IncludeThoughts { get; set; }

        /// <summary>The tag thoughts come wrapped in (<c>extra_body.google.thought_tag_marker</c>); they are then separated from the answer.</summary>
        [Parameter]
        public string? ThoughtTagMarker { get; set; }

        /// <summary><c>reasoning_effort</c>: none, low, medium or high; not together with a thinking configuration.</summary>
        [Parameter]
        [ValidateSet("none", "low", "medium", "high")]
        public string? ReasoningEffort { get; set; }

        /// <summary>Structured output: a JSON schema (hashtable or JSON string) or a .NET type whose public properties make the schema.</summary>
        [Parameter]
        public object? ResponseSchema { get; set; }

        /// <summary>The name sent with -ResponseSchema (default: the type's name, or 'response').</summary>
        [Parameter]
        public string? SchemaName { get; set; }

        /// <summary>Output modalities (<c>modalities</c>): text, image, audio.</summary>
        [Parameter]
        [ValidateSet("text", "image", "audio")]
        public string[]? Modalities { get; set; }

        /// <summary>Asks Vertex to stream function call arguments as they are generated (<c>extra_body.google.stream_function_call_arguments</c>).</summary>
        [Parameter]
        public SwitchParameter StreamFunctionCallArguments { get; set; }

        // Gemini's own settings: grounding, safety, a context cache, media resolution (translated by GoogleParameters).

        /// <summary>Grounds the answer with Google Search (<c>web_search_options</c>); the sources come back on the completion's
        /// Grounding property and are shown under the answer.</summary>
        [Parameter]
        public SwitchParameter GoogleSearch { get; set; }

        /// <summary>Safety filter thresholds (<c>extra_body.google.safety_settings</c>): a hashtable of harm category to
        /// threshold (<c>@{ HARM_CATEGORY_HATE_SPEECH = 'BLOCK_ONLY_HIGH' }</c>), hashtables with category, threshold and
        /// method, or <c>CATEGORY=THRESHOLD</c> strings. Checked against Vertex's enums before sending.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(SafetySettingCompleter))]
        public object[]? SafetySetting { get; set; }

        /// <summary>A context cache to answer from (<c>extra_body.google.cached_content</c>): its full name, its id (completed with
        /// the project and location), or a cache object with a Name property. Not on location global.</summary>
        [Parameter]
        [CachedContentTransformation]
        public string? CachedContent { get; set; }

        /// <summary>The resolution media inputs are read at (<c>extra_body.google.media_resolution</c>): low, medium or high.</summary>
        [Parameter]
        [ValidateSet("low", "medium", "high")]
        public string? MediaResolution { get; set; }

        // A context cache is checked against the resolved location (parameter, Set-GeminiContext or environment) and a bare
        // id completed with it, before anything is sent.
        private void CheckGoogleOptions()
        {
            _template = Translate(() => GoogleOptions.ForEndpoint(_template!, _client!.Endpoint), "Gemini.InvalidArgument", ex => ex.ParamName);
            if (_template.WebSearchOptions is not null) WriteVerbose("Grounding with Google Search (web_search_options).");
            if (VertexAI.Json.PlainJson.GetPath(_template.ExtraBody, ExtraContent.Google, "cached_content") is string cache)
            {
                WriteVerbose($"Context cache: {cache}.");
            }
        }

        /// <summary>The prompt of the request being sent (null when only messages were sent): what outputs are tagged with.</summary>
        protected string? CurrentPrompt { get; private set; }

        /// <summary>The request settings shared by every request of this command (messages excepted).</summary>
        protected ChatRequest Template => _template!;

        /// <summary>The client of this command.</summary>
        protected GeminiClient Client => _client!;

        /// <summary>Checks the settings, builds the client and collects messages given on the command line.</summary>
        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            _promptOnCommandLine = bound.ContainsKey(nameof(Prompt));
            _messagesOnCommandLine = bound.ContainsKey(nameof(Message));
            _conversationOnCommandLine = bound.ContainsKey(nameof(Conversation));
            _template = BuildTemplate(bound);
            _client = BuildClient();
            CheckGoogleOptions();
            if (_conversationOnCommandLine) CollectConversation(Conversation);
            if (_messagesOnCommandLine) Collect(Message);
        }

        /// <summary>Collects piped messages; sends a request for each piped prompt.</summary>
        protected override void ProcessRecord()
        {
            if (InputObject is { } unclaimed)
            {
                InputObject = null;
                RefuseInput(unclaimed);
            }
            if (!_conversationOnCommandLine)
            {
                CollectConversation(Conversation);
                Conversation = null;
            }
            if (!_messagesOnCommandLine)
            {
                Collect(Message);
                Message = null;
            }
            if (!_promptOnCommandLine)
            {
                var prompts = Prompt;
                Prompt = null;
                SendEach(prompts);
            }
        }

        // Anything piped that is neither text, a message, a completion nor an object with a Prompt property stops the
        // command before anything more is sent: its text would be an invented prompt.
        private void RefuseInput(PSObject input)
        {
            var value = input.BaseObject;
            var type = value.GetType().FullName;
            var name = MyInvocation.MyCommand.Name;
            var message = value is System.IO.FileSystemInfo file
                ? $"{name} does not take files from the pipeline ('{file.FullName}'). Put files into a message: Get-ChildItem {file.Name} | New-GeminiMessage 'Describe this' | {name}."
                : $"{name} cannot send a piped {type}. Pipe in prompts (text), messages (New-GeminiMessage, Import-GeminiConversation), a completion to continue, or objects with a Prompt property (Import-Csv).";
            ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException(message), "Gemini.UnsupportedInput", value));
        }

        // Each non-blank prompt is one request.
        private void SendEach(string[]? prompts)
        {
            if (prompts is null) return;
            foreach (var prompt in prompts)
            {
                if (string.IsNullOrWhiteSpace(prompt))
                {
                    WriteVerbose("Skipped an empty prompt.");
                    continue;
                }
                Send(prompt);
            }
        }

        /// <summary>Sends the command-line prompt, or the collected conversation when no prompt was sent.</summary>
        protected override void EndProcessing()
        {
            if (_promptOnCommandLine && Prompt is not null && Array.Exists(Prompt, p => !string.IsNullOrWhiteSpace(p)))
            {
                SendEach(Prompt);
            }
            else if (_requestsSent == 0)
            {
                if (_conversation.Count > 0)
                {
                    Send(null);
                }
                else if (!MyInvocation.ExpectingInput)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(
                        new ArgumentException("Nothing to send: give a prompt, or pipe in messages (New-GeminiMessage)."), "Gemini.NoInput", null));
                }
            }
            else if (_messagesSinceLastRequest > 0)
            {
                WriteWarning($"{_messagesSinceLastRequest} message(s) piped after the last prompt were not sent: each prompt is sent with the messages piped before it.");
            }
        }

        /// <summary>Sends one request; called on the pipeline thread. <paramref name="target"/> goes into error records.</summary>
        /// <param name="client">The client for this command's endpoint and credentials.</param>
        /// <param name="request">The request (its own message list; the template's settings).</param>
        /// <param name="target">The prompt (or the last message's text) for error records.</param>
        protected abstract void Execute(GeminiClient client, ChatRequest request, object? target);

        // A completion's conversation (or, for one made elsewhere, just its reply message).
        private void CollectConversation(ChatCompletion? completion)
        {
            if (completion is null) return;
            if (completion.Conversation is { Count: > 0 } conversation) Collect(conversation.ToArray());
            else if (completion.Message is { } reply) Collect(new[] { reply });
        }

        /// <summary>
        /// Writes a completion tagged with the prompt it answers (an <c>Input</c> note property); when its JSON answer could not
        /// be parsed, first a non-terminating error that keeps the raw text.
        /// </summary>
        /// <param name="completion">The completion.</param>
        /// <param name="input">The prompt it answers.</param>
        /// <param name="streamedIn">For an answer already written to the host as it streamed: how long it took. The completion
        /// then gets the type name <c>VertexAI.ChatCompletion#Streamed</c> (a one-line summary view) and a <c>Duration</c>.</param>
        protected void WriteCompletion(ChatCompletion completion, object? input = null, TimeSpan? streamedIn = null)
        {
            if (completion.ParseError is { } parseError)
            {
                WriteError(ErrorRecords.InvalidStructuredOutput(parseError));
            }
            var output = PSObject.AsPSObject(completion);
            if (input is not null && output.Properties["Input"] is null) output.Properties.Add(new PSNoteProperty("Input", input));
            if (streamedIn is TimeSpan duration)
            {
                output.TypeNames.Insert(0, StreamedTypeName);
                if (output.Properties["Duration"] is null) output.Properties.Add(new PSNoteProperty("Duration", duration));
            }
            WriteObject(output);
            WarnAboutEnding(completion);
        }

        /// <summary>The type name of a completion whose text was streamed to the host (its default view is a summary).</summary>
        internal const string StreamedTypeName = "VertexAI.ChatCompletion#Streamed";

        /// <summary>
        /// Warns, in one line, when the answer did not end by itself: cut at the token limit, blocked by the safety filters
        /// (with the block reason and ratings the server sent), or missing. The completion and its text are still written.
        /// </summary>
        protected void WarnAboutEnding(ChatCompletion? completion)
        {
            if (completion is null) return;
            var warning = AnswerEnding.Describe(completion, Template.MaxTokens);
            if (warning is not null) WriteWarning(warning);
        }

        private void Collect(ChatMessage[]? messages)
        {
            if (messages is null) return;
            foreach (var message in messages)
            {
                if (message is null) continue;
                _conversation.Add(message);
                _messagesSinceLastRequest++;
            }
        }

        private void Send(string? prompt)
        {
            var request = _template!.ShallowCopy();
            request.Messages = WithSystemMessage(_conversation);
            if (prompt is not null) request.Messages.Add(new ChatMessage("user", prompt));
            _requestsSent++;
            _messagesSinceLastRequest = 0;
            var target = prompt ?? (object?)LastText(request.Messages);
            CurrentPrompt = prompt;
            Execute(_client!, request, target);
        }

        // -SystemMessage first, in place of the conversation's own system messages.
        private List<ChatMessage> WithSystemMessage(List<ChatMessage> conversation)
        {
            if (string.IsNullOrWhiteSpace(SystemMessage)) return new List<ChatMessage>(conversation);
            var messages = new List<ChatMessage>(conversation.Count + 1) { new ChatMessage("system", SystemMessage) };
            var replaced = 0;
            foreach (var message in conversation)
            {
                if (string.Equals(message.Role, "system", StringComparison.OrdinalIgnoreCase)) replaced++;
                else messages.Add(message);
            }
            if (replaced > 0 && !_systemReplacementNoted)
            {
                _systemReplacementNoted = true;
                WriteVerbose($"-SystemMessage replaces {replaced} system message(s) of the piped conversation.");
            }
            return messages;
        }

        private static string? LastText(List<ChatMessage> messages)
            => messages.Count == 0 ? null : messages[messages.Count - 1].Text;

        private ChatRequest BuildTemplate(Dictionary<string, object> bound)
            => Translate(() => ChatRequestBuilder.Template(this, bound), "Gemini.InvalidArgument", ex => ex.ParamName);

        // The last chat command's client when this one's settings are the same (ChatClientCache), else a new one.
        private GeminiClient BuildClient()
        {
            var context = GeminiContext.Current;
            var model = Model ?? context.Model;
            var endpointId = Endpoint ?? context.Endpoint;
            var key = ChatClientKeyFor(model, endpointId);
            if (key is not null && ChatClientCache.Find(key) is { } cached) return cached;
            var endpoint = ResolveEndpoint(model, endpointId);
            var options = BuildClientOptions(endpoint);
            var client = Translate(() => new GeminiClient(options), "Gemini.InvalidSettings", ex => ex.ParamName);
            if (key is not null) ChatClientCache.Keep(key, client);
            return client;
        }
    }
}
