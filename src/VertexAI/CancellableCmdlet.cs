using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Commands
{
    /// <summary>
    /// Base of the cmdlets that wait on network work. The work runs on a worker thread; whatever it wants written
    /// (objects, verbose, debug, warning and information records) it posts to a queue that the pipeline thread drains
    /// while it waits, so every <c>Write*</c> call happens on the pipeline thread and each object is written the moment
    /// it exists. Ctrl+C (<see cref="StopProcessing"/>) cancels the work and ends the wait at once.
    /// </summary>
    public abstract class CancellableCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly object _gate = new object();
        private BlockingCollection<Action>? _queue;

        /// <summary>Cancelled when the pipeline stops: Ctrl+C, or a later command (such as <c>Select-Object -First</c>) ending it.</summary>
        protected CancellationToken StopToken => _stopping.Token;

        /// <summary>Cancels the running work; the waiting pipeline thread then ends the command.</summary>
        protected override void StopProcessing()
        {
            CancelWork();
            base.StopProcessing();
        }

        /// <summary>
        /// Runs <paramref name="operation"/> on a worker thread and, on the calling (pipeline) thread, runs every action
        /// posted with <see cref="Post"/> until the operation has finished; then returns its result or throws its exception
        /// (a cancellation caused by stopping becomes <see cref="PipelineStoppedException"/>).
        /// </summary>
        protected T RunPumped<T>(Func<CancellationToken, Task<T>> operation)
        {
            if (operation is null) throw new ArgumentNullException(nameof(operation));
            var queue = new BlockingCollection<Action>();
            lock (_gate) _queue = queue;
            Task<T> task;
            try
            {
                var token = _stopping.Token;
                task = Task.Run(() => operation(token));
                // Posting happens inside the operation, so once it has finished nothing more arrives. Reading the exception
                // marks it observed, for the case where the pump below ends first and nobody waits for the task.
                task.ContinueWith(t =>
                {
                    _ = t.Exception;
                    queue.CompleteAdding();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                foreach (var action in queue.GetConsumingEnumerable(token))
                {
                    action();
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch
            {
                // A write failed on the pipeline thread (the pipeline is stopping, or an -*Action Stop preference fired):
                // the work must not go on behind the command's back.
                CancelWork();
                throw;
            }
            finally
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_queue, queue)) _queue = null;
                }
            }

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>
        /// Queues <paramref name="action"/> to run on the pipeline thread during <see cref="RunPumped{T}"/>. Callable from
        /// any thread; dropped when no operation is running (a late message from work that has already ended).
        /// </summary>
        protected internal void Post(Action action)
        {
            if (action is null) throw new ArgumentNullException(nameof(action));
            BlockingCollection<Action>? queue;
            lock (_gate) queue = _queue;
            if (queue is null) return;
            try
            {
                queue.Add(action);
            }
            catch (InvalidOperationException)
            {
                // The operation has completed and the queue with it.
            }
        }

        /// <summary>Writes <paramref name="sendToPipeline"/> to the pipeline from any thread (through <see cref="Post"/>).</summary>
        protected void PostObject(object? sendToPipeline) => Post(() => WriteObject(sendToPipeline));

        /// <summary>Writes a verbose message from any thread (through <see cref="Post"/>).</summary>
        protected internal void PostVerbose(string text) => Post(() => WriteVerbose(text));

        /// <summary>Writes a debug message from any thread (through <see cref="Post"/>).</summary>
        protected internal void PostDebug(string text) => Post(() => WriteDebug(text));

        /// <summary>Writes a warning from any thread (through <see cref="Post"/>).</summary>
        protected void PostWarning(string text) => Post(() => WriteWarning(text));

        /// <summary>Writes an information record from any thread (through <see cref="Post"/>).</summary>
        protected void PostInformation(object messageData, string[] tags) => Post(() => WriteInformation(messageData, tags));

        private void CancelWork()
        {
            try
            {
                _stopping.Cancel();
            }
            catch (AggregateException)
            {
                // A cancellation callback failed; the work is cancelled all the same.
            }
        }
    }
}
