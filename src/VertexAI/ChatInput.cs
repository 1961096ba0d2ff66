using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Commands
{
    /// <summary>How a line read for Enter-GeminiChat ended.</summary>
    internal enum LineEnd
    {
        /// <summary>Enter: a line.</summary>
        Line,

        /// <summary>Ctrl+C: the turn being typed is discarded.</summary>
        Cancelled,

        /// <summary>Ctrl+D at an empty prompt, or the end of the input.</summary>
        End,
    }

    /// <summary>
    /// Where Enter-GeminiChat reads its turns from, and how lines make a turn. A turn is one line unless it goes on:
    /// a line ending in a backslash continues; a line <c>"""</c> opens a block that the next <c>"""</c> line closes;
    /// and at a console, a line followed at once by more keys (a paste) continues.
    /// </summary>
    internal abstract class ChatInput : IDisposable
    {
        internal const string Prompt = "You: ";
        internal const string ContinuationPrompt = "...: ";
        internal const string Fence = "\"\"\"";

        /// <summary>Whether Ctrl+C reaches this input as a key (so a turn's answer can be stopped without ending the command).</summary>
        internal virtual bool ReadsKeys => false;

        /// <summary>Reads a line after writing <paramref name="prompt"/>; <paramref name="morePending"/> tells that more input
        /// was already waiting when the line ended (a paste).</summary>
        protected abstract LineEnd ReadLine(string prompt, bool firstOfTurn, out string line, out bool morePending);

        /// <summary>
        /// Reads one turn. Returns null at the end of the input, an empty string when the turn was discarded (Ctrl+C) or
        /// blank, else the turn's text (lines joined with \n).
        /// </summary>
        internal string? ReadTurn()
        {
            var lines = new List<string>();
            var fenced = false;
            while (true)
            {
                var first = lines.Count == 0 && !fenced;
                var end = ReadLine(first ? Prompt : ContinuationPrompt, first, out var line, out var morePending);
                if (end == LineEnd.Cancelled) return string.Empty;
                if (end == LineEnd.End)
                {
                    // The end of the input in the middle of a turn still sends what was typed.
                    return lines.Count == 0 ? null : string.Join("\n", lines);
                }
                if (fenced)
                {
                    if (line.Trim() == Fence) return string.Join("\n", lines);
                    lines.Add(line);
                    continue;
                }
                if (lines.Count == 0 && line.Trim() == Fence)
                {
                    fenced = true;
                    continue;
                }
                if (line.EndsWith("\\", StringComparison.Ordinal))
                {
                    lines.Add(line.Substring(0, line.Length - 1));
                    continue;
                }
                lines.Add(line);
                if (!morePending) return string.Join("\n", lines);
            }
        }

        /// <summary>Starts watching for Ctrl+C while an answer is written; disposing the result stops watching.</summary>
        internal virtual IDisposable WatchForCancel(Action onCancel) => NoWatch.Instance;

        /// <inheritdoc/>
        public virtual void Dispose() { }

        /// <summary>Picks the input: the console's keys when it is a terminal, its redirected stdin, else the host's ReadLine.</summary>
        internal static ChatInput Create(PSHost host)
        {
            var isConsoleHost = string.Equals(host?.Name, "ConsoleHost", StringComparison.Ordinal);
            if (isConsoleHost)
            {
                bool redirected;
                try
                {
                    redirected = Console.IsInputRedirected;
                }
                catch (Exception ex) when (ex is System.IO.IOException || ex is PlatformNotSupportedException)
                {
                    redirected = true;
                }
                if (redirected) return new RedirectedInput(host!);
                var keys = ConsoleKeyInput.TryCreate(host!);
                if (keys is not null) return keys;
            }
            return new HostInput(host!);
        }

        private sealed class NoWatch : IDisposable
        {
            internal static readonly NoWatch Instance = new NoWatch();

            public void Dispose() { }
        }

        /// <summary>Lines from a host that is not a console (or cannot give keys): its ReadLine; no paste detection.</summary>
        private sealed class HostInput : ChatInput
        {
            private readonly PSHost _host;

            internal HostInput(PSHost host) => _host = host;

            protected override LineEnd ReadLine(string prompt, bool firstOfTurn, out string line, out bool morePending)
            {
                morePending = false;
                line = string.Empty;
                string? read;
                try
                {
                    _host.UI.Write(prompt);
                    read = _host.UI.ReadLine();
                }
                catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException || ex is NotImplementedException || ex is InvalidOperationException)
                {
                    // A host that cannot read (non-interactive): nothing more to read.
                    return LineEnd.End;
                }
                if (read is null) return LineEnd.End;
                line = read;
                return LineEnd.Line;
            }
        }

        /// <summary>
        /// Lines from redirected stdin (<c>pwsh -c Enter-GeminiChat &lt; turns.txt</c>): one line is one turn unless continued
        /// (backslash, fence); each is echoed after its prompt so the output reads as a transcript; the end of stdin ends the chat.
        /// </summary>
        private sealed class RedirectedInput : ChatInput
        {
            private readonly PSHost _host;

            internal RedirectedInput(PSHost host) => _host = host;

            protected override LineEnd ReadLine(string prompt, bool firstOfTurn, out string line, out bool morePending)
            {
                morePending = false;
                line = string.Empty;
                var read = Console.In.ReadLine();
                if (read is null) return LineEnd.End;
                line = read;
                _host.UI.WriteLine(prompt + line);
                return LineEnd.Line;
            }
        }
    }

    /// <summary>
    /// Keys from an interactive console, read with Ctrl+C treated as input (so PowerShell does not stop the command): a
    /// small line editor (typing, Backspace, Esc or Ctrl+U to clear the line, Up/Down for earlier turns), Ctrl+C discards
    /// the turn being typed, Ctrl+D at an empty prompt ends. While an answer is written, a watcher reads keys: Ctrl+C
    /// cancels the answer, other keys are kept for the next prompt.
    /// </summary>
    internal sealed class ConsoleKeyInput : ChatInput
    {
        // A paste arrives as one burst; more keys this soon after Enter mean the line was pasted, not typed.
        private const int PasteGraceMs = 25;
        private const int WatchIntervalMs = 20;

        private readonly PSHost _host;
        private readonly bool _treatedAsInput;
        private readonly ConcurrentQueue<ConsoleKeyInfo> _typedAhead = new ConcurrentQueue<ConsoleKeyInfo>();
        private readonly List<string> _history = new List<string>();

        private ConsoleKeyInput(PSHost host, bool treatedAsInput)
        {
            _host = host;
            _treatedAsInput = treatedAsInput;
        }

        internal override bool ReadsKeys => true;

        internal static ConsoleKeyInput? TryCreate(PSHost host)
        {
            try
            {
                var before = Console.TreatControlCAsInput;
                Console.TreatControlCAsInput = true;
                return new ConsoleKeyInput(host, before);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is PlatformNotSupportedException || ex is InvalidOperationException)
            {
                // No console to read keys from.
                return null;
            }
        }

        /// <summary>Remembers a turn for Up/Down.</summary>
        internal void Remember(string turn)
        {
            if (turn.Length == 0 || turn.IndexOf('\n') >= 0) return;
            if (_history.Count > 0 && _history[_history.Count - 1] == turn) return;
            _history.Add(turn);
        }

        protected override LineEnd ReadLine(string prompt, bool firstOfTurn, out string line, out bool morePending)
        {
            morePending = false;
            line = string.Empty;
            _host.UI.Write(prompt);
            var text = new StringBuilder();
            var recalled = _history.Count;
            while (true)
            {
                var key = ReadKey();
                if (IsControl(key, ConsoleKey.C, '\x03'))
                {
                    Console.WriteLine("^C");
                    return LineEnd.Cancelled;
                }
                if (IsControl(key, ConsoleKey.D, '\x04'))
                {
                    if (firstOfTurn && text.Length == 0)
                    {
                        Console.WriteLine();
                        return LineEnd.End;
                    }
                    continue;
                }
                if (key.Key == ConsoleKey.Enter || key.KeyChar == '\r' || key.KeyChar == '\n')
                {
                    Console.WriteLine();
                    line = text.ToString();
                    morePending = MoreKeysWaiting();
                    return LineEnd.Line;
                }
                if (key.Key == ConsoleKey.Backspace || key.KeyChar == '\b' || key.KeyChar == '\x7f')
                {
                    if (text.Length > 0)
                    {
                        text.Length--;
                        Console.Write("\b \b");
                    }
                    continue;
                }
                if (key.Key == ConsoleKey.Escape || IsControl(key, ConsoleKey.U, '\x15'))
                {
                    Erase(text);
                    continue;
                }
                if (firstOfTurn && (key.Key == ConsoleKey.UpArrow || key.Key == ConsoleKey.DownArrow))
                {
                    var next = key.Key == ConsoleKey.UpArrow ? recalled - 1 : recalled + 1;
                    if (next < 0 || next > _history.Count) continue;
                    recalled = next;
                    Erase(text);
                    text.Append(recalled < _history.Count ? _history[recalled] : string.Empty);
                    Console.Write(text.ToString());
                    continue;
                }
                var c = key.KeyChar;
                if (c == '\t' || (c >= ' ' && c != '\x7f'))
                {
                    text.Append(c);
                    Console.Write(c);
                }
            }
        }

        private static void Erase(StringBuilder text)
        {
            if (text.Length == 0) return;
            Console.Write(new string('\b', text.Length) + new string(' ', text.Length) + new string('\b', text.Length));
            text.Clear();
        }

        private static bool IsControl(ConsoleKeyInfo key, ConsoleKey letter, char control)
            => key.KeyChar == control || (key.Key == letter && (key.Modifiers & ConsoleModifiers.Control) != 0);

        private ConsoleKeyInfo ReadKey() => _typedAhead.TryDequeue(out var key) ? key : Console.ReadKey(intercept: true);

        private bool MoreKeysWaiting()
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(PasteGraceMs);
            while (true)
            {
                if (!_typedAhead.IsEmpty || Console.KeyAvailable) return true;
                if (DateTime.UtcNow >= deadline) return false;
                Thread.Sleep(5);
            }
        }

        internal override IDisposable WatchForCancel(Action onCancel) => new Watcher(this, onCancel);

        /// <inheritdoc/>
        public override void Dispose()
        {
            try
            {
                Console.TreatControlCAsInput = _treatedAsInput;
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is PlatformNotSupportedException || ex is InvalidOperationException)
            {
                // The console went away; nothing to restore.
            }
        }

        // Reads keys on a worker thread while the pipeline thread writes the answer.
        private sealed class Watcher : IDisposable
        {
            private readonly CancellationTokenSource _done = new CancellationTokenSource();
            private readonly Task _task;

            internal Watcher(ConsoleKeyInput input, Action onCancel)
            {
                var token = _done.Token;
                _task = Task.Run(async () =>
                {
                    while (!token.IsCancellationRequested)
                    {
                        bool available;
                        try
                        {
                            available = Console.KeyAvailable;
                        }
                        catch (InvalidOperationException)
                        {
                            return;
                        }
                        if (!available)
                        {
                            try
                            {
                                await Task.Delay(WatchIntervalMs, token).ConfigureAwait(false);
                            }
                            catch (OperationCanceledException)
                            {
                                return;
                            }
                            continue;
                        }
                        var key = Console.ReadKey(intercept: true);
                        if (IsControl(key, ConsoleKey.C, '\x03')) onCancel();
                        else input._typedAhead.Enqueue(key);
                    }
                });
            }

            public void Dispose()
            {
                _done.Cancel();
                try
                {
                    _task.Wait(1000);
                }
                catch (AggregateException)
                {
                    // The watcher's own failure does not matter once the answer is over.
                }
                _done.Dispose();
            }
        }
    }
}
