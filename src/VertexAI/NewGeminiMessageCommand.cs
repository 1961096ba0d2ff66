using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using VertexAI.Json;
using VertexAI.Media;

namespace VertexAI.Commands
{
    /// <summary>
    /// Builds a chat message (system, developer, user, assistant or tool) with text, images and audio. Piped messages
    /// pass through first, so messages chain: <c>New-GeminiMessage -Role system 'Be terse' | New-GeminiMessage 'Hi'</c>.
    /// Text given on the command line makes one message, written after the piped ones; each piped string makes one
    /// message of its own.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GeminiMessage")]
    [OutputType(typeof(ChatMessage))]
    public sealed class NewGeminiMessageCommand : PSCmdlet
    {
        private const string ToolRole = "tool";
        private readonly List<ContentPart> _media = new List<ContentPart>();
        private Dictionary<string, object?>? _extraContent;
        private string _role = "user";
        private bool _textOnCommandLine;
        private bool _inputOnCommandLine;
        private bool _textFromPipeline;
        private bool _fileOnCommandLine;

        private enum MediaKind { Image, Audio, Any }

        /// <summary>The message text. Each piped string becomes one message.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [Alias("Content")]
        [TextInput]
        public string? Text { get; set; }

        /// <summary>The role: system, user (default), assistant, tool or developer.</summary>
        [Parameter]
        [ValidateSet("system", "user", "assistant", "tool", "developer")]
        public string Role { get; set; } = "user";

        /// <summary>Images: gs://, https:// and data: URIs pass through; anything else is a local file, inlined as a base64 data URI.</summary>
        [Parameter]
        public string[]? Image { get; set; }

        /// <summary>Audio (or video, PDF): gs:// and https:// URIs pass through with the media type from the extension; local files are inlined as base64.</summary>
        [Parameter]
        public string[]? Audio { get; set; }

        /// <summary>Video: like -File (gs:// and https:// pass through; local files are inlined as base64).</summary>
        [Parameter]
        public string[]? Video { get; set; }

        /// <summary>Documents (PDF, text): like -File.</summary>
        [Parameter]
        public string[]? Document { get; set; }

        /// <summary>Any file, its kind from the media type: images as image_url, everything else as input_audio with the MIME type.
        /// FileInfo objects (Get-ChildItem) bind by their FullName.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string[]? File { get; set; }

        /// <summary>The media type of -File, -Video, -Document and -FileUri, instead of the one from the name or content.</summary>
        [Parameter]
        public string? MediaType { get; set; }

        /// <summary>On a tool message: files for a multimodal function response (gs:// or https://), sent as extra_content.google.parts file_data.</summary>
        [Parameter]
        public string[]? FileUri { get; set; }

        /// <summary>The display_name of the -FileUri parts (default: the URI's file name).</summary>
        [Parameter]
        public string? DisplayName { get; set; }

        /// <summary>On a tool message: the id of the call it answers. Implies -Role tool.</summary>
        [Parameter]
        public string? ToolCallId { get; set; }

        /// <summary>The message's <c>extra_content</c> (e.g. <c>@{ google = @{ thought_signature = '...' } }</c>): a hashtable or a PSCustomObject of JSON values.</summary>
        [Parameter]
        [JsonObjectTransformation]
        public IDictionary? ExtraContent { get; set; }

        /// <summary>Messages to pass through before the new one (piped from New-GeminiMessage or a completion).</summary>
        [Parameter(ValueFromPipeline = true)]
        [MessageInput]
        public ChatMessage[]? InputObject { get; set; }

        /// <summary>Checks the role, reads the media named on the command line, and passes through -InputObject given there.</summary>
        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            _textOnCommandLine = bound.ContainsKey(nameof(Text));
            _inputOnCommandLine = bound.ContainsKey(nameof(InputObject));

