using System;
using System.Globalization;
using System.Management.Automation;
using VertexAI.Batch;
using VertexAI.Storage;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Starts a Vertex AI batch prediction job from prompts and messages taken exactly as Invoke-GeminiChat takes them
    /// (the same chat parameters and pipeline rules: each prompt is one request with the messages piped before it).</para>
    /// <para>Each request is translated to a native GenerateContentRequest and appended to a JSONL file on disk (nothing is
    /// held in memory); at the end the file is uploaded to Cloud Storage under -OutputUri with the same credential, proxy and
    /// TLS rules as the Vertex calls, the job is created, and its object is output. A setting a batch job cannot carry stops
    /// the command before anything is uploaded, naming the field.</para>
    /// </summary>
    /// <remarks>Derives from <see cref="GeminiChatCommandBase"/>: the chat parameter surface and the pipeline rules are shared
    /// as they are; only <see cref="Execute"/> differs (collect instead of send).</remarks>
    [Cmdlet(VerbsLifecycle.Start, "GeminiBatchJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(BatchJob))]
    public sealed class StartGeminiBatchJobCommand : GeminiChatCommandBase, IDisposable
    {
        private BatchInputFile? _input;
        private GcsUri? _output;

        /// <summary>Where the job writes its output, and where its input file is uploaded: gs://bucket/prefix/.</summary>
        [Parameter(Mandatory = true)]
        public string OutputUri { get; set; } = null!;

        /// <summary>The job's display name (default: vertexai-{UTC time}).</summary>
        [Parameter]
        [ValidateLength(1, 128)]
        public string? DisplayName { get; set; }

        /// <summary>The Cloud Storage service root (default https://storage.googleapis.com/; STORAGE_EMULATOR_HOST; with a
        /// loopback -BaseUri, that emulator). Plain http only to loopback.</summary>
        [Parameter]
        public Uri? StorageBaseUri { get; set; }

        /// <summary>Deletes the input file however the command ended (Ctrl+C, a terminating error), then the base's cleanup.</summary>
        void IDisposable.Dispose()
        {
            Dispose();
            _input?.Dispose();
            _input = null;
        }

        /// <summary>Checks -OutputUri, then the shared setup; opens the input file.</summary>
        protected override void BeginProcessing()
        {
            _output = Translate(() => GcsUri.Parse(OutputUri, nameof(OutputUri)), "Gemini.InvalidArgument", _ => OutputUri);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Endpoint)))
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException(
                    "Batch jobs run publisher models (-Model), not self-deployed endpoints (-Endpoint).", nameof(Endpoint)), "Gemini.InvalidArgument", Endpoint));
            }
            base.BeginProcessing();
            _input = new BatchInputFile();
            WriteVerbose($"Collecting the batch job's input in {_input.Path}.");
        }

        /// <inheritdoc/>
        protected override void Execute(GeminiClient client, ChatRequest request, object? target)
        {
            try
            {
                ThinkingOptions.Validate(request);
                _input!.Add(request);
            }
            catch (NativeTranslationException ex)
            {
                ThrowTerminatingError(ErrorRecords.BatchTranslation(ex, target));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidRequest", target));
            }
        }

        /// <summary>Collects what is left, then uploads the input and creates the job.</summary>
        protected override void EndProcessing()
        {
            try
            {
                base.EndProcessing();
                var input = _input!;
                if (input.Count == 0) return;
                var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
                var name = DisplayName ?? "vertexai-" + stamp;
                var inputUri = _output!.Child($"vertexai-input-{stamp}-{Guid.NewGuid().ToString("N").Substring(0, 8)}.jsonl");
                var endpoint = Client.Endpoint;
                var model = endpoint.Model ?? VertexEndpoint.DefaultModel;
                WriteVerbose(string.Format(CultureInfo.InvariantCulture, "{0:N0} request(s), {1:N0} bytes of JSONL.", input.Count, input.Length));
                if (!ShouldProcess($"{input.Count} request(s) with {model}, input {inputUri}, output {_output}", "Start batch job")) return;

                var options = BuildClientOptions(endpoint);
                var storage = Translate(() => new CloudStorageClient(options, CloudStorageClient.ResolveRoot(StorageBaseUri, endpoint.ServiceRoot)),
                    "Gemini.InvalidSettings", ex => ex.ParamName);
                var jobs = new BatchJobClient(Translate(() => new VertexRestClient(options), "Gemini.InvalidSettings", ex => ex.ParamName));
                var job = Call(async token =>
                {
                    await storage.UploadAsync(inputUri, input.OpenForUpload(), "application/jsonl", token).ConfigureAwait(false);
                    PostVerbose($"Uploaded the input to {inputUri}.");
                    return await jobs.CreateAsync(name, model, inputUri.ToString(), _output.ToString(), null, token).ConfigureAwait(false);
                }, inputUri.ToString());
                if (job is null) return;
                WriteVerbose($"Created batch job {job.Name} ({job.Status}).");
                WriteObject(job);
            }
            finally
            {
                _input?.Dispose();
                _input = null;
            }
        }
    }
}
