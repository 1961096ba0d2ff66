namespace VertexAI.Emulator;

/// <summary>
/// Real Vertex transcripts from the German "Chat Completions" documentation (spec/001_5c2c541b96136fc4.txt),
/// verbatim, so tests can replay exactly what Google sent (with the document's elided <c>"..."</c> signatures).
/// </summary>
public static class TranscriptData
{
    /// <summary>
    /// The 12 <c>data:</c> payloads of the <c>stream_function_call_arguments</c> example (two parallel
    /// <c>get_current_weather</c> calls), in order, without the <c>"data: "</c> prefix and without <c>[DONE]</c>.
    /// </summary>
    public static IReadOnlyList<string> StreamFunctionCallArgumentsEvents { get; } =
    [
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"extra_content":{"google":{"thought_signature":"..."}},"function":{"arguments":"","name":"get_current_weather"},"id":"function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563","index":1,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"location\":\"Boston, MA","name":"get_current_weather"},"id":"function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563","index":0,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"\"","name":"get_current_weather"},"id":"function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563","index":0,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":",\"unit\":\"celsius","name":"get_current_weather"},"id":"function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563","index":0,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"\"","name":"get_current_weather"},"id":"function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563","index":0,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"}","name":"get_current_weather"},"id":"function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563","index":0,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"","name":"get_current_weather"},"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","index":0,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"location\":\"New Delhi, India","name":"get_current_weather"},"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","index":1,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"\"","name":"get_current_weather"},"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","index":1,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":",\"unit\":\"celsius","name":"get_current_weather"},"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","index":1,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"\"","name":"get_current_weather"},"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","index":1,"type":"function"}]},"index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":""}
        """,
        """
        {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"}","name":"get_current_weather"},"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","index":1,"type":"function"}]},"finish_reason":"tool_calls","index":0,"logprobs":null}],"created":1770850461,"id":"nQiNafGyF5rw998PstqooAY","model":"google/gemini-3.1-pro-preview","object":"chat.completion.chunk","system_fingerprint":"","usage":{"completion_tokens":45,"completion_tokens_details":{"reasoning_tokens":504},"extra_properties":{"google":{"traffic_type":"PROVISIONED_THROUGHPUT"}},"prompt_tokens":27,"total_tokens":576}}
        """,
    ];

    /// <summary>The image-generation response (<c>"modalities": ["image"]</c>): the image in <c>message.audio</c>.</summary>
    public const string ImageGenerationResponse =
        """
        {
        "choices": [
        {
        "finish_reason": "stop",
        "index": 0,
        "logprobs": null,
        "message": {
        "audio": {
        "data": "<BASE64_BYTES>",
        "extra_content": {
        "google": {
        "mime_type": "image/png"
        }
        }
        },
        "content": null,
        "extra_content": {
        "google": {
        "thought_signature": "..."
        }
        },
        "role": "assistant"
        }
        }
        ],
        "created": 1770850692,
        "id": "hAmNaZb8BZOX4_UPlNXoEA",
        "model": "google/gemini-3-pro-image-preview",
        "object": "chat.completion",
        "system_fingerprint": "",
        "usage": {
        "completion_tokens": 1120,
        "completion_tokens_details": {
        "reasoning_tokens": 251
        },
        "extra_properties": {
        "google": {
        "traffic_type": "PROVISIONED_THROUGHPUT"
        }
        },
        "prompt_tokens": 7,
        "total_tokens": 1378
        }
        }
        """;

    /// <summary>The response to the multimodal function-response example (a <c>tool</c> message with <c>extra_content.google.parts</c>).</summary>
    public const string MultimodalFunctionResponseResponse =
        """
        {
        "choices": [
        {
        "finish_reason": "stop",
        "index": 0,
        "logprobs": null,
        "message": {
        "content": "Here is the image of the green shirt you ordered.",
        "role": "assistant"
        }
        }
        ],
        "created": 1770852204,
        "id": "bA-NacCPKoae_9MPsNCn6Qc",
        "model": "google/gemini-3.1-pro-preview",
        "object": "chat.completion",
        "system_fingerprint": "",
        "usage": {
        "completion_tokens": 16,
        "extra_properties": {
        "google": {
        "traffic_type": "ON_DEMAND"
        }
        },
        "prompt_tokens": 1139,
        "total_tokens": 1155
        }
        }
        """;

    /// <summary>The stream events framed as on the wire: each <c>data: {json}\n\n</c>, then <c>data: [DONE]\n\n</c>.</summary>
    public static string StreamFunctionCallArgumentsSse =>
        string.Concat(StreamFunctionCallArgumentsEvents.Select(e => "data: " + e + "\n\n")) + "data: [DONE]\n\n";
}
