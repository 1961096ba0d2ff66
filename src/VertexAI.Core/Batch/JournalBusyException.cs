using System;
using System.IO;

namespace VertexAI.Batch
{
    /// <summary>Another run has the journal open: two runs on one journal would interleave, so the second is refused.</summary>
    public sealed class JournalBusyException : IOException
    {
        /// <summary>Creates the exception.</summary>
        public JournalBusyException(string path, Exception? inner = null)
            : base($"The journal {path} is in use by another run (in this or another process). Wait for it to finish, or give another -Journal file.", inner)
        {
            JournalPath = path;
        }

        /// <summary>The journal file.</summary>
        public string JournalPath { get; }
    }
}
