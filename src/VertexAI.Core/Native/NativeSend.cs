using System;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Native
{
    /// <summary>
    /// Sends JSON to a native Vertex AI route and returns the parsed answer (throwing <see cref="GeminiApiException"/>
    /// for an error): the shape of the shared REST client's send method, so the route classes do not depend on how the
    /// transport is built.
    /// </summary>
    /// <param name="method">GET, POST, PATCH or DELETE.</param>
    /// <param name="uri">The full URI.</param>
    /// <param name="jsonBody">The UTF-8 JSON body, or null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public delegate Task<JsonDocument> NativeSend(HttpMethod method, Uri uri, byte[]? jsonBody, CancellationToken cancellationToken);
}
