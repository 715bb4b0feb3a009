using System;

namespace NanoRouter.Host
{
    /// <summary>The board's log: one line per notable event on stdout, errors as one line on stderr.</summary>
    internal static class Log
    {
        private static readonly object s_lock = new object();

        /// <summary>The word every line starts with ("nanorouter" or "nanorouter lab").</summary>
        public static string Source { get; set; } = "nanorouter";

        /// <summary>Writes one event line.</summary>
        public static void Info(string message)
        {
            lock (s_lock)
            {
                Console.Out.WriteLine(Source + ": " + message);
                Console.Out.Flush();
            }
        }

        /// <summary>Writes one error line.</summary>
        public static void Error(string message)
        {
            lock (s_lock)
            {
                Console.Error.WriteLine(Source + ": error: " + message);
                Console.Error.Flush();
            }
        }
    }
}
