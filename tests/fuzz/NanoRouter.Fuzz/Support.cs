using System;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>A clock the harness moves by hand.</summary>
    internal sealed class ManualClock : IClock
    {
        public int NowMs { get; set; }
    }

    /// <summary>
    /// An invariant of the code under test did not hold. Thrown by the harness (never caught by it),
    /// so AFL records the input as a crash and the replay counts it as failed.
    /// </summary>
    internal sealed class InvariantException : Exception
    {
        public InvariantException(string message)
            : base(message)
        {
        }
    }

    /// <summary>One assertion helper for every target.</summary>
    internal static class Invariant
    {
        /// <summary>Counts invariant checks (for the property run's figures).</summary>
        public static long Checks;

        /// <summary>Replay --verbose: targets print what happened to each step.</summary>
        public static bool Verbose;

        public static void That(bool condition, string what)
        {
            Checks++;
            if (!condition)
            {
                throw new InvariantException(what);
            }
        }

        /// <summary>Two counts must be equal; the message (with both, and an index when not -1) is made
        /// only when they are not, so checking allocates nothing.</summary>
        public static void Equal(long expected, long actual, string what, int index = -1)
        {
            Checks++;
            if (expected != actual)
            {
                throw new InvariantException(what + (index >= 0 ? " " + index : string.Empty) + ": expected " + expected + ", got " + actual);
            }
        }
    }

    /// <summary>A fuzz target: runs one input; throws on a crash or a broken invariant.</summary>
    internal interface IFuzzTarget
    {
        /// <summary>The name used on the command line and as the corpus folder.</summary>
        string Name { get; }

        /// <summary>Runs one input (the first <paramref name="length"/> bytes of <paramref name="input"/>).</summary>
        void Run(byte[] input, int length);
    }

    /// <summary>Big-endian reads and writes for the harness's own packet building.</summary>
    internal static class Be
    {
        public static ushort U16(byte[] b, int at) => (ushort)((b[at] << 8) | b[at + 1]);

        public static uint U32(byte[] b, int at) => ((uint)b[at] << 24) | ((uint)b[at + 1] << 16) | ((uint)b[at + 2] << 8) | b[at + 3];

        public static void W16(byte[] b, int at, int v)
        {
            b[at] = (byte)(v >> 8);
            b[at + 1] = (byte)v;
        }

        public static void W32(byte[] b, int at, uint v)
        {
            b[at] = (byte)(v >> 24);
            b[at + 1] = (byte)(v >> 16);
            b[at + 2] = (byte)(v >> 8);
            b[at + 3] = (byte)v;
        }
    }
}
