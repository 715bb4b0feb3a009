namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// Limits failed logins per client address in a fixed table: after
    /// <see cref="MaxFailures"/> failures within <see cref="WindowMs"/>, that address may not try
    /// again for <see cref="BlockMs"/>. A success clears the address. When the table is full the
    /// entry with the oldest activity is reused.
    /// </summary>
    public sealed class LoginRateLimiter
    {
        /// <summary>How many addresses are tracked.</summary>
        public const int Capacity = 8;

        /// <summary>Failures allowed within the window.</summary>
        public const int MaxFailures = 5;

        /// <summary>The window failures are counted in.</summary>
        public const int WindowMs = 60000;

        /// <summary>How long an address is blocked.</summary>
        public const int BlockMs = 60000;

        private readonly uint[] _address = new uint[Capacity];
        private readonly int[] _failures = new int[Capacity];
        private readonly int[] _firstFailureMs = new int[Capacity];
        private readonly int[] _blockedUntilMs = new int[Capacity];
        private readonly bool[] _used = new bool[Capacity];

        /// <summary>Milliseconds the address must still wait, or 0 when it may try now.</summary>
        public int RetryAfterMs(uint address, int nowMs)
        {
            int i = Find(address);
            if (i < 0 || _failures[i] < MaxFailures)
            {
                return 0;
            }

            int left = _blockedUntilMs[i] - nowMs;
            return left > 0 ? left : 0;
        }

        /// <summary>Counts a failed login.</summary>
        public void Failed(uint address, int nowMs)
        {
            int i = Find(address);
            if (i < 0)
            {
                i = Allocate(nowMs);
                _used[i] = true;
                _address[i] = address;
                _failures[i] = 0;
            }

            if (_failures[i] == 0 || nowMs - _firstFailureMs[i] >= WindowMs)
            {
                _failures[i] = 0;
                _firstFailureMs[i] = nowMs;
            }

            _failures[i]++;
            if (_failures[i] >= MaxFailures)
            {
                _blockedUntilMs[i] = nowMs + BlockMs;
            }
        }

        /// <summary>Clears an address after a good login.</summary>
        public void Succeeded(uint address)
        {
            int i = Find(address);
            if (i >= 0)
            {
                _used[i] = false;
            }
        }

        private int Find(uint address)
        {
            for (int i = 0; i < Capacity; i++)
            {
                if (_used[i] && _address[i] == address)
                {
                    return i;
                }
            }

            return -1;
        }

        private int Allocate(int nowMs)
        {
            int oldest = 0;
            for (int i = 0; i < Capacity; i++)
            {
                if (!_used[i])
                {
                    return i;
                }

                // Entries whose block is over (or that never blocked and left the window) go first.
                if (Activity(i) - Activity(oldest) < 0)
                {
                    oldest = i;
                }
            }

            return oldest;
        }

        private int Activity(int i) => _failures[i] >= MaxFailures ? _blockedUntilMs[i] : _firstFailureMs[i];
    }
}
