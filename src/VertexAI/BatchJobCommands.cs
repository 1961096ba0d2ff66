using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using VertexAI.Batch;
using VertexAI.Storage;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Gets batch prediction jobs: the ones named (a job name or id, or piped jobs), or every job of the location.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GeminiBatchJob")]
    [OutputType(typeof(BatchJob))]
    public sealed class GetGeminiBatchJobCommand : GeminiBatchJobCommandBase
    {
        /// <summary>The job's resource name (projects/…/batchPredictionJobs/{id}) or id; piped jobs bind by their Name. Without it, every job of the location.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TextInput("Name")]
        public string[]? Name { get; set; }

        private bool _listed;

        /// <summary>Gets each named job.</summary>
        protected override void ProcessRecord()
        {
            if (Name is null) return;
            foreach (var n in Name)
            {
                var job = GetJob(n);
                if (job is not null) WriteObject(job);
            }
        }

        /// <summary>Without names, lists the location's jobs page by page.</summary>
        protected override void EndProcessing()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Name)) || MyInvocation.ExpectingInput || _listed) return;
            _listed = true;
            var client = ClientFor(null, out _);
            string? token = null;
            do
            {
                var pageToken = token;
                var page = Call(async t =>
                {
                    var (jobs, next) = await client.ListAsync(pageToken, 100, t).ConfigureAwait(false);
                    return Tuple.Create(jobs, next);
                }, null);
                if (page is null) return;
                foreach (var job in page.Item1) WriteObject(job);
                token = page.Item2;
            }
            while (token is not null);
        }
    }

    /// <summary>
    /// <para>Waits until batch prediction jobs end, showing their state and counts in a progress bar, and outputs each job
    /// in its final state. Ctrl+C stops waiting, not the job.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "GeminiBatchJob")]
    [OutputType(typeof(BatchJob))]
    public sealed class WaitGeminiBatchJobCommand : GeminiBatchJobCommandBase
    {
        private const int ProgressActivityId = 0x6E70;

        /// <summary>The job's resource name or id; piped jobs (Start-GeminiBatchJob, Get-GeminiBatchJob) bind by their Name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TextInput("Name")]
        public string[] Name { get; set; } = null!;

        /// <summary>Seconds between two looks at the job (default 30; fractions allowed).</summary>
        [Parameter]
        [ValidateRange(0.01, 3600.0)]
        public double PollIntervalSec { get; set; } = 30;

        /// <summary>Polls each job until it ends.</summary>
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                var client = ClientFor(name, out _);
                var interval = TimeSpan.FromSeconds(PollIntervalSec);
                var job = Call(async token =>
                {
                    while (true)
                    {
                        var current = await client.GetAsync(name, token).ConfigureAwait(false);
                        Post(() => ShowProgress(current));
                        if (current.IsTerminal) return current;
                        await Task.Delay(interval, token).ConfigureAwait(false);
                    }
                }, name);
                WriteProgress(new ProgressRecord(ProgressActivityId, "Wait-GeminiBatchJob", "done") { RecordType = ProgressRecordType.Completed });
                if (job is null) continue;
                if (job.State != "JOB_STATE_SUCCEEDED")
                {
                    WriteWarning($"Batch job {job.Name} ended {job.Status}" + (job.ErrorMessage is null ? "." : $": {job.ErrorMessage}"));
                }
                WriteObject(job);
            }
        }

        private void ShowProgress(BatchJob job)
        {
            var status = $"{job.DisplayName ?? job.Id} ({job.Id}): {job.Status}" + (job.Counts.Length == 0 ? "" : ", " + job.Counts);
            var record = new ProgressRecord(ProgressActivityId, "Wait-GeminiBatchJob", status);
            var total = (job.SuccessfulCount ?? 0) + (job.FailedCount ?? 0) + (job.IncompleteCount ?? 0);
            if (total > 0) record.PercentComplete = (int)Math.Min(100, ((job.SuccessfulCount ?? 0) + (job.FailedCount ?? 0)) * 100 / total);
            WriteProgress(record);
            WriteVerbose($"Batch job {job.Name}: {job.Status}" + (job.Counts.Length == 0 ? "." : $", {job.Counts}."));
        }
    }

    /// <summary>
    /// <para>Cancels batch prediction jobs. Vertex stops them (state CANCELLING, then CANCELLED) and keeps what they
    /// finished; Receive-GeminiBatchJob reads it.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "GeminiBatchJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BatchJob))]
    public sealed class StopGeminiBatchJobCommand : GeminiBatchJobCommandBase
    {
        /// <summary>The job's resource name or id; piped jobs bind by their Name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TextInput("Name")]
        public string[] Name { get; set; } = null!;

        /// <summary>Outputs each job after the cancel request (usually CANCELLING).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Cancels each job.</summary>
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                if (!ShouldProcess(name, "Cancel batch job")) continue;
                var client = ClientFor(name, out _);
                var done = Call(async token =>
                {
                    await client.CancelAsync(name, token).ConfigureAwait(false);
                    return PassThru.IsPresent ? await client.GetAsync(name, token).ConfigureAwait(false) : new BatchJob { Name = name };
                }, name);
                if (done is null) continue;
                WriteVerbose($"Asked Vertex AI to cancel {name}.");
                if (PassThru.IsPresent) WriteObject(done);
            }
        }
    }

    /// <summary>
    /// <para>Reads a batch prediction job's output from Cloud Storage and writes a ChatCompletion per input line, in input
    /// order, each tagged with its Input (the prompt): the same type and views as online answers. A line that failed is a
    /// non-terminating error naming its input.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "GeminiBatchJob")]
    [OutputType(typeof(ChatCompletion))]
    public sealed class ReceiveGeminiBatchJobCommand : GeminiBatchJobCommandBase
    {
        /// <summary>The job's resource name or id; piped jobs (Wait-GeminiBatchJob) bind by their Name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TextInput("Name")]
        public string[] Name { get; set; } = null!;

        /// <summary>The Cloud Storage service root (default https://storage.googleapis.com/; STORAGE_EMULATOR_HOST; with a
        /// loopback -BaseUri, that emulator). Plain http only to loopback.</summary>
        [Parameter]
        public Uri? StorageBaseUri { get; set; }

        /// <summary>Reads each job's output.</summary>
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                var job = GetJob(name);
                if (job is null) continue;
                if (job.OutputDirectory is null)
                {
                    WriteError(ErrorRecords.BatchJobNotReady(job, job.IsTerminal
                        ? $"Batch job {job.Name} ended {job.Status} without output" + (job.ErrorMessage is null ? "." : $": {job.ErrorMessage}")
                        : $"Batch job {job.Name} has no output yet ({job.Status})."));
                    continue;
                }
                Receive(name, job);
            }
        }

        private void Receive(string name, BatchJob job)
        {
            ClientFor(name, out var options);
            var storage = Translate(() => new CloudStorageClient(options, CloudStorageClient.ResolveRoot(StorageBaseUri, options.Endpoint!.ServiceRoot)),
                "Gemini.InvalidSettings", ex => ex.ParamName);
            var directory = Translate(() => GcsUri.Parse(job.OutputDirectory!, "OutputDirectory"), "Gemini.InvalidResult", _ => job);
            using var reader = new BatchOutputReader();
            var files = Call(async token =>
            {
                var names = await storage.ListAsync(directory.Child(string.Empty), token).ConfigureAwait(false);
                var count = 0;
                foreach (var objectName in names)
                {
                    var file = Path.GetFileName(objectName);
                    // Vertex writes predictions.jsonl (or predictions_N.jsonl); other files there are not answers.
                    if (!file.StartsWith("predictions", StringComparison.Ordinal) || !file.EndsWith(".jsonl", StringComparison.Ordinal)) continue;
                    var temp = new FileStream(Path.Combine(Path.GetTempPath(), "vertexai-output-" + Guid.NewGuid().ToString("N") + ".jsonl"),
                        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
                    try
                    {
                        await storage.DownloadAsync(GcsUri.Parse($"gs://{directory.Bucket}/{objectName}", "OutputDirectory"), temp, token).ConfigureAwait(false);
                    }
                    catch
                    {
                        temp.Dispose();
                        throw;
                    }
                    reader.Add(temp);
                    count++;
                    PostVerbose($"Downloaded gs://{directory.Bucket}/{objectName}.");
                }
                return (object)count;
            }, job);
            if (files is null) return;
            WriteVerbose(string.Format(CultureInfo.InvariantCulture, "{0:N0} output line(s) in {1} file(s).", reader.Count, files));
            foreach (var line in reader.ReadInOrder(job.Model))
            {
                if (line.Completion is { } completion)
                {
                    if (completion.ParseError is { } parseError) WriteError(ErrorRecords.InvalidStructuredOutput(parseError));
                    var output = PSObject.AsPSObject(completion);
                    if (output.Properties["Input"] is null) output.Properties.Add(new PSNoteProperty("Input", line.Input));
                    WriteObject(output);
                }
                else
                {
                    WriteError(ErrorRecords.BatchLineFailed(line.Status ?? "failed", line.Input, line.Line));
                }
            }
        }
    }
}
