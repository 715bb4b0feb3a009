using System.Runtime.InteropServices;

namespace NanoRouter.E2E.Hostile.Lab
{
    /// <summary>kill(2) for one process id (never a group, never by name).</summary>
    public static class Signals
    {
        public const int SigKill = 9;
        public const int SigTerm = 15;

        [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
        private static extern int NativeKill(int pid, int signal);

        /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/> (must be &gt; 1); true when delivered.</summary>
        public static bool Send(int pid, int signal) => pid > 1 && NativeKill(pid, signal) == 0;
    }
}
