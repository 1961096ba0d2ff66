using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Commands
{
    /// <summary>
    /// Base of the cmdlets that wait on network work. The work runs on the thread pool (after its synchronous start); whatever it wants written
    /// (objects, verbose, debug, warning and information records) it posts to a queue that the pipeline thread drains
    /// while it waits, so every <c>Write*</c> call happens on the pipeline thread and each object is written the moment
    /// it exists. Ctrl+C (<see cref="StopProcessing"/>) cancels the work and ends the wait at once.
    /// </summary>
    public abstract class CancellableCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        // One queue for the command's lifetime: work still running between two pumps (a batch) posts its results here,
        // and they are written at the next pump or drain, never dropped.
        private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>();

        /// <summary>Cancelled when the pipeline stops: Ctrl+C, or a later command (such as <c>Select-Object -First</c>) ending it.</summary>
        protected CancellationToken StopToken => _stopping.Token;

        /// <summary>Cancels the running work; the waiting pipeline thread then ends the command.</summary>
        protected override void StopProcessing()
        {
            CancelWork();
            base.StopProcessing();
        }

        /// <summary>
        /// Runs <paramref name="operation"/> and, on the calling (pipeline) thread, runs every action posted with
        /// <see cref="Post"/> until the operation has finished; then returns its result or throws its exception
        /// (a cancellation caused by stopping becomes <see cref="PipelineStoppedException"/>).
        /// </summary>
        /// <remarks>
        /// The operation starts on the calling thread and runs there up to its first await (checks, serializing, handing
        /// the request to HttpClient); the rest runs on the thread pool (the core awaits with ConfigureAwait(false), and
        /// no synchronization context is captured). An operation that is already over then (a free batch slot) is not
        /// waited for at all. Handing the start to a worker (Task.Run) cost a thread switch each way per call.
        /// </remarks>
        protected T RunPumped<T>(Func<CancellationToken, Task<T>> operation)
        {
            if (operation is null) throw new ArgumentNullException(nameof(operation));
            var token = _stopping.Token;
            Task<T> task;
            try
            {
                task = Start(operation, token);
                if (task.IsCompleted)
                {
                    // Everything it posted is queued already: write it now, as the pump would have.
                    _ = task.Exception;
                    while (_queue.TryTake(out var posted)) posted();
                }
                else
                {
                    // Posted after everything the operation posted (the queue is first in, first out): when the pump meets
                    // it, the operation is over and all it wrote has been written. Reading the exception marks it observed.
                    Action wake = () => { };
                    task.ContinueWith(t =>
                    {
                        _ = t.Exception;
                        _queue.Add(wake);
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    while (true)
                    {
                        var action = _queue.Take(token);
                        if (ReferenceEquals(action, wake)) break;
                        action();
                    }
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

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        // Calls the operation without a synchronization context (as a worker thread would have), so that no continuation
        // can be posted back to this thread while it waits; an exception thrown before the first await becomes the task's.
        private static Task<T> Start<T>(Func<CancellationToken, Task<T>> operation, CancellationToken token)
        {
            var context = SynchronizationContext.Current;
            try
            {
                if (context is not null) SynchronizationContext.SetSynchronizationContext(null);
                return operation(token) ?? Task.FromException<T>(new InvalidOperationException("The operation returned no task."));
            }
            catch (Exception ex)
            {
                return Task.FromException<T>(ex);
            }
            finally
            {
                if (context is not null) SynchronizationContext.SetSynchronizationContext(context);
            }
        }

        /// <summary>
        /// Cancels whatever work is still running when PowerShell is done with the command (after a terminating error, or
        /// when an upstream command failed between records), so that nothing goes on unobserved.
        /// </summary>
        public void Dispose()
        {
            CancelWork();
            ReleaseResources();
            GC.SuppressFinalize(this);
        }

        /// <summary>Closes what the command holds open (a file), after its work has been cancelled; called once, from Dispose.</summary>
        protected virtual void ReleaseResources()
        {
        }

        /// <summary>Runs, on the pipeline thread, whatever has been posted so far, without waiting for more.</summary>
        protected void DrainPosted()
        {
            try
            {
                while (_queue.TryTake(out var action)) action();
            }
            catch
            {
                CancelWork();
                throw;
            }
        }

        /// <summary>
        /// Queues <paramref name="action"/> to run on the pipeline thread at the next <see cref="RunPumped{T}"/> or
        /// <see cref="DrainPosted"/>. Callable from any thread.
        /// </summary>
        protected internal void Post(Action action)
        {
            if (action is null) throw new ArgumentNullException(nameof(action));
            _queue.Add(action);
        }

        /// <summary>Writes <paramref name="sendToPipeline"/> to the pipeline from any thread (through <see cref="Post"/>).</summary>
        protected void PostObject(object? sendToPipeline) => Post(() => WriteObject(sendToPipeline));

        /// <summary>Writes a verbose message from any thread (through <see cref="Post"/>).</summary>
        protected internal void PostVerbose(string text) => Post(() => WriteVerbose(text));

        /// <summary>Writes a debug message from any thread (through <see cref="Post"/>).</summary>
        protected internal void PostDebug(string text) => Post(() => WriteDebug(text));


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
