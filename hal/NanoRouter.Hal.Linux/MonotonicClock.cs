using System;

namespace NanoRouter.Hal.Linux
{
    /// <summary>The host's monotonic clock (Environment.TickCount64) as the core's wrapping millisecond clock.</summary>
    public sealed class MonotonicClock : IClock
    {
        private readonly long _origin = Environment.TickCount64;

        /// <summary>Milliseconds since the clock was made, wrapping at 2^32 like the device's.</summary>
        public int NowMs => unchecked((int)(Environment.TickCount64 - _origin));
    }
}
