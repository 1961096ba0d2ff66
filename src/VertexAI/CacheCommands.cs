using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a Vertex AI context cache: content stored once and read by later requests at a discount.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GeminiCache")]
    [OutputType(typeof(GeminiCache))]
    public sealed class NewGeminiCacheCommand : GeminiConnectionCommandBase
    {
        private NativeContentInput? _input;
        private readonly List<string> _pipedText = new List<string>();
        private bool _textOnCommandLine;
        private bool _messagesOnCommandLine;

        /// <summary>Text to cache (e.g. a document read with Get-Content -Raw); piped lines are joined into one message.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [TextInput]
        public string[]? Text { get; set; }

        /// <summary>Messages to cache (New-GeminiMessage, Import-GeminiConversation).</summary>
        [Parameter(ValueFromPipeline = true)]
        [MessageInput]
        public ChatMessage[]? Message { get; set; }

        /// <summary>Files to cache: local paths (inlined), gs:// or https:// URIs.</summary>
        [Parameter]
        public string[]? File { get; set; }

        /// <summary>The media type of -File, instead of the one from the name or content.</summary>
        [Parameter]
        public string? MediaType { get; set; }

        /// <summary>The system instruction to cache.</summary>
        [Parameter]
        public string? SystemInstruction { get; set; }

        /// <summary>Function tools to cache (New-GeminiTool).</summary>
        [Parameter]
        public ToolDefinition[]? Tool { get; set; }

        /// <summary>The model the cache is for; requests that use the cache must use the same model.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <summary>How long the cache lives (Vertex's default is one hour); not with -ExpireTime.</summary>
        [Parameter]
        public TimeSpan Ttl { get; set; }

        /// <summary>When the cache expires; not with -Ttl.</summary>
        [Parameter]
        public DateTime ExpireTime { get; set; }

        /// <summary>A name for people.</summary>
        [Parameter]
        public string? DisplayName { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            _input = new NativeContentInput(this);
            var bound = MyInvocation.BoundParameters;
            _textOnCommandLine = bound.ContainsKey(nameof(Text));
            _messagesOnCommandLine = bound.ContainsKey(nameof(Message));
            if (_messagesOnCommandLine) _input.Add(Message);
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!_textOnCommandLine && Text is not null)
            {
                _pipedText.AddRange(Text);
                Text = null;
            }
            if (!_messagesOnCommandLine && Message is not null)
            {
                _input!.Add(Message);
                Message = null;
            }
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var input = _input!;
            if (_textOnCommandLine && Text is not null) _pipedText.AddRange(Text);
            if (_pipedText.Count > 0) input.AddText(string.Join("\n", _pipedText));
            input.AddFiles(File, MediaType);
            input.SetSystemInstruction(SystemInstruction);

            var client = BuildRestClient();
            var context = GeminiContext.Current;
            var definition = new CacheDefinition
            {
                Model = Model ?? context.Model ?? VertexEndpoint.DefaultModel,
                DisplayName = DisplayName,
            };
            definition.Messages.AddRange(input.Messages);
            if (Tool is not null) definition.Tools.AddRange(Tool.Where(t => t is not null));
            var bound = MyInvocation.BoundParameters;
            if (bound.ContainsKey(nameof(Ttl))) definition.Ttl = Ttl;
            if (bound.ContainsKey(nameof(ExpireTime))) definition.ExpireTime = new DateTimeOffset(ExpireTime.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(ExpireTime, DateTimeKind.Local) : ExpireTime);

            var calls = new CacheCalls(client);
            var cache = Call(token => calls.CreateAsync(definition, token), DisplayName ?? (object)definition.Model);
            if (cache is null) return;
            WriteVerbose($"Created {cache.Name}: {cache.TotalTokenCount} tokens for {cache.Model}, expires {cache.ExpireTime?.ToLocalTime():u}.");
            WriteObject(cache);
        }
    }

    /// <summary>
    /// <para type="synopsis">Gets context caches: one by name, or all in the project and location.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GeminiCache")]
    [OutputType(typeof(GeminiCache))]
    public sealed class GetGeminiCacheCommand : GeminiConnectionCommandBase
    {
        /// <summary>Cache names or ids (wildcards match names, ids and display names); none lists every cache.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        private CacheCalls? _calls;

        /// <inheritdoc/>
        protected override void BeginProcessing() => _calls = new CacheCalls(BuildRestClient());

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var names = Name;
            if (names is null || names.Length == 0)
            {
                ListAll(null);
                return;
            }
            var patterns = names.Where(WildcardPattern.ContainsWildcardCharacters).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            if (patterns.Count > 0) ListAll(c => patterns.Any(p => p.IsMatch(c.Name) || p.IsMatch(c.Id) || (c.DisplayName is { } d && p.IsMatch(d))));
            foreach (var name in names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            {
                var calls = _calls!;
                var resolved = Translate(() => calls.ResolveName(name), "Gemini.InvalidCacheName", _ => name);
                var cache = Call(token => calls.GetAsync(resolved, token), resolved);
                if (cache is not null) WriteObject(cache);
            }
        }

        // Pages are read one after another and written as they arrive.
        private void ListAll(Func<GeminiCache, bool>? filter)
        {
            var calls = _calls!;
            string? pageToken = null;
            var pages = 0;
            do
            {
                var token = pageToken;
                var page = Call(t => calls.ListPageAsync(token, null, t), "cachedContents");
                if (page is null) return;
                pages++;
                foreach (var cache in page.Caches)
                {
                    if (filter is null || filter(cache)) WriteObject(cache);
                }
                pageToken = page.NextPageToken;
            }
            while (pageToken is not null);
            WriteVerbose($"Listed context caches in {pages} page(s).");
        }
    }

    /// <summary>
    /// <para type="synopsis">Sets a context cache's expiry: a new time to live or expiry time.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "GeminiCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GeminiCache))]
    public sealed class SetGeminiCacheCommand : GeminiConnectionCommandBase
    {
        private CacheCalls? _calls;

        /// <summary>The cache's name or id (a cache from Get-GeminiCache binds by its Name).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; } = string.Empty;

        /// <summary>The new time to live, from now (give it or -ExpireTime).</summary>
        [Parameter]
        public TimeSpan Ttl { get; set; }

        /// <summary>The new expiry time (give it or -Ttl).</summary>
        [Parameter]
        public DateTime ExpireTime { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            if (bound.ContainsKey(nameof(Ttl)) == bound.ContainsKey(nameof(ExpireTime)))
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException("Give the new expiry: -Ttl (a time to live from now) or -ExpireTime, one of them.", nameof(Ttl)), "Gemini.InvalidSettings", null));
            }
            _calls = new CacheCalls(BuildRestClient());
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var calls = _calls!;
            var name = Translate(() => calls.ResolveName(Name), "Gemini.InvalidCacheName", _ => Name);
            var byTtl = MyInvocation.BoundParameters.ContainsKey(nameof(Ttl));
            var expire = new DateTimeOffset(ExpireTime.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(ExpireTime, DateTimeKind.Local) : ExpireTime);
            var what = byTtl ? $"Set the time to live to {Ttl}" : $"Set the expiry to {expire.ToLocalTime():u}";
            if (!ShouldProcess(name, what)) return;
            TimeSpan? ttl = byTtl ? Ttl : (TimeSpan?)null;
            DateTimeOffset? at = byTtl ? (DateTimeOffset?)null : expire;
            var cache = Call(token => calls.UpdateExpiryAsync(name, ttl, at, token), name);
            if (cache is not null) WriteObject(cache);
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes context caches.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "GeminiCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(string))]
    public sealed class RemoveGeminiCacheCommand : GeminiConnectionCommandBase
    {
        private CacheCalls? _calls;

        /// <summary>Cache names or ids (a cache from Get-GeminiCache binds by its Name).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Writes the full name of each deleted cache.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing() => _calls = new CacheCalls(BuildRestClient());

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var calls = _calls!;
            foreach (var given in Name)
            {
                var name = Translate(() => calls.ResolveName(given), "Gemini.InvalidCacheName", _ => given);
                if (!ShouldProcess(name, "Delete the context cache")) continue;
                if (Call(async token => { await calls.DeleteAsync(name, token).ConfigureAwait(false); return name; }, name) is not null)
                {
                    WriteVerbose($"Deleted {name}.");
                    if (PassThru) WriteObject(name);
                }
            }
        }
    }
}
