using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;

namespace VertexAI.Commands
{
    /// <summary>
    /// Builds the module's ErrorRecords. API failures keep their <see cref="GeminiApiException"/> as the exception,
    /// get a category from the HTTP status (or Google's status), an ErrorId <c>Gemini.&lt;status&gt;</c> and a
    /// recommended action. No message carries a token: the core never puts one in an exception.
    /// </summary>
    internal static class ErrorRecords
    {
        internal const string CredentialsAction =
            "Run 'gcloud auth application-default login' (or set GOOGLE_APPLICATION_CREDENTIALS to a key file), or pass a fresh -AccessToken (gcloud auth print-access-token).";

        /// <summary>The non-terminating error for a failed request.</summary>
        internal static ErrorRecord FromApiException(GeminiApiException exception, object? target, bool nameInput = false)
        {
            var category = CategoryOf(exception);
            var record = new ErrorRecord(exception, ErrorIdOf(exception), category, target);
            var message = exception.Message;
            if (nameInput && target is string input)
            {
                // In a batch, say which input failed: the others go on.
                message = string.Format(CultureInfo.InvariantCulture, "Input '{0}': {1}", input.Length <= 60 ? input : input.Substring(0, 57) + "...", message);
            }
            if (exception.IsTimeout)
            {
                // The one line a person reads must name the cure; RecommendedAction is not shown by default.
                message += " Allow more time with -TimeoutSec.";
            }
            if (exception.Attempts > 1)
            {
                message += string.Format(CultureInfo.InvariantCulture, " (gave up after {0} attempts)", exception.Attempts);
            }
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = RecommendedAction(category, exception) };
            return record;
        }

        /// <summary>A terminating error for a setting or argument that cannot work (before any request is sent).</summary>
        internal static ErrorRecord InvalidArgument(Exception exception, string errorId, object? target)
            => new ErrorRecord(exception, errorId, ErrorCategory.InvalidArgument, target)
            {
                // The message without the "(Parameter 'x')" / "Parameter name: x" that ArgumentException appends.
                ErrorDetails = new ErrorDetails(MessageOf(exception)),
            };

        /// <summary>An exception's message; for an ArgumentException, without the parameter name the runtime appends.</summary>
        internal static string MessageOf(Exception exception)
        {
            var message = exception.Message;
            if (exception is ArgumentException argument && !string.IsNullOrEmpty(argument.ParamName))
            {
                foreach (var suffix in new[] { $" (Parameter '{argument.ParamName}')", $"{Environment.NewLine}Parameter name: {argument.ParamName}" })
                {
                    if (message.EndsWith(suffix, StringComparison.Ordinal)) return message.Substring(0, message.Length - suffix.Length);
                }
            }
            return message;
        }

