using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using VertexAI.Auth;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Chats with Gemini in the terminal: each turn is sent with the whole conversation so far, the answer is written
    /// as it arrives (thoughts dimmed, on their own lines), and slash commands manage the conversation (/help).</para>
    /// <para>When the chat ends (/exit, Ctrl+D, the end of the input) the conversation's messages are output, so
    /// <c>$c = Enter-GeminiChat</c> keeps it for Invoke-GeminiChat or Export-GeminiConversation.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Enter, "GeminiChat")]
    [OutputType(typeof(ChatMessage))]
    public sealed class EnterGeminiChatCommand : GeminiChatCommandBase
    {
        private static readonly string[] s_hostTags = { "PSHOST" };

        // As VertexEndpoint checks a model id: refused at /model, before any request.
        private static readonly Regex s_modelPattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,255}$", RegexOptions.CultureInvariant);

        private readonly List<ChatMessage> _conversation = new List<ChatMessage>();
        private readonly List<string> _scripted = new List<string>();
        private string? _model;
        private ChatInput? _input;
        private CancellationTokenSource? _turn;

        /// <summary>Runs the tools the model calls when they were made from commands (New-GeminiTool -Command or -ScriptBlock):
        /// None (default) shows the calls and keeps nothing of the turn; Auto runs them and sends their results back until the
        /// model answers; Confirm asks before each call.</summary>
        [Parameter]
        [ValidateSet("None", "Auto", "Confirm")]
        public string InvokeTools { get; set; } = "None";

        /// <summary>With -InvokeTools: the most rounds of tool calls answered in one turn (default 8).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int MaxToolRounds { get; set; } = 8;

        /// <summary>Takes the conversation to start from and the first turns given on the command line; sets up the client.</summary>
        protected override void BeginProcessing()
        {
            // The chat keeps its own conversation: what the base would collect for Invoke-GeminiChat's per-prompt requests
            // is taken here, and the base sees nothing left to collect.
            TakeInput();
            base.BeginProcessing();
            _model = Model;
        }

        /// <summary>Takes piped messages, completions and turns, in order.</summary>
        protected override void ProcessRecord()
        {
            TakeInput();
            base.ProcessRecord();
        }

        private void TakeInput()
        {
            if (Conversation is { } completion)
            {
                if (completion.Conversation is { Count: > 0 } messages) ConversationFile.Extend(_conversation, messages);
                else if (completion.Message is { } reply) _conversation.Add(reply);
            }
            if (Message is { } given)
            {
                foreach (var m in given)
                {
                    if (m is not null) _conversation.Add(m);
                }
            }
            if (Prompt is { } prompts) _scripted.AddRange(prompts);
            Conversation = null;
            Message = null;
            Prompt = null;
        }

        /// <summary>Runs the chat; outputs the conversation when it ends.</summary>
        protected override void EndProcessing()
        {
            if (SystemMessage is not null) SetSystem(SystemMessage);
            // Disposing restores the console's Ctrl+C handling however the chat ends.
            using (_input = ChatInput.Create(Host))
            {
                Chat();
            }
            foreach (var m in _conversation) WriteObject(m);
        }

        /// <summary>Not used: the chat sends its turns itself.</summary>
        protected override void Execute(GeminiClient client, ChatRequest request, object? target)
        {
        }

        private void Chat()
        {
            var input = _input!;
            Note($"Chatting with {CurrentModel()}. /help for commands; /exit{(input.ReadsKeys ? ", Ctrl+D," : "")} or the end of the input to leave.");
            var earlier = _conversation.Count(m => !IsSystem(m));
            if (earlier > 0) Note($"Continuing a conversation of {earlier} message(s).");
            foreach (var turn in _scripted)
            {
                if (string.IsNullOrWhiteSpace(turn)) continue;
                WriteHostText(ChatInput.Prompt + turn, newLine: true);
                if (!Handle(turn)) return;
            }
            while (true)
            {
                var turn = input.ReadTurn();
                if (turn is null) return;
                if (string.IsNullOrWhiteSpace(turn)) continue;
                (input as ConsoleKeyInput)?.Remember(turn);
                if (!Handle(turn)) return;
            }
        }

        // One turn: a command, or a message sent with the conversation. False ends the chat.
        private bool Handle(string turn)
        {
            var trimmed = turn.Trim();
            // "//text" sends "/text" as a message; a slash command is a single line.
            if (trimmed.StartsWith("//", StringComparison.Ordinal)) return Send(trimmed.Substring(1));
            if (trimmed.StartsWith("/", StringComparison.Ordinal) && trimmed.IndexOf('\n') < 0) return Command(trimmed);
            return Send(turn);
        }

        private bool Command(string line)
        {
            var space = line.IndexOfAny(new[] { ' ', '\t' });
            var name = (space < 0 ? line : line.Substring(0, space)).ToLowerInvariant();
            var argument = space < 0 ? string.Empty : line.Substring(space + 1).Trim();
            switch (name)
            {
                case "/exit":
                case "/quit":
                    return false;
                case "/help":
                case "/?":
                    Note(HelpText);
                    return true;
                case "/model":
                    if (argument.Length == 0)
                    {
                        Note($"Model: {CurrentModel()}");
                    }
                    else if (!s_modelPattern.IsMatch(argument))
                    {
                        Note($"'{argument}' is not a valid model id: use an id such as 'gemini-2.5-flash' or 'google/gemini-2.5-flash'.");
                    }
                    else
                    {
                        _model = argument;
                        Note($"Model: {CurrentModel()}");
                    }
                    return true;
                case "/system":
                    if (argument.Length == 0)
                    {
                        Note(_conversation.Count > 0 && IsSystem(_conversation[0]) ? $"System message: {_conversation[0].Text}" : "No system message. /system <text> sets one.");
                    }
                    else
                    {
                        SetSystem(argument);
                        Note("System message set.");
                    }
                    return true;
                case "/save":
                    Save(argument);
                    return true;
                case "/load":
                    Load(argument);
                    return true;
                case "/clear":
                    var system = _conversation.Count > 0 && IsSystem(_conversation[0]) ? _conversation[0] : null;
                    _conversation.Clear();
                    if (system is not null) _conversation.Add(system);
                    Note(system is null ? "Cleared the conversation." : "Cleared the conversation (the system message stays).");
                    return true;
                case "/rewind":
                    Rewind();
                    return true;
                default:
                    Note($"Unknown command '{name}'. /help lists the commands; //text sends text that starts with '/'.");
                    return true;
            }
        }

        private const string HelpText =
            "/help             this list\n" +
            "/model [name]     show the model, or switch to another for the next turns\n" +
            "/system [text]    show, or set (replace) the system message\n" +
            "/save <path>      save the conversation (Export-GeminiConversation's JSON)\n" +
            "/load <path>      replace the conversation with a saved one (Import-GeminiConversation)\n" +
            "/clear            forget the conversation (the system message stays)\n" +
            "/rewind           drop the last turn (your message and its answer)\n" +
            "/exit             leave (also Ctrl+D at an empty prompt, or the end of the input); the conversation is output\n" +
            "Several lines: end a line with \\ to go on, paste them, or put them between two \"\"\" lines.\n" +
            "Ctrl+C stops an answer being written; at the prompt it discards the line.";

        private void Rewind()
        {
            var lastUser = _conversation.FindLastIndex(m => string.Equals(m.Role, "user", StringComparison.OrdinalIgnoreCase));
            if (lastUser < 0)
            {
                Note("Nothing to rewind.");
                return;
            }
            var text = _conversation[lastUser].Text ?? string.Empty;
            _conversation.RemoveRange(lastUser, _conversation.Count - lastUser);
            Note($"Dropped the last turn: {Shorten(text)}");
        }

        private void Save(string argument)
        {
            if (argument.Length == 0)
            {
                Note("/save needs a path: /save chat.json");
                return;
            }
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Unquote(argument));
            try
            {
                File.WriteAllText(path, ConversationFile.Serialize(_conversation), new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                WriteError(ErrorRecords.FileWriteError(ex, path));
                return;
            }
            Note($"Saved {_conversation.Count} message(s) to {path}.");
        }

        private void Load(string argument)
        {
            if (argument.Length == 0)
            {
                Note("/load needs a path: /load chat.json");
                return;
            }
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Unquote(argument));
            List<ChatMessage> messages;
            try
            {
                messages = ConversationFile.Parse(File.ReadAllText(path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                var category = ex is FileNotFoundException || ex is DirectoryNotFoundException ? ErrorCategory.ObjectNotFound
                    : ex is InvalidDataException ? ErrorCategory.InvalidData : ErrorCategory.ReadError;
                WriteError(ErrorRecords.FileReadError(ex, path, category));
                return;
            }
            _conversation.Clear();
            _conversation.AddRange(messages);
            Note($"Loaded {messages.Count} message(s) from {path}.");
        }

        private static string Unquote(string text)
            => text.Length >= 2 && (text[0] == '"' || text[0] == '\'') && text[text.Length - 1] == text[0] ? text.Substring(1, text.Length - 2) : text;

        private void SetSystem(string text)
        {
            var message = new ChatMessage("system", text);
            if (_conversation.Count > 0 && IsSystem(_conversation[0])) _conversation[0] = message;
            else _conversation.Insert(0, message);
        }

        private static bool IsSystem(ChatMessage m)
            => string.Equals(m.Role, "system", StringComparison.OrdinalIgnoreCase) || string.Equals(m.Role, "developer", StringComparison.OrdinalIgnoreCase);

        private string CurrentModel()
        {
            return Client.Endpoint.ModelIdFor(_model) ?? $"the model of endpoint {Client.Endpoint.EndpointId}";
        }

        // Sends a message with the conversation; the turn is kept only when it was answered. False ends the chat.
        private bool Send(string text)
        {
            var request = Template.ShallowCopy();
            request.Messages = new List<ChatMessage>(_conversation) { new ChatMessage("user", text) };
            if (_model is not null) request.Model = _model;
            ToolRunner? runner = null;
            var rounds = 0;
            while (true)
            {
                var outcome = Stream(request, text, out var completion);
                if (outcome != TurnOutcome.Answered) return outcome != TurnOutcome.Fatal;
                if (completion!.ToolCalls is not { Count: > 0 } calls)
                {
                    _conversation.Clear();
                    _conversation.AddRange(completion.Conversation ?? request.Messages);
                    return true;
                }
                runner ??= string.Equals(InvokeTools, "None", StringComparison.OrdinalIgnoreCase) ? null
                    : new ToolRunner(this, string.Equals(InvokeTools, "Confirm", StringComparison.OrdinalIgnoreCase));
                var names = string.Join(", ", calls.Select(c => c.Function.Name));
                if (runner is null || !runner.CanRun(request, completion))
                {
                    WriteWarning($"The model called {names}; the turn is not kept. Run tools made with New-GeminiTool -Command with -InvokeTools Auto or Confirm.");
                    return true;
                }
                if (rounds == MaxToolRounds)
                {
                    WriteWarning($"Stopped after {MaxToolRounds} round(s) of tool calls (-MaxToolRounds); the turn is not kept.");
                    return true;
                }
                rounds++;
                Note($"[running {names}]");
                var next = request.ShallowCopy();
                next.Messages = runner.Answer(completion);
                request = next;
            }
        }

        private enum TurnOutcome
        {
            Answered,
            Failed,
            Fatal,
        }

        // Streams one request: thoughts dimmed on their own lines, then the answer, as they arrive. Ctrl+C (read as a key
        // by the console input) cancels only this request.
        private TurnOutcome Stream(ChatRequest request, string target, out ChatCompletion? completion)
        {
            completion = null;
            var client = Client;
            using var turn = new CancellationTokenSource();
            _turn = turn;
            var state = new StreamState();
            try
            {
                using (_input!.WatchForCancel(() => turn.Cancel()))
                {
                    completion = RunPumped(async stop =>
                    {
                        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, turn.Token);
                        return await ChatCalls.StreamAsync(client, request, chunk => Post(() => state.Write(this, chunk)), linked.Token, bindResultType: false).ConfigureAwait(false);
                    });
                }
                state.End(this);
                if (completion?.Grounding is { Sources.Count: > 0 } grounding) Note(grounding.ToDisplayText());
                return TurnOutcome.Answered;
            }
            catch (OperationCanceledException) when (turn.IsCancellationRequested)
            {
                DrainPosted();
                state.End(this);
                Note("[stopped]");
                return TurnOutcome.Failed;
            }
            catch (GeminiApiException ex)
            {
                DrainPosted();
                state.End(this);
                WriteError(ErrorRecords.FromApiException(ex, target));
                return TurnOutcome.Failed;
            }
            catch (ArgumentException ex)
            {
                state.End(this);
                WriteError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidRequest", target));
                return TurnOutcome.Failed;
            }
            catch (TokenUnavailableException ex)
            {
                // The chat ends, and still outputs the conversation so far: a later turn's expired credentials lose nothing.
                state.End(this);
                WriteError(ErrorRecords.Credentials(ex, ex.Description));
                Note("The chat ends: no access token (see the error). The conversation so far is output.");
                return TurnOutcome.Fatal;
            }
            finally
            {
                _turn = null;
            }
        }

        /// <summary>Cancels the answer being written (if any) along with the command.</summary>
        protected override void StopProcessing()
        {
            try
            {
                _turn?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The turn ended meanwhile.
            }
            base.StopProcessing();
        }

        // What has been written of the answer so far, on the pipeline thread.
        private sealed class StreamState
        {
            private bool _inThought;
            private bool _answerStarted;

            internal void Write(EnterGeminiChatCommand cmdlet, ChatCompletionChunk chunk)
            {
                var thought = chunk.ThoughtText;
                if (!string.IsNullOrEmpty(thought))
                {
                    if (!_inThought)
                    {
                        // Thoughts begin on their own line, even after some answer.
                        if (_answerStarted) cmdlet.WriteHostText(string.Empty, newLine: true);
                        _inThought = true;
                        _answerStarted = false;
                    }
                    cmdlet.WriteHostText(thought!, newLine: false, dimmed: true);
                }
                var text = chunk.AnswerText;
                if (string.IsNullOrEmpty(text)) return;
                if (!_answerStarted)
                {
                    if (_inThought) cmdlet.WriteHostText(string.Empty, newLine: true);
                    _inThought = false;
                    _answerStarted = true;
                    cmdlet.WriteHostText("Gemini: ", newLine: false, label: true);
                }
                cmdlet.WriteHostText(text!, newLine: false);
            }

            internal void End(EnterGeminiChatCommand cmdlet)
            {
                if (_inThought || _answerStarted) cmdlet.WriteHostText(string.Empty, newLine: true);
                _inThought = false;
                _answerStarted = false;
            }
        }

        private static string Shorten(string text)
        {
            var line = text.Replace('\n', ' ').Trim();
            return line.Length <= 60 ? line : line.Substring(0, 57) + "...";
        }

        // A note of the chat itself (not the model's): dimmed.
        private void Note(string text) => WriteHostText(text, newLine: true, dimmed: true);

        // As Write-Host does: an information record tagged PSHOST, shown by the host, redirectable with 6>.
        private void WriteHostText(string text, bool newLine, bool dimmed = false, bool label = false)
        {
            var message = new HostInformationMessage { Message = text, NoNewLine = !newLine };
            if (dimmed) message.ForegroundColor = ConsoleColor.DarkGray;
            else if (label) message.ForegroundColor = ConsoleColor.Cyan;
            WriteInformation(message, s_hostTags);
        }
    }
}
