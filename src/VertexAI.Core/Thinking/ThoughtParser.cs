using System;
using System.Collections.Generic;
using System.Text;

namespace VertexAI
{
    /// <summary>A run of text that is either thought (inside the tags) or answer.</summary>
    public readonly struct ThoughtSegment
    {
        /// <summary>Creates a segment.</summary>
        public ThoughtSegment(bool isThought, string text)
        {
            IsThought = isThought;
            Text = text;
        }

        /// <summary>Whether the text was inside <c>&lt;marker&gt;...&lt;/marker&gt;</c>.</summary>
        public bool IsThought { get; }

        /// <summary>The text, without the tags.</summary>
        public string Text { get; }

        /// <inheritdoc/>
        public override string ToString() => (IsThought ? "[thought] " : string.Empty) + Text;
    }

    /// <summary>
    /// Separates thoughts tagged with Vertex's <c>thought_tag_marker</c> (<c>&lt;think&gt;...&lt;/think&gt;</c> for the
    /// marker <c>think</c>) from the answer. Works on a whole text (<see cref="Split"/>) or incrementally on streamed
    /// fragments (<see cref="Feed"/> then <see cref="Flush"/>): a tag cut between two fragments is recognised, because text
    /// that could be the start of a tag is held back until the next fragment tells.
    /// </summary>
    public sealed class ThoughtParser
    {
        private readonly string _open;
        private readonly string _close;
        private readonly StringBuilder _pending = new StringBuilder();
        private bool _inThought;

        /// <summary>Creates a parser for <paramref name="marker"/> (e.g. <c>think</c>).</summary>
        public ThoughtParser(string marker)
        {
            if (string.IsNullOrEmpty(marker)) throw new ArgumentException("The thought tag marker is empty.", nameof(marker));
            Marker = marker;
            _open = "<" + marker + ">";
            _close = "</" + marker + ">";
        }

        /// <summary>The tag name.</summary>
        public string Marker { get; }

        /// <summary>Whether the text seen so far ends inside a thought.</summary>
        public bool InThought => _inThought;

        /// <summary>Adds a fragment; returns the segments that are certain (text that may start a tag is held back).</summary>
        public IReadOnlyList<ThoughtSegment> Feed(string? fragment)
        {
            var result = new List<ThoughtSegment>();
            if (string.IsNullOrEmpty(fragment)) return result;
            _pending.Append(fragment);
            var buffer = _pending.ToString();
            var start = 0;
            while (true)
            {
                var tag = _inThought ? _close : _open;
                var at = buffer.IndexOf(tag, start, StringComparison.Ordinal);
                if (at >= 0)
                {
                    Emit(result, buffer.Substring(start, at - start));
                    start = at + tag.Length;
                    _inThought = !_inThought;
                    continue;
                }
                var keep = PartialTagLength(buffer, start, tag);
                Emit(result, buffer.Substring(start, buffer.Length - start - keep));
                _pending.Clear();
                _pending.Append(buffer, buffer.Length - keep, keep);
                return result;
            }
        }

        /// <summary>Ends the text: returns what was held back (as thought when a thought was left open).</summary>
        public IReadOnlyList<ThoughtSegment> Flush()
        {
            var result = new List<ThoughtSegment>();
            Emit(result, _pending.ToString());
            _pending.Clear();
            return result;
        }

        /// <summary>
        /// Splits a whole text into its thoughts (every tagged part, joined) and the answer (the rest, with the white space
        /// that followed a closing tag at its start removed). Without a marker, or without tags, the answer is the text.
        /// </summary>
        public static void Split(string? text, string? marker, out string? thoughts, out string? answer)
        {
            thoughts = null;
            answer = text;
            if (text is null || string.IsNullOrEmpty(marker) || text.IndexOf("<" + marker + ">", StringComparison.Ordinal) < 0) return;
            var parser = new ThoughtParser(marker!);
            var t = new StringBuilder();
            var a = new StringBuilder();
            var segments = new List<ThoughtSegment>(parser.Feed(text));
            segments.AddRange(parser.Flush());
            foreach (var s in segments) (s.IsThought ? t : a).Append(s.Text);
            thoughts = t.ToString();
            answer = a.ToString().TrimStart();
        }

        /// <summary>
        /// Splits a message's text into thoughts and answer: text parts marked <c>extra_content.google.thought: true</c>
        /// are thoughts, and so is text tagged with <paramref name="marker"/>.
        /// </summary>
        public static void SplitMessage(ChatMessage? message, string? marker, out string? thoughts, out string? answer)
        {
            thoughts = null;
            answer = null;
            if (message is null) return;
            StringBuilder? flagged = null;
            var raw = UnflaggedText(message, ref flagged);
            Split(raw, marker, out var tagged, out answer);
            if (flagged is null) thoughts = tagged;
            else thoughts = tagged is null ? flagged.ToString() : flagged + tagged;
        }

        /// <summary>
        /// The text of a message (or a streamed delta) that is not marked as a thought; the text of parts marked
        /// <c>extra_content.google.thought: true</c> is appended to <paramref name="flagged"/> (made when there is some).
        /// Null when the message has parts but none is unmarked text. Tagged thoughts are still in the returned text.
        /// </summary>
        internal static string? UnflaggedText(ChatMessage message, ref StringBuilder? flagged)
        {
            if (message.Parts is null) return message.Content;
            StringBuilder? rest = null;
            foreach (var p in message.Parts)
            {
                if (p.Type != "text" || p.Text is null) continue;
                if (IsThoughtPart(p)) (flagged ??= new StringBuilder()).Append(p.Text);
                else (rest ??= new StringBuilder()).Append(p.Text);
            }
            return rest?.ToString();
        }

        /// <summary>Whether a part is marked as a thought (<c>extra_content.google.thought: true</c>).</summary>
        public static bool IsThoughtPart(ContentPart part)
            => part is not null && Json.PlainJson.GetPath(part.ExtraContent, ExtraContent.Google, "thought") is true;

        private void Emit(List<ThoughtSegment> result, string text)
        {
            if (text.Length > 0) result.Add(new ThoughtSegment(_inThought, text));
        }

        // The length of the longest end of buffer[start..] that is a proper prefix of tag.
        private static int PartialTagLength(string buffer, int start, string tag)
        {
            var max = Math.Min(tag.Length - 1, buffer.Length - start);
            for (var n = max; n > 0; n--)
            {
                if (string.CompareOrdinal(buffer, buffer.Length - n, tag, 0, n) == 0) return n;
            }
            return 0;
        }
    }
}
