namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// Limits failed logins in a fixed table of <see cref="Capacity"/> addresses: after
    /// <see cref="MaxFailures"/> failures within <see cref="WindowMs"/>, that address may not try
    /// again for <see cref="BlockMs"/>. A success clears the address's count.
    /// <para>
    /// An entry is reused only once it is over (its window passed without a block, or its block
    /// ended); a live entry is never handed to another address, so cycling through more
    /// addresses than the table holds does not wipe the count of the first ones. While all
    /// entries are live, every untracked address shares one overflow entry, counted and blocked
    /// like an address of its own: all of them together get <see cref="MaxFailures"/> failures,
    /// then wait <see cref="BlockMs"/>. So strangers get at most (Capacity + 1) × MaxFailures
    /// guesses per block period, however many addresses they use.
    /// </para>
    /// <para>
    /// The overflow would also lock out a real user arriving from a new address during such an
    /// attack, so the limiter remembers the last <see cref="ProvenCapacity"/> addresses that
    /// logged in since boot. An untracked proven address is never sent to the overflow: it may
    /// try while all entries are live, and if it fails it takes the live entry of the longest
    /// tracked address that is not proven (that address becomes untracked, so it falls into the
    /// overflow). Each proven address can hold one entry at a time, so the bound becomes
    /// (Capacity + 1 + ProvenCapacity) × MaxFailures per block period only for an attacker that
    /// takes over proven addresses.
    /// </para>
    /// Fixed memory (a few small arrays allocated once), no allocation per call. Times are the
    /// clock's int milliseconds, compared wrap-safe; every call first forgets entries that are
    /// over, so a stale time never comes back to life after the clock wraps (only if nobody tried
    /// to log in for 49 days, and then for at most a minute).
    /// </summary>
    public sealed class LoginRateLimiter
    {
        /// <summary>How many addresses are tracked each on their own.</summary>
        public const int Capacity = 8;

        /// <summary>How many addresses that logged in successfully are remembered.</summary>
        public const int ProvenCapacity = 4;

        /// <summary>Failures allowed within the window.</summary>
        public const int MaxFailures = 5;

        /// <summary>The window failures are counted in.</summary>
        public const int WindowMs = 60000;

        /// <summary>How long an address (or the overflow) is blocked.</summary>
        public const int BlockMs = 60000;

        /// <summary>Index of the overflow entry in the count arrays.</summary>
        private const int Overflow = Capacity;

        // Entries 0..Capacity-1 are addresses; entry Capacity is the shared overflow.
        private readonly uint[] _address = new uint[Capacity];
        private readonly bool[] _used = new bool[Capacity + 1];
        private readonly int[] _failures = new int[Capacity + 1];
        private readonly int[] _firstFailureMs = new int[Capacity + 1];
        private readonly int[] _blockedUntilMs = new int[Capacity + 1];

        // Proven addresses, most recent success first.
        private readonly uint[] _proven = new uint[ProvenCapacity];
        private int _provenCount;

        /// <summary>Milliseconds the address must still wait, or 0 when it may try now.</summary>
        public int RetryAfterMs(uint address, int nowMs)
        {
            Forget(nowMs);
            int i = Find(address);
            if (i < 0)
            {
                if (FreeEntry() >= 0 || IsProven(address))
                {
                    return 0;
                }

                i = Overflow;
            }

            return BlockLeft(i, nowMs);
        }

        /// <summary>Counts a failed login.</summary>
        public void Failed(uint address, int nowMs)
        {
            Forget(nowMs);
            int i = Find(address);
            if (i < 0)
            {
                i = FreeEntry();
                if (i < 0 && IsProven(address))
                {
                    i = LongestTrackedStranger(nowMs);
                }

                if (i < 0)
                {
                    i = Overflow;
                }
                else
                {
                    // A free entry, or a stranger's taken over: it starts afresh below.
                    _address[i] = address;
                    _used[i] = false;
                }
            }

            if (!_used[i])
            {
                _used[i] = true;
                _failures[i] = 0;
            }

            if (_failures[i] >= MaxFailures)
            {
                // Still blocked (entries that are over were forgotten): a failure now restarts the block.
                _blockedUntilMs[i] = nowMs + BlockMs;
                return;
            }

            if (_failures[i] == 0 || !InRange(nowMs - _firstFailureMs[i], WindowMs))
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

        /// <summary>Clears an address's count after a good login and remembers it as proven. Its
        /// entry stays its own until the window ends, so a real user's typo and login never
        /// hand a fresh entry to a stranger while the table is full.</summary>
        public void Succeeded(uint address)
        {
            int i = Find(address);
            if (i >= 0)
            {
                _failures[i] = 0;
            }

            // Most recent first: move it (or the oldest, which drops out) to the front.
            int at = 0;
            while (at < _provenCount && _proven[at] != address)
            {
                at++;
            }

            if (at == _provenCount)
            {
                if (_provenCount < ProvenCapacity)
                {
                    _provenCount++;
                }
                else
                {
                    at = ProvenCapacity - 1;
                }
            }

            for (int k = at; k > 0; k--)
            {
                _proven[k] = _proven[k - 1];
            }

            _proven[0] = address;
        }

        /// <summary>Whether <paramref name="address"/> logged in successfully since boot (among the last <see cref="ProvenCapacity"/>).</summary>
        public bool IsProven(uint address)
        {
            for (int k = 0; k < _provenCount; k++)
            {
                if (_proven[k] == address)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether 0 &lt;= value &lt; limit (a wrap-safe difference of two times).</summary>
        private static bool InRange(int value, int limit)
        {
            return value >= 0 && value < limit;
        }

        /// <summary>Whether entry <paramref name="i"/> still counts: blocked, or within its window.</summary>
        private bool IsLive(int i, int nowMs)
        {
            if (!_used[i])
            {
                return false;
            }

            if (_failures[i] >= MaxFailures)
            {
                return BlockLeft(i, nowMs) > 0;
            }

            return InRange(nowMs - _firstFailureMs[i], WindowMs);
        }

        private int BlockLeft(int i, int nowMs)
        {
            if (!_used[i] || _failures[i] < MaxFailures)
            {
                return 0;
            }

            // A block is at most BlockMs long; anything else is a time from before a clock wrap.
            int left = _blockedUntilMs[i] - nowMs;
            return left > 0 && left <= BlockMs ? left : 0;
        }

        /// <summary>Frees every entry (and the overflow) that is over.</summary>
        private void Forget(int nowMs)
        {
            for (int i = 0; i <= Capacity; i++)
            {
                if (_used[i] && !IsLive(i, nowMs))
                {
                    _used[i] = false;
                    _failures[i] = 0;
                }
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

        private int FreeEntry()
        {
            for (int i = 0; i < Capacity; i++)
            {
                if (!_used[i])
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The live entry of an address that is not proven whose count started first
        /// (its block or window ends soonest), or -1.</summary>
        private int LongestTrackedStranger(int nowMs)
        {
            int best = -1;
            int bestAge = -1;
            for (int i = 0; i < Capacity; i++)
            {
                if (!_used[i] || IsProven(_address[i]))
                {
                    continue;
                }

                int age = nowMs - Started(i);
                if (age > bestAge)
                {
                    best = i;
                    bestAge = age;
                }
            }

            return best;
        }

        /// <summary>When the entry's current period started: its block, or its window.</summary>
        private int Started(int i)
        {
            return _failures[i] >= MaxFailures ? _blockedUntilMs[i] - BlockMs : _firstFailureMs[i];
        }
    }
}
