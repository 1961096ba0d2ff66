using System;
using System.Management.Automation;
using VertexAI.Batch;

namespace VertexAI.Commands
{
    /// <summary>
    /// Opens a -Journal file for a cmdlet: the path as PowerShell resolves it (relative to the current location, a PSDrive;
    /// FileSystem only), opened exclusively; every failure is a terminating ErrorRecord naming the file.
    /// </summary>
    internal static class JournalFile
    {
        /// <param name="cmdlet">The cmdlet (its session state resolves the path; its streams get the verbose lines).</param>
        /// <param name="journal">The path as the user gave it.</param>
        /// <param name="parameterName">The parameter that named it.</param>
        /// <param name="describe">What the journal holds and what happens to it, for -Verbose (the journal and its full path).</param>
        internal static RunJournal Open(PSCmdlet cmdlet, string journal, string parameterName, Func<RunJournal, string, string> describe)
        {
            string path;
            try
            {
                path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(journal, out var provider, out _);
                if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"The journal must be a file; '{journal}' is on the {provider.Name} provider.", parameterName);
                }
            }
            catch (Exception ex) when (ex is ArgumentException || ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException || ex is NotSupportedException)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidJournalPath", journal));
                throw; // not reached
            }
            ErrorRecord error;
            try
            {
                var opened = RunJournal.Open(path);
                cmdlet.WriteVerbose(describe(opened, path));
                if (opened.DroppedTornLine) cmdlet.WriteVerbose($"Journal {path}: dropped an unfinished last line (a run stopped while writing it).");
                if (opened.UnreadableLines > 0) cmdlet.WriteWarning($"Journal {path}: skipped {opened.UnreadableLines} line(s) that are not journal records.");
                return opened;
            }
            catch (JournalBusyException ex)
            {
                error = ErrorRecords.JournalBusy(ex, path);
            }
            catch (System.IO.InvalidDataException ex)
            {
                error = ErrorRecords.FileReadError(ex, path, ErrorCategory.InvalidData);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                error = ErrorRecords.FileWriteError(ex, path);
            }
            cmdlet.ThrowTerminatingError(error);
            throw new InvalidOperationException(); // not reached: ThrowTerminatingError always throws
        }
    }
}
