using System;
using System.Collections.Generic;
using System.Management.Automation;
using VertexAI.Batch;

namespace VertexAI.Commands
{
    /// <summary>
    /// What the cmdlets that work on existing batch jobs share: the connection settings, and a client for the location a
    /// job lives in (a full job name carries its project and location, which then win over the defaults unless -Project or
    /// -Location is given).
    /// </summary>
    public abstract class GeminiBatchJobCommandBase : GeminiConnectionCommandBase
    {
        private readonly Dictionary<string, BatchJobClient> _clients = new Dictionary<string, BatchJobClient>(StringComparer.Ordinal);
        private readonly Dictionary<string, GeminiClientOptions> _options = new Dictionary<string, GeminiClientOptions>(StringComparer.Ordinal);

        /// <summary>The jobs client for <paramref name="name"/>'s location (or the defaults' for an id or no name).</summary>
        protected BatchJobClient ClientFor(string? name, out GeminiClientOptions options)
        {
            string? project = null, location = null;
            if (name is not null && name.StartsWith("projects/", StringComparison.Ordinal))
            {
                var parts = name.Split('/');
                if (parts.Length >= 4)
                {
                    project = parts[1];
                    location = parts[3];
                }
            }
            var bound = MyInvocation.BoundParameters;
            var context = GeminiContext.Current;
            var settings = new EndpointSettings
            {
                Project = bound.ContainsKey(nameof(Project)) ? Project : project ?? context.Project,
                Location = bound.ContainsKey(nameof(Location)) ? Location : location ?? context.Location,
                ApiVersion = ApiVersion ?? context.ApiVersion,
                BaseUri = BaseUri ?? context.BaseUri,
            };
            var key = settings.Project + "/" + settings.Location;
            if (_clients.TryGetValue(key, out var cached))
            {
                options = _options[key];
                return cached;
            }
            var endpoint = Translate(() => VertexEndpoint.Resolve(settings), "Gemini.InvalidSettings", ex => ex.ParamName);
            options = BuildClientOptions(endpoint);
            var built = options;
            var client = new BatchJobClient(Translate(() => new VertexRestClient(built), "Gemini.InvalidSettings", ex => ex.ParamName));
            _clients[key] = client;
            _options[key] = options;
            return client;
        }

        /// <summary>Reads one job (null after a non-terminating error).</summary>
        protected BatchJob? GetJob(string name) => Call(token => ClientFor(name, out _).GetAsync(name, token), name);
    }
}
