using System.Collections.Generic;
using System.Text;

namespace VertexAI
{
    /// <summary>
    /// A chat message: one entry of a request's <c>messages</c>, a response's <c>message</c>, or a streamed <c>delta</c>
    /// (where every member is optional).
    /// </summary>
    public sealed class ChatMessage : JsonModel
    {
        /// <summary>The roles the API knows (<c>function</c> is deprecated but still accepted).</summary>
        public static readonly IReadOnlyList<string> KnownRoles = new[] { "system", "developer", "user", "assistant", "tool", "function" };

        /// <summary>Creates an empty message (for deserialization and object initializers).</summary>
        public ChatMessage() { }

        /// <summary>Creates a message with string content.</summary>
        public ChatMessage(string role, string? content)
        {
            Role = role;
            Content = content;
        }

        /// <summary><c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>; null only in deltas.</summary>
        public string? Role { get; set; }

        /// <summary>The content when it is a plain string (null when the content is an array of parts, or absent).</summary>
        public string? Content { get; set; }

        /// <summary>The content when it is an array of parts; takes precedence over <see cref="Content"/> on the wire.</summary>
        public List<ContentPart>? Parts { get; set; }

        /// <summary>Optional participant name.</summary>
        public string? Name { get; set; }

        /// <summary>On a <c>tool</c> message: the id of the call it answers.</summary>
        public string? ToolCallId { get; set; }

        /// <summary>On an assistant message: the function calls the model made.</summary>
        public List<ToolCall>? ToolCalls { get; set; }

        /// <summary>Generated audio, or (on Vertex) a generated image.</summary>
        public AudioOutput? Audio { get; set; }

        /// <summary>Vertex's message-level <c>extra_content</c> (e.g. <c>google.thought_signature</c>, <c>google.parts</c>).</summary>
        public IDictionary<string, object?>? ExtraContent { get; set; }

        /// <summary>Whether the wire object had <c>"content": null</c> explicitly (written back the same way).</summary>
        public bool ContentWasNull { get; set; }

        /// <summary>The text: the string content, or the text parts joined.</summary>
        public string? Text
        {
            get
            {
                if (Parts is null) return Content;
                StringBuilder? sb = null;
                foreach (var p in Parts)
                {
                    if (p.Type == "text" && p.Text is not null) (sb ??= new StringBuilder()).Append(p.Text);
                }
                return sb?.ToString();
            }
        }

        /// <summary>The message-level Gemini thought signature, if any.</summary>
        public string? ThoughtSignature => VertexAI.ExtraContent.GetGoogleString(ExtraContent, "thought_signature");

        /// <inheritdoc/>
        public override string ToString()
        {
            var text = Text;
            if (text is null && ToolCalls is { Count: > 0 }) text = string.Join(", ", ToolCalls);
            if (text is null && Audio is not null) text = Audio.ToString();
            return $"{Role}: {text}";
        }
    }
}
