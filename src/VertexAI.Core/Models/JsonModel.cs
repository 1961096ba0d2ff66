using System;
using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>
    /// Base of every wire object: members the module does not model are kept here, as plain values, and written
    /// back unchanged, so nothing a server adds is lost between a response and the next request.
    /// </summary>
    public abstract class JsonModel
    {
        private Dictionary<string, object?>? _additional;

        /// <summary>Members of the JSON object that have no property of their own (kept for the round trip).</summary>
        public IDictionary<string, object?> AdditionalProperties
            => _additional ??= new Dictionary<string, object?>(StringComparer.Ordinal);

        internal bool HasAdditionalProperties => _additional is { Count: > 0 };

        internal IEnumerable<KeyValuePair<string, object?>> AdditionalOrEmpty
            => (IEnumerable<KeyValuePair<string, object?>>?)_additional ?? Array.Empty<KeyValuePair<string, object?>>();
    }
}
