using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using VertexAI.Batch;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Adds up what requests used: completions and errors piped in (from Invoke-GeminiChat, or its -ErrorVariable), or
    /// the journal files of -Journal runs.</para>
    /// <para>Writes one summary per model and one for all: requests, failures, and prompt, completion, reasoning, cached and
    /// total tokens.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GeminiUsage")]
    [OutputType(typeof(UsageSummary))]
    public sealed class MeasureGeminiUsageCommand : PSCmdlet
    {
        private readonly UsageMeter _meter = new UsageMeter();

        /// <summary>A completion (counted as a request that succeeded, with its tokens), an error of a failed request (an
        /// ErrorRecord from -ErrorVariable or a catch block, or the exception), or a journal file (from Get-ChildItem).</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>Journal files written by Invoke-GeminiChat -Journal (paths as PowerShell resolves them; no wildcards: pipe
        /// Get-ChildItem for several). For each input the journal's last record counts (a prompt that failed and then succeeded
        /// on a later run counts once, as succeeded).</summary>
        [Parameter(Position = 0)]
        public string[]? Path { get; set; }

        /// <summary>Reads the journals given with -Path.</summary>
        protected override void BeginProcessing()
        {
            if (Path is null)
            {
                if (!MyInvocation.ExpectingInput && !MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
                {
                    ThrowTerminatingError(ErrorRecords.InvalidArgument(
                        new ArgumentException("Nothing to measure: pipe in completions and errors of Invoke-GeminiChat, or give journal files with -Path."), "Gemini.NoInput", null));
                }
                return;
            }
            foreach (var given in Path)
            {
                string file;
                try
                {
                    file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out var provider, out _);
                    if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                    {
                        WriteError(ErrorRecords.InvalidArgument(new ArgumentException($"'{given}' is on the {provider.Name} provider; a journal is a file."), "Gemini.InvalidJournalPath", given));
                        continue;
                    }
                }
                catch (Exception ex) when (ex is ItemNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException
                    || ex is NotSupportedException || ex is ArgumentException)
                {
                    WriteError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidJournalPath", given));
                    continue;
                }
                ReadJournal(file);
            }
        }

        /// <summary>Counts a piped completion or error, or reads a piped journal file.</summary>
        protected override void ProcessRecord()
        {
            if (InputObject is null) return;
            var value = InputObject.BaseObject;
            switch (value)
            {
                case ChatCompletion completion:
                    _meter.Add(completion);
                    return;
                case ErrorRecord { Exception: GeminiApiException api }:
                    _meter.AddFailure(api);
                    return;
                case ErrorRecord other:
                    // Not a failed request (a parse warning written next to its completion, or another command's error).
                    WriteVerbose($"Skipped an error that is not a failed request: {other.FullyQualifiedErrorId}.");
                    return;
                case GeminiApiException api:
                    _meter.AddFailure(api);
                    return;
                case FileInfo file:
                    ReadJournal(file.FullName);
                    return;
                default:
                    WriteError(ErrorRecords.InvalidArgument(
                        new ArgumentException($"Measure-GeminiUsage cannot count a {value.GetType().FullName}. Pipe in completions (Invoke-GeminiChat), its errors (-ErrorVariable), or journal files (Get-ChildItem *.jsonl), or give -Path."),
                        "Gemini.UnsupportedInput", value));
                    return;
            }
        }

        /// <summary>Writes the summaries: one per model, then the one for all models.</summary>
        protected override void EndProcessing()
        {
            foreach (var summary in _meter.Summaries()) WriteObject(summary);
        }

        private void ReadJournal(string path)
        {
            IReadOnlyList<JournalRecord> records;
            try
            {
                records = RunJournal.ReadRecords(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                WriteError(ErrorRecords.FileNotFound(ex, path));
                return;
            }
            catch (JournalBusyException ex)
            {
                WriteError(ErrorRecords.JournalBusy(ex, path));
                return;
            }
            catch (InvalidDataException ex)
            {
                WriteError(ErrorRecords.FileReadError(ex, path, ErrorCategory.InvalidData));
                return;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.FileReadError(ex, path));
                return;
            }
            foreach (var record in records) _meter.Add(record);
            WriteVerbose($"Read {records.Count} finished input(s) from the journal {path}.");
        }
    }
}
