using System;
using System.Threading;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>Waiting for a condition in end-to-end tests (shared by the VPN and hostile-input tests).</summary>
    public static class Polling
    {
        /// <summary>Polls <paramref name="condition"/> every <paramref name="pollMs"/> until it holds
        /// (true) or <paramref name="timeout"/> passes (false).</summary>
        public static bool Until(Func<bool> condition, TimeSpan timeout, int pollMs = 200)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (condition())
                {
                    return true;
                }

                if (DateTime.UtcNow >= deadline)
                {
                    return false;
                }

                Thread.Sleep(pollMs);
            }
        }
    }
}