        /// <summary>The terminating error for credentials that yield no token.</summary>
        internal static ErrorRecord Credentials(Exception exception, string description)
            => new ErrorRecord(exception, "Gemini.Credentials", ErrorCategory.AuthenticationError, description)
            {
                ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = CredentialsAction },
            };

        /// <summary>A request a batch job cannot carry (no native form); terminating, before anything is uploaded. Names the field.</summary>
        internal static ErrorRecord BatchTranslation(ArgumentException exception, object? target)
            => new ErrorRecord(exception, "Gemini.BatchUnsupported", ErrorCategory.InvalidArgument, target)
            {
                ErrorDetails = new ErrorDetails(MessageOf(exception))
                {
                    RecommendedAction = "Leave that setting out for batch jobs, or send these prompts online with Invoke-GeminiChat -ThrottleLimit.",
                },
            };

        /// <summary>One line of a batch job's output that failed: non-terminating, naming its input.</summary>
        internal static ErrorRecord BatchLineFailed(string status, string? input, long? line)
        {
            var shown = input is null ? "(no text)" : input.Length <= 60 ? input : input.Substring(0, 57) + "...";
            var message = string.Format(CultureInfo.InvariantCulture, "Input '{0}'{1} failed in the batch job: {2}", shown,
                line is long n ? string.Format(CultureInfo.InvariantCulture, " (line {0})", n + 1) : string.Empty, status);
            return new ErrorRecord(new InvalidOperationException(message), "Gemini.BatchLineFailed", ErrorCategory.InvalidResult, input)
            {
                ErrorDetails = new ErrorDetails(message),
            };
        }

        /// <summary>A batch job whose output cannot be read (yet): non-terminating, naming the job.</summary>
        internal static ErrorRecord BatchJobNotReady(BatchJob job, string message)
            => new ErrorRecord(new InvalidOperationException(message), "Gemini.BatchJobNotReady", ErrorCategory.ResourceUnavailable, job)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Wait for the job with Wait-GeminiBatchJob, then receive its output." },
            };

        /// <summary>A failure the batch did not foresee (not an API, credential or argument failure): non-terminating.</summary>
        internal static ErrorRecord RequestFailed(Exception exception, object? target)
            => new ErrorRecord(exception, "Gemini.RequestFailed", ErrorCategory.NotSpecified, target);

        /// <summary>A JSON answer that could not be parsed; the completion is still written with the raw text.</summary>
        internal static ErrorRecord InvalidStructuredOutput(StructuredOutputException exception)
            => new ErrorRecord(exception, "Gemini.InvalidStructuredOutput", ErrorCategory.InvalidData, exception.RawText)
            {
                ErrorDetails = new ErrorDetails(exception.Message + " The completion is still written; its Content holds the raw text."),
            };

        /// <summary>A file (or media path, or credential file) that is not there.</summary>
        internal static ErrorRecord FileNotFound(Exception exception, object? target, string errorId = "Gemini.FileNotFound")
            => new ErrorRecord(exception, errorId, ErrorCategory.ObjectNotFound, target);

        /// <summary>A file that could not be read; <paramref name="category"/> tells a missing or malformed one apart where the
        /// caller keeps one ErrorId for all read failures (Enter-GeminiChat's /load).</summary>
        internal static ErrorRecord FileReadError(Exception exception, object? target, ErrorCategory category = ErrorCategory.ReadError)
            => new ErrorRecord(exception, "Gemini.FileReadError", category, target);

        /// <summary>A file that could not be written.</summary>
        internal static ErrorRecord FileWriteError(Exception exception, object? target)
            => new ErrorRecord(exception, "Gemini.FileWriteError", ErrorCategory.WriteError, target);

        /// <summary>A journal another run has open (-Journal): the run is refused rather than interleaved with it.</summary>
        internal static ErrorRecord JournalBusy(Exception exception, string path)
            => new ErrorRecord(exception, "Gemini.JournalBusy", ErrorCategory.ResourceBusy, path)
            {
                ErrorDetails = new ErrorDetails(exception.Message)
                {
                    RecommendedAction = "Wait for the other run to finish (or stop it), then run the command again with the same -Journal to resume.",
                },
            };

        /// <summary>A file -NoClobber keeps.</summary>
        internal static ErrorRecord FileExists(Exception exception, object? target)
            => new ErrorRecord(exception, "Gemini.FileExists", ErrorCategory.ResourceExists, target);

        /// <summary>A media file (New-GeminiMessage -Image, -Audio, -File) that could not be read: missing (also a drive or
        /// provider that does not exist), not readable, or not usable media.</summary>
        internal static ErrorRecord MediaUnreadable(Exception exception, string value)
        {
            switch (exception)
            {
                case FileNotFoundException notFound: return FileNotFound(notFound, notFound.FileName ?? value);
                case ItemNotFoundException _:
                case SessionStateException _:
                case DirectoryNotFoundException _:
                    return FileNotFound(exception, value);
                case UnauthorizedAccessException _: return new ErrorRecord(exception, "Gemini.FileAccessDenied", ErrorCategory.PermissionDenied, value);
                case IOException _: return FileReadError(exception, value);
                default: return InvalidArgument(exception, "Gemini.InvalidMedia", value);
            }
        }

        /// <summary>A conversation file whose JSON is not a conversation.</summary>
        internal static ErrorRecord InvalidConversationFile(InvalidDataException exception, string path)
            => new ErrorRecord(new InvalidDataException($"'{path}': {exception.Message}", exception), "Gemini.InvalidConversationFile", ErrorCategory.InvalidData, path);

        /// <summary>Generated media that could not be saved (a file that exists without -Force is ResourceExists).</summary>
        internal static ErrorRecord SaveMediaFailed(Exception exception, object? target)
        {
            var category = exception is IOException && exception.Message.Contains("already exists") ? ErrorCategory.ResourceExists : ErrorCategory.WriteError;
            return new ErrorRecord(exception, "Gemini.SaveMediaFailed", category, target);
        }

        /// <summary>New-GeminiTool -Command naming no command.</summary>
        /// <summary>A model id that Vertex AI's model list does not have.</summary>
        internal static ErrorRecord ModelNotFound(string id) =>
            new ErrorRecord(new ItemNotFoundException($"Vertex AI offers no Gemini model named '{id}' (Get-GeminiModel lists them)."), "Gemini.ModelNotFound", ErrorCategory.ObjectNotFound, id);

        internal static ErrorRecord CommandNotFound(string? name)
            => new ErrorRecord(new ItemNotFoundException($"There is no command '{name}'. Check the name, or import its module first."),
                "Gemini.CommandNotFound", ErrorCategory.ObjectNotFound, name);

        /// <summary>A command whose parameter sets PowerShell could not read.</summary>
        internal static ErrorRecord CommandMetadata(Exception exception, object? target)
            => new ErrorRecord(exception, "Gemini.CommandMetadata", ErrorCategory.InvalidArgument, target);

        /// <summary>
        /// <c>Gemini.</c> followed by Google's status (<c>RESOURCE_EXHAUSTED</c>), else the HTTP status (<c>503</c>); a
        /// response that came with a success status but could not be used is <c>Gemini.InvalidResponse</c>, a broken
        /// stream <c>Gemini.StreamBroken</c>, a request that got no answer <c>Gemini.ConnectionFailure</c>.
        /// </summary>
        internal static string ErrorIdOf(GeminiApiException exception) => exception.ErrorId;

        /// <summary>The category for a failure: from the HTTP status, else Google's status, else its kind.</summary>
        internal static ErrorCategory CategoryOf(GeminiApiException exception)
        {
            if (exception.HttpStatus is int status)
            {
                switch (status)
                {
                    case 400: return ErrorCategory.InvalidArgument;
                    case 401: return ErrorCategory.AuthenticationError;
                    case 403: return ErrorCategory.PermissionDenied;
                    case 404: return ErrorCategory.ObjectNotFound;
                    case 408:
                    case 504: return ErrorCategory.OperationTimeout;
                    case 413:
                    case 429: return ErrorCategory.LimitsExceeded;
                }
                if (status >= 500) return ErrorCategory.ResourceUnavailable;
                if (status >= 200 && status < 300) return ErrorCategory.InvalidResult;
                return ErrorCategory.InvalidOperation;
            }

            switch (exception.Status)
            {
                case "INVALID_ARGUMENT":
                case "FAILED_PRECONDITION":
                case "OUT_OF_RANGE":
                    return ErrorCategory.InvalidArgument;
                case "UNAUTHENTICATED": return ErrorCategory.AuthenticationError;
                case "PERMISSION_DENIED": return ErrorCategory.PermissionDenied;
                case "NOT_FOUND": return ErrorCategory.ObjectNotFound;
                case "DEADLINE_EXCEEDED": return ErrorCategory.OperationTimeout;
                case "RESOURCE_EXHAUSTED": return ErrorCategory.LimitsExceeded;
                case "UNAVAILABLE":
                case "INTERNAL":
                    return ErrorCategory.ResourceUnavailable;
            }

            if (exception.IsTimeout) return ErrorCategory.OperationTimeout;
            if (exception is GeminiStreamException) return ErrorCategory.InvalidResult;
            return exception.IsConnectionFailure ? ErrorCategory.ConnectionError : ErrorCategory.NotSpecified;
        }

        private static string? RecommendedAction(ErrorCategory category, GeminiApiException exception)
        {
            switch (category)
            {
                case ErrorCategory.InvalidArgument:
                    return "Check the parameters and the messages. If the error is about a thought signature, send back the assistant message Invoke-GeminiChat returned, unchanged, before the tool answers.";
                case ErrorCategory.AuthenticationError:
                    return CredentialsAction;
                case ErrorCategory.PermissionDenied:
                    return "Check that the Vertex AI API is enabled in the project and that the credential has the Vertex AI User role (roles/aiplatform.user) there.";
                case ErrorCategory.ObjectNotFound:
                    return "Check -Project, -Location, -Model and -Endpoint: the model may not exist or not be offered in this location (try -Location global). A context cache may have expired or been deleted (Get-GeminiCache lists those that remain).";
                case ErrorCategory.OperationTimeout when exception.IsTimeout:
                    // Our own limit ran out: the server was slow (or went silent mid-stream), not necessarily unreachable.
                    return "Allow more time with -TimeoutSec (e.g. -TimeoutSec 600): it bounds the wait for an answer and, with -Stream or Get-GeminiStream, each silence between parts of the answer.";
                case ErrorCategory.OperationTimeout:
                    return "Retry. For long answers use -Stream or Get-GeminiStream, or lower -MaxTokens.";
                case ErrorCategory.LimitsExceeded:
                    return "Wait and retry; check the project's quota for this model and location (or use -Location global), and send fewer requests at once.";
                case ErrorCategory.ResourceUnavailable:
                    return "Retry later: the service is unavailable or overloaded.";
                case ErrorCategory.ConnectionError:
                    return "Check the network connection, the proxy settings and -BaseUri.";
                case ErrorCategory.InvalidResult:
                    return exception is GeminiStreamException
                        ? "Retry the request. What arrived before the break is in the exception's PartialCompletion."
                        : "Retry. If it persists, check that -BaseUri points at the Vertex AI API.";
                default:
                    return null;
            }
        }
    }
}
