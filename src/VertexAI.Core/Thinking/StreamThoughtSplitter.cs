using System;
using System.Collections.Generic;
using System.Text;

namespace VertexAI
{
    /// <summary>
    /// Tells thought text from answer text in streamed chunks, choice by choice: sets <see cref="ChunkChoice.AnswerText"/>
    /// and <see cref="ChunkChoice.ThoughtText"/> on each chunk it is given, in order. Thoughts are text tagged with the
    /// request's <c>thought_tag_marker</c> (a tag cut across chunks is recognised) and parts marked
    /// <c>extra_content.google.thought: true</c>.
    /// </summary>
    public sealed class StreamThoughtSplitter
    {
        private readonly string? _marker;
        private readonly Dictionary<int, ThoughtParser> _parsers = new Dictionary<int, ThoughtParser>();

        /// <summary>Creates a splitter for <paramref name="marker"/> (null: only parts marked as thoughts count).</summary>
        public StreamThoughtSplitter(string? marker) => _marker = string.IsNullOrEmpty(marker) ? null : marker;

        /// <summary>Sets the answer and thought text of every choice of <paramref name="chunk"/>.</summary>
        public void Apply(ChatCompletionChunk chunk)
        {
            if (chunk is null) throw new ArgumentNullException(nameof(chunk));
            foreach (var choice in chunk.Choices)
            {
                var answer = new StringBuilder();
                StringBuilder? flagged = null;
                // The same reading of parts as a whole message's (ThoughtParser.SplitMessage).
                var text = ThoughtParser.UnflaggedText(choice.Delta, ref flagged);
                var thought = flagged ?? new StringBuilder();

                if (_marker is null)
                {
                    answer.Append(text);
                }
                else
                {
                    if (!_parsers.TryGetValue(choice.Index, out var parser))
                    {
                        parser = new ThoughtParser(_marker);
                        _parsers.Add(choice.Index, parser);
                    }
                    foreach (var s in parser.Feed(text)) (s.IsThought ? thought : answer).Append(s.Text);
                    if (choice.FinishReason is not null)
                    {
                        foreach (var s in parser.Flush()) (s.IsThought ? thought : answer).Append(s.Text);
                    }
                }
                choice.AnswerText = answer.Length > 0 ? answer.ToString() : null;
                choice.ThoughtText = thought.Length > 0 ? thought.ToString() : null;
            }
        }
    }
}