            _role = Role;
            if (ToolCallId is not null)
            {
                if (!bound.ContainsKey(nameof(Role)))
                {
                    _role = ToolRole;
                }
                else if (!string.Equals(Role, ToolRole, StringComparison.OrdinalIgnoreCase))
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(
                        new ArgumentException($"-ToolCallId belongs on a tool message, but -Role is '{Role}'. Leave out -Role, or use -Role tool.", nameof(ToolCallId)),
                        "Gemini.ToolCallIdNeedsToolRole", Role));
                }
            }
            _role = _role.ToLowerInvariant();

            if (ExtraContent is not null)
            {
                try
                {
                    _extraContent = PSValueConverter.ToJsonObject(ExtraContent, "extra_content", nameof(ExtraContent));
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidArgument", nameof(ExtraContent)));
                }
            }

            foreach (var image in Image ?? Array.Empty<string>()) AddMedia(image, MediaKind.Image);
            foreach (var audio in Audio ?? Array.Empty<string>()) AddMedia(audio, MediaKind.Audio);
            foreach (var video in Video ?? Array.Empty<string>()) AddMedia(video, MediaKind.Any);
            foreach (var document in Document ?? Array.Empty<string>()) AddMedia(document, MediaKind.Any);
            _fileOnCommandLine = bound.ContainsKey(nameof(File));
            if (_fileOnCommandLine)
            {
                foreach (var file in File ?? Array.Empty<string>()) AddMedia(file, MediaKind.Any);
            }
            if (FileUri is { Length: > 0 })
            {
                if (!string.Equals(_role, ToolRole, StringComparison.Ordinal))
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(
                        new ArgumentException($"-FileUri makes a multimodal function response, which belongs on a tool message, but the role is '{_role}'. Give -ToolCallId (or -Role tool).", nameof(FileUri)),
                        "Gemini.FileUriNeedsToolRole", _role));
                }
                try
                {
                    var parts = new List<object?>();
                    foreach (var uri in FileUri) parts.Add(MediaParts.FileData(uri, MediaType, DisplayName));
                    _extraContent ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                    var existing = PlainJson.GetPath(_extraContent, VertexAI.ExtraContent.Google, "parts") as object?[];
                    if (existing is not null) parts.InsertRange(0, existing);
                    VertexAI.ExtraContent.SetGoogle(_extraContent, "parts", parts.ToArray());
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidMedia", FileUri));
                }
            }

            if (_inputOnCommandLine) PassThrough(InputObject);
        }

        /// <summary>Passes piped messages through; makes one message for each piped string; collects piped files.</summary>
        protected override void ProcessRecord()
        {
            if (!_fileOnCommandLine && File is not null)
            {
                foreach (var file in File) AddMedia(file, MediaKind.Any);
                File = null;
            }
            if (!_inputOnCommandLine)
            {
                PassThrough(InputObject);
                InputObject = null;
            }
            if (!_textOnCommandLine && Text is not null)
            {
                _textFromPipeline = true;
                WriteObject(Build(Text));
                Text = null;
            }
        }

        /// <summary>Writes the message given on the command line, after every piped message.</summary>
        protected override void EndProcessing()
        {
            if (_textFromPipeline) return;
            var bound = MyInvocation.BoundParameters;
            if (_textOnCommandLine || _media.Count > 0 || bound.ContainsKey(nameof(ToolCallId)) || bound.ContainsKey(nameof(ExtraContent)) || bound.ContainsKey(nameof(FileUri)))
            {
                WriteObject(Build(_textOnCommandLine ? Text : null));
            }
            else if (!MyInvocation.ExpectingInput && !_inputOnCommandLine)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException("Give the message's text (-Text), -Image, -Audio, -Video, -Document or -File, or pipe in text, files or messages."), "Gemini.EmptyMessage", null));
            }
        }

        private ChatMessage Build(string? text)
        {
            var message = new ChatMessage { Role = _role };
            if (_media.Count == 0)
            {
                message.Content = text ?? string.Empty;
            }
            else
            {
                message.Parts = new List<ContentPart>(_media.Count + 1);
                if (!string.IsNullOrEmpty(text)) message.Parts.Add(ContentPart.FromText(text!));
                foreach (var part in _media) message.Parts.Add(Copy(part));
            }
            if (ToolCallId is not null) message.ToolCallId = ToolCallId;
            if (_extraContent is not null) message.ExtraContent = (Dictionary<string, object?>)PlainJson.Clone(_extraContent)!;
            return message;
        }

        private void PassThrough(ChatMessage[]? messages)
        {
            if (messages is null) return;
            foreach (var message in messages)
            {
                if (message is not null) WriteObject(message);
            }
        }

        // Each message gets its own part objects; the (possibly large) data strings are shared.
        private static ContentPart Copy(ContentPart part) => new ContentPart
        {
            Type = part.Type,
            ImageUrl = part.ImageUrl,
            AudioData = part.AudioData,
            AudioFormat = part.AudioFormat,
        };

        // A local path with wildcards (-Image ./*.png) adds every file it matches, in name order; a path that names an
        // existing file as it is (brackets in a name) is taken literally, and so is a backtick-escaped pattern.
        private void AddMedia(string value, MediaKind kind)
        {
            var reference = value is null ? MediaReferenceKind.LocalPath : MediaReference.Classify(value.Trim());
            if (reference == MediaReferenceKind.LocalPath && WildcardPattern.ContainsWildcardCharacters(value))
            {
                var literal = SessionState.Path.GetUnresolvedProviderPathFromPSPath(value);
                if (!System.IO.File.Exists(literal))
                {
                    foreach (var match in ExpandWildcards(value!)) AddOneMedia(match, kind);
                    return;
                }
            }
            AddOneMedia(value!, kind);
        }

        private List<string> ExpandWildcards(string pattern)
        {
            var matches = new List<string>();
            try
            {
                foreach (var path in SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out var provider))
                {
                    if (string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase) && System.IO.File.Exists(path)) matches.Add(path);
                }
            }
            catch (ItemNotFoundException)
            {
                // No match: reported below, naming the pattern.
            }
            if (matches.Count == 0)
            {
                ThrowTerminatingError(ErrorRecords.FileNotFound(new FileNotFoundException($"No file matches '{pattern}'."), pattern));
            }
            matches.Sort(StringComparer.Ordinal);
            WriteVerbose($"'{pattern}' matches {matches.Count} file(s).");
            return matches;
        }

        private void AddOneMedia(string value, MediaKind kind)
        {
            ErrorRecord error;
            try
            {
                var part = kind switch
                {
                    MediaKind.Audio => MediaParts.Audio(value, ResolveLocalPath),
                    MediaKind.Image => MediaParts.Image(value, ResolveLocalPath),
                    _ => MediaParts.File(value, MediaType, ResolveLocalPath),
                };
                var audio = part.Type == "input_audio";
                var reference = MediaReference.Classify(value);
                if (reference == MediaReferenceKind.LocalPath || reference == MediaReferenceKind.FileUri)
                {
                    // The inlined base64 (a data: URI for images) is 4/3 of the file's size.
                    var inlined = (audio ? part.AudioData : part.ImageUrl)?.Length ?? 0;
                    var mediaType = audio ? part.AudioFormat : part.ImageUrl!.Substring(5, part.ImageUrl.IndexOf(';') - 5);
                    WriteVerbose($"Read '{value}' ({mediaType}): {inlined * 3L / 4 / 1024} KB inlined as base64.");
                }
                _media.Add(part);
                return;
            }
            catch (Exception ex) when (ex is IOException || ex is SessionStateException || ex is UnauthorizedAccessException
                || ex is ArgumentException || ex is NotSupportedException)
            {
                error = ErrorRecords.MediaUnreadable(ex, value);
            }
            ThrowTerminatingError(error);
        }

        // Relative to PowerShell's current location (not the process's), with ~ and PSDrives, without wildcards.
        private string ResolveLocalPath(string path)
        {
            var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{path}' is on the {provider.Name} provider, not a file system path.", nameof(path));
            }
            return resolved;
        }
    }
}
