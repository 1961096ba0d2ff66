using System;
using System.Collections.Generic;
using System.Text;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// Folds streamed chunks into the completion a conversation keeps: text concatenated, tool calls merged, usage,
    /// finish reasons and every <c>extra_content</c> seen (thought signatures included, even on deltas that carry
    /// nothing else).
    /// </summary>
    /// <remarks>
    /// Vertex's tool-call deltas are not OpenAI's: each repeats <c>id</c>, <c>name</c> and <c>type</c>, only
    /// <c>arguments</c> is a fragment, and <c>index</c> is unreliable (the first delta of one call can say 1 and the
    /// rest 0). So a delta is matched to a call by <c>id</c> first, then by the <c>index</c> a call was first seen
    /// with, then by its position in the delta; only <c>arguments</c> is concatenated.
    /// </remarks>
    public sealed class StreamAccumulator
    {
        private readonly SortedDictionary<int, ChoiceState> _choices = new SortedDictionary<int, ChoiceState>();
        private readonly Dictionary<string, object?> _additional = new Dictionary<string, object?>(StringComparer.Ordinal);
        private string? _id;
        private string? _model;
        private string? _fingerprint;
        private long _created;
        private Usage? _usage;
        private ChoiceState? _lastChoice;

        /// <summary>How many chunks were added.</summary>
        public int ChunkCount { get; private set; }

        /// <summary>Whether every choice seen so far has a finish reason.</summary>
        public bool AllChoicesFinished
        {
            get
            {
                if (_choices.Count == 0) return false;
                foreach (var c in _choices.Values) if (c.FinishReason is null) return false;
                return true;
            }
        }

        /// <summary>Adds one chunk.</summary>
        public void Add(ChatCompletionChunk chunk)
        {
            if (chunk is null) throw new ArgumentNullException(nameof(chunk));
            ChunkCount++;
            _id ??= chunk.Id;
            _model ??= chunk.Model;
            _fingerprint ??= chunk.SystemFingerprint;
            if (_created == 0) _created = chunk.Created;
            if (chunk.Usage is not null) _usage = chunk.Usage;
            if (chunk.HasAdditionalProperties) MergeFirstWins(_additional, chunk.AdditionalProperties);

            var choices = chunk.Choices;
            for (var i = 0; i < choices.Count; i++)
            {
                var choice = choices[i];
                // Nearly every stream has one choice: skip the lookup while the index stays the same.
                var state = _lastChoice;
                if (state is null || state.Index != choice.Index)
                {
                    if (!_choices.TryGetValue(choice.Index, out state))
                    {
                        state = new ChoiceState(choice.Index);
                        _choices.Add(choice.Index, state);
                    }
                    _lastChoice = state;
                }
                state.Add(choice);
            }
        }

        /// <summary>The completion assembled so far (a new object each call).</summary>
        public ChatCompletion ToCompletion()
        {
            var completion = new ChatCompletion
            {
                Id = _id,
                Object = "chat.completion",
                Created = _created,
                Model = _model,
                SystemFingerprint = _fingerprint,
                Usage = _usage,
            };
            foreach (var kv in _additional) completion.AdditionalProperties[kv.Key] = PlainJson.Clone(kv.Value);
            foreach (var state in _choices.Values) completion.Choices.Add(state.ToChoice());
            return completion;
        }

        /// <summary>
        /// The tool calls of the first choice so far, as <see cref="ToCompletion"/> would give them (new objects each call,
        /// arguments as received so far), without assembling the rest of the completion; null when there is none.
        /// </summary>
        public IReadOnlyList<ToolCall>? ToolCallsSoFar()
        {
            foreach (var state in _choices.Values) return state.CopyToolCalls();
            return null;
        }

        private static void MergeFirstWins(IDictionary<string, object?> target, IDictionary<string, object?> source)
        {
            foreach (var kv in source)
            {
                if (!target.TryGetValue(kv.Key, out var existing) || existing is null) target[kv.Key] = PlainJson.Clone(kv.Value);
            }
        }

        private sealed class ChoiceState
        {
            private readonly int _index;
            private readonly StringBuilder _text = new StringBuilder();
            private readonly List<ContentPart> _parts = new List<ContentPart>();
            private readonly List<ToolCall> _calls = new List<ToolCall>();
            private readonly Dictionary<string, ToolCall> _callsById = new Dictionary<string, ToolCall>(StringComparer.Ordinal);
            private readonly Dictionary<int, ToolCall> _callsByIndex = new Dictionary<int, ToolCall>();
            private readonly Dictionary<ToolCall, StringBuilder> _arguments = new Dictionary<ToolCall, StringBuilder>();
            private readonly Dictionary<string, object?> _messageAdditional = new Dictionary<string, object?>(StringComparer.Ordinal);
            private readonly Dictionary<string, object?> _choiceAdditional = new Dictionary<string, object?>(StringComparer.Ordinal);
            private Dictionary<string, object?>? _extraContent;
            private string? _role;
            private string? _name;
            private bool _sawParts;
            private bool _sawContent;
            private AudioOutput? _audio;
            private StringBuilder? _audioData;
            private StringBuilder? _audioTranscript;
            private object? _logprobs;

            internal ChoiceState(int index) => _index = index;

            internal int Index => _index;

            internal string? FinishReason { get; private set; }

            internal void Add(ChunkChoice choice)
            {
                if (choice.FinishReason is not null) FinishReason = choice.FinishReason;
                if (choice.Logprobs is not null) _logprobs ??= PlainJson.Clone(choice.Logprobs);
                if (choice.HasAdditionalProperties) MergeFirstWins(_choiceAdditional, choice.AdditionalProperties);

                var d = choice.Delta;
                _role ??= d.Role;
                _name ??= d.Name;
                if (d.Content is not null)
                {
                    _sawContent = true;
                    if (_sawParts) AppendTextPart(d.Content);
                    else _text.Append(d.Content);
                }
                if (d.Parts is not null)
                {
                    if (!_sawParts && _text.Length > 0)
                    {
                        // Text that came as plain strings before the first part array becomes the first part.
                        _parts.Add(ContentPart.FromText(_text.ToString()));
                        _text.Clear();
                    }
                    _sawParts = true;
                    foreach (var p in d.Parts)
                    {
                        if (p.Type == "text" && p.ExtraContent is null && !p.HasAdditionalProperties && p.Text is not null) AppendTextPart(p.Text);
                        else _parts.Add(p);
                    }
                }
                if (d.ExtraContent is not null) PlainJson.MergeInto(_extraContent ??= NewMap(), d.ExtraContent);
                if (d.Audio is not null) AddAudio(d.Audio);
                if (d.ToolCalls is not null)
                {
                    for (var position = 0; position < d.ToolCalls.Count; position++) AddToolCall(d.ToolCalls[position], position);
                }
                if (d.HasAdditionalProperties)
                {
                    foreach (var kv in d.AdditionalProperties)
                    {
                        // Unknown streamed strings (e.g. reasoning_content) arrive in fragments like content does.
                        if (kv.Value is string s && _messageAdditional.TryGetValue(kv.Key, out var prior) && prior is string ps)
                            _messageAdditional[kv.Key] = ps + s;
                        // Lists that come a piece per delta (e.g. annotations, url citations) are joined, not first-wins.
                        else if (kv.Value is object?[] items && _messageAdditional.TryGetValue(kv.Key, out var priorList) && priorList is object?[] pl)
                            _messageAdditional[kv.Key] = Concat(pl, (object?[])PlainJson.Clone(items)!);
                        else if (!_messageAdditional.TryGetValue(kv.Key, out var existing) || existing is null)
                            _messageAdditional[kv.Key] = PlainJson.Clone(kv.Value);
                    }
                }
            }

            private void AppendTextPart(string text)
            {
                if (_parts.Count > 0)
                {
                    var last = _parts[_parts.Count - 1];
                    if (last.Type == "text" && last.ExtraContent is null && !last.HasAdditionalProperties)
                    {
                        last.Text += text;
                        return;
                    }
                }
                _parts.Add(ContentPart.FromText(text));
            }

            private void AddAudio(AudioOutput delta)
            {
                _audio ??= new AudioOutput();
                if (delta.Data is not null) (_audioData ??= new StringBuilder()).Append(delta.Data);
                if (delta.Transcript is not null) (_audioTranscript ??= new StringBuilder()).Append(delta.Transcript);
                _audio.Id ??= delta.Id;
                if (delta.ExtraContent is not null) _audio.ExtraContent = Merge(_audio.ExtraContent, delta.ExtraContent);
                if (delta.HasAdditionalProperties) MergeFirstWins(_audio.AdditionalProperties, delta.AdditionalProperties);
            }

            private void AddToolCall(ToolCall delta, int position)
            {
                ToolCall? call = null;
                if (delta.Id is not null)
                {
                    _callsById.TryGetValue(delta.Id, out call);
                }
                else if (delta.Index is int idx)
                {
                    _callsByIndex.TryGetValue(idx, out call);
                }
                else if (position < _calls.Count)
                {
                    call = _calls[position];
                }

                if (call is null)
                {
                    call = new ToolCall { Id = delta.Id, Type = delta.Type, Index = null };
                    _calls.Add(call);
                    _arguments[call] = new StringBuilder();
                    if (delta.Id is not null) _callsById[delta.Id] = call;
                    // Only the index a call is first seen with identifies it; later deltas on Vertex may say otherwise.
                    if (delta.Index is int first && !_callsByIndex.ContainsKey(first)) _callsByIndex[first] = call;
                }

                if (call.Id is null && delta.Id is not null)
                {
                    call.Id = delta.Id;
                    _callsById[delta.Id] = call;
                }
                call.Type ??= delta.Type;
                if (string.IsNullOrEmpty(call.Function.Name)) call.Function.Name = delta.Function.Name;
                if (delta.Function.Arguments is not null) _arguments[call].Append(delta.Function.Arguments);
                if (delta.Function.HasAdditionalProperties) MergeFirstWins(call.Function.AdditionalProperties, delta.Function.AdditionalProperties);
                if (delta.ExtraContent is not null) call.ExtraContent = Merge(call.ExtraContent, delta.ExtraContent);
                if (delta.HasAdditionalProperties) MergeFirstWins(call.AdditionalProperties, delta.AdditionalProperties);
            }

            // Copies, so what was handed out stays as it was while later deltas arrive; null when there is no call.
            internal List<ToolCall>? CopyToolCalls()
            {
                if (_calls.Count == 0) return null;
                var calls = new List<ToolCall>(_calls.Count);
                foreach (var c in _calls)
                {
                    var copy = new ToolCall
                    {
                        Id = c.Id,
                        Type = c.Type ?? "function",
                        Function = new FunctionCall { Name = c.Function.Name, Arguments = _arguments[c].ToString() },
                        ExtraContent = (Dictionary<string, object?>?)PlainJson.Clone(c.ExtraContent),
                    };
                    foreach (var kv in c.Function.AdditionalOrEmpty) copy.Function.AdditionalProperties[kv.Key] = kv.Value;
                    foreach (var kv in c.AdditionalOrEmpty) copy.AdditionalProperties[kv.Key] = kv.Value;
                    calls.Add(copy);
                }
                return calls;
            }

            internal ChatChoice ToChoice()
            {
                var message = new ChatMessage { Role = _role ?? "assistant", Name = _name };
                if (_sawParts)
                {
                    message.Parts = new List<ContentPart>(_parts);
                }
                else if (_sawContent)
                {
                    message.Content = _text.ToString();
                }
                else
                {
                    // Tool-call and image turns carry no content; write it back as Vertex sent it: null.
                    message.ContentWasNull = true;
                }
                message.ToolCalls = CopyToolCalls();
                if (_extraContent is not null) message.ExtraContent = (Dictionary<string, object?>?)PlainJson.Clone(_extraContent);
                if (_audio is not null)
                {
                    message.Audio = new AudioOutput
                    {
                        Id = _audio.Id,
                        Data = _audioData?.ToString(),
                        Transcript = _audioTranscript?.ToString(),
                        ExtraContent = _audio.ExtraContent,
                    };
                    foreach (var kv in _audio.AdditionalOrEmpty) message.Audio.AdditionalProperties[kv.Key] = kv.Value;
                }
                foreach (var kv in _messageAdditional) message.AdditionalProperties[kv.Key] = kv.Value;

                var result = new ChatChoice { Index = _index, FinishReason = FinishReason, Message = message, Logprobs = _logprobs };
                foreach (var kv in _choiceAdditional) result.AdditionalProperties[kv.Key] = kv.Value;
                return result;
            }

            private static Dictionary<string, object?> NewMap() => new Dictionary<string, object?>(StringComparer.Ordinal);

            private static object?[] Concat(object?[] first, object?[] second)
            {
                var all = new object?[first.Length + second.Length];
                first.CopyTo(all, 0);
                second.CopyTo(all, first.Length);
                return all;
            }

            private static IDictionary<string, object?> Merge(IDictionary<string, object?>? target, IDictionary<string, object?> source)
            {
                target ??= NewMap();
                PlainJson.MergeInto(target, source);
                return target;
            }
        }
    }
}
