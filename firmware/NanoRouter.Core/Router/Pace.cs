using System.Threading;

namespace NanoRouter.Core.Router
{
    /// <summary>
    /// Lets the packet thread in during long work on the other threads (admin pages, password
    /// hashing, settings). nanoCLR does not preempt a thread when another becomes ready: it runs the
    /// current one until it blocks, yields or has used its 20 ms quantum
    /// (CLR_RT_Thread::c_TimeQuantum_Milliseconds), so a page render would keep a packet waiting for
    /// up to 20 ms. Long loops therefore report their work here in rough units (one output byte of
    /// a page is about one), and every <see cref="Budget"/> units the thread yields with
    /// Thread.Sleep(0), which makes it the last to run (nanoCLR UpdateToLowestExecutionCounter).
    /// The IL bench prints every admin request's longest run between yields (at most about 6,000
    /// IL, 3.5 ms on an ESP32 at 0.58 µs per IL instruction; stage 15 checks it). The packet thread
    /// itself never calls this. Off until <see cref="Enabled"/> is set (WifiRouter.Run does, as it
    /// starts the board's threads): with one thread there is no one to yield to, and .NET on the
    /// host board preempts by itself.
    /// </summary>
    public static class Pace
    {
        /// <summary>Units of work between two yields.</summary>
        public const int Budget = 32;

        /// <summary>True once other threads need the CPU (the device's router loop).</summary>
        public static bool Enabled;

        private static int s_spent;
        private static int s_yields;

        /// <summary>Yields so far (diagnostics and tests).</summary>
        public static int Yields => s_yields;

        /// <summary>Counts <paramref name="units"/> of work done; yields once the budget is spent.</summary>
        public static void Spend(int units)
        {
            if (!Enabled)
            {
                return;
            }

            s_spent += units;
            if (s_spent >= Budget)
            {
                s_spent = 0;
                s_yields++;
                Thread.Sleep(0);
            }
        }
    }
}
