using System;
using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>
    /// A Vertex AI batch prediction job (<c>BatchPredictionJob</c>, https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.batchPredictionJobs):
    /// its name, state, counts, input and output. Members the module does not model are kept in
    /// <see cref="JsonModel.AdditionalProperties"/>.
    /// </summary>
    public sealed class BatchJob : JsonModel
    {
        /// <summary>The resource name, <c>projects/{project}/locations/{location}/batchPredictionJobs/{id}</c>.</summary>
        public string? Name { get; set; }

        /// <summary>The job's id (the last segment of <see cref="Name"/>).</summary>
        public string? Id => Segment(5);

        /// <summary>The project (number or id) from <see cref="Name"/>.</summary>
        public string? Project => Segment(1);

        /// <summary>The location from <see cref="Name"/>.</summary>
        public string? Location => Segment(3);

        /// <summary>The name given when the job was created.</summary>
        public string? DisplayName { get; set; }

        /// <summary>The model, e.g. <c>publishers/google/models/gemini-2.5-flash</c>.</summary>
        public string? Model { get; set; }

        /// <summary><c>JOB_STATE_PENDING</c>, <c>JOB_STATE_RUNNING</c>, <c>JOB_STATE_SUCCEEDED</c>, <c>JOB_STATE_FAILED</c>, <c>JOB_STATE_CANCELLING</c>, <c>JOB_STATE_CANCELLED</c>, ...</summary>
        public string? State { get; set; }

        /// <summary>The state without its <c>JOB_STATE_</c> prefix (<c>RUNNING</c>), for display.</summary>
        public string? Status => State is null ? null : State.StartsWith("JOB_STATE_", StringComparison.Ordinal) ? State.Substring(10) : State;

        /// <summary>Whether the job has ended (succeeded, failed, cancelled, expired or partially succeeded).</summary>
        public bool IsTerminal => State is "JOB_STATE_SUCCEEDED" or "JOB_STATE_FAILED" or "JOB_STATE_CANCELLED" or "JOB_STATE_EXPIRED" or "JOB_STATE_PARTIALLY_SUCCEEDED";

        /// <summary>When the job was created.</summary>
        public DateTimeOffset? CreateTime { get; set; }

        /// <summary>When the job first ran.</summary>
        public DateTimeOffset? StartTime { get; set; }

        /// <summary>When the job ended.</summary>
        public DateTimeOffset? EndTime { get; set; }

        /// <summary>When the job last changed.</summary>
        public DateTimeOffset? UpdateTime { get; set; }

        /// <summary>Lines answered (<c>completionStats.successfulCount</c>).</summary>
        public long? SuccessfulCount { get; set; }

        /// <summary>Lines that failed (<c>completionStats.failedCount</c>).</summary>
        public long? FailedCount { get; set; }

        /// <summary>Lines not processed (yet) (<c>completionStats.incompleteCount</c>).</summary>
        public long? IncompleteCount { get; set; }

        /// <summary>The input file (<c>inputConfig.gcsSource.uris[0]</c>).</summary>
        public string? InputUri { get; set; }

        /// <summary>Where the output goes (<c>outputConfig.gcsDestination.outputUriPrefix</c>).</summary>
        public string? OutputUriPrefix { get; set; }

        /// <summary>The directory the output was written to (<c>outputInfo.gcsOutputDirectory</c>), once there is output.</summary>
        public string? OutputDirectory { get; set; }

        /// <summary>The job's error code (a google.rpc.Code, e.g. 3 INVALID_ARGUMENT) when it failed or was cancelled.</summary>
        public int? ErrorCode { get; set; }

        /// <summary>The job's error message when it failed or was cancelled.</summary>
        public string? ErrorMessage { get; set; }

        /// <summary>The job's labels.</summary>
        public IDictionary<string, object?>? Labels { get; set; }

        /// <summary>"done/total" for progress: answered and failed lines out of all counted.</summary>
        public string Counts => SuccessfulCount is null && FailedCount is null && IncompleteCount is null
            ? string.Empty
            : $"{SuccessfulCount ?? 0} ok, {FailedCount ?? 0} failed, {IncompleteCount ?? 0} left";

        /// <inheritdoc/>
        public override string ToString() => $"{Id} {Status}";

        private string? Segment(int index)
        {
            if (Name is null) return null;
            var parts = Name.Split('/');
            return parts.Length > index ? parts[index] : null;
        }
    }
}
