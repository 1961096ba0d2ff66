using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VertexAI.Emulator;

/// <summary>Reads the text and media of request messages, and counts "tokens" as whitespace-separated words.</summary>
internal static partial class MessageText
{
    /// <summary>A message's string content, or its text parts concatenated; tool messages likewise.</summary>
    public static string TextOf(JsonNode? message)
    {
        var content = message?["content"];
        if (content is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        if (content is not JsonArray parts)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (part?["type"]?.GetValueKind() == JsonValueKind.String && part["type"]!.GetValue<string>() == "text"
                && part["text"] is JsonValue t && t.GetValueKind() == JsonValueKind.String)
            {
                text.Append(t.GetValue<string>());
            }
        }

        return text.ToString();
    }

    /// <summary>Counts of non-text parts by kind: image (image_url), audio (input_audio), file (file).</summary>
    public static (int Images, int Audio, int Files) MediaOf(JsonNode? message)
    {
        int images = 0, audio = 0, files = 0;
        if (message?["content"] is JsonArray parts)
        {
            foreach (var part in parts)
            {
                var type = part?["type"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                switch (type)
                {
                    case "image_url": images++; break;
                    case "input_audio": audio++; break;
                    case "file": files++; break;
                }
            }
        }

        return (images, audio, files);
    }

    /// <summary>"[1 image, 2 audio]" for the media parts of a message, or empty when there are none.</summary>
    public static string MediaSummary(JsonNode? message)
    {
        var (images, audio, files) = MediaOf(message);
        var items = new List<string>();
        if (images > 0)
        {
            items.Add(images == 1 ? "1 image" : $"{images} images");
        }

        if (audio > 0)
        {
            items.Add($"{audio} audio");
        }

        if (files > 0)
        {
            items.Add(files == 1 ? "1 file" : $"{files} files");
        }

        return items.Count == 0 ? string.Empty : "[" + string.Join(", ", items) + "]";
    }

    public static string RoleOf(JsonNode? message) =>
        message?["role"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty;

    public static int CountWords(string text) => Word().Count(text);

    /// <summary>Cuts <paramref name="text"/> after its <paramref name="max"/>-th word; false when it had no more words than that.</summary>
    public static bool TryTruncateWords(string text, int max, out string truncated)
    {
        var words = Word().Matches(text);
        if (words.Count <= max)
        {
            truncated = text;
            return false;
        }

        var last = words[max - 1];
        truncated = text[..(last.Index + last.Length)];
        return true;
    }

    /// <summary>
    /// Splits into stream pieces of one word each with the whitespace that follows it (leading whitespace stays
    /// on the first piece), so the pieces concatenate to exactly <paramref name="text"/>. Never returns no pieces.
    /// </summary>
    public static IReadOnlyList<string> SplitForStreaming(string text)
    {
        var pieces = new List<string>();
        var words = Word().Matches(text);
        if (words.Count == 0)
        {
            return [text];
        }

        for (var i = 0; i < words.Count; i++)
        {
            var start = i == 0 ? 0 : words[i].Index;
            var end = i + 1 < words.Count ? words[i + 1].Index : text.Length;
            pieces.Add(text[start..end]);
        }

        return pieces;
    }

    [GeneratedRegex(@"\S+")]
    private static partial Regex Word();
}
