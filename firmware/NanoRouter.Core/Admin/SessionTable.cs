using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// A fixed table of login sessions: browser cookies and API bearer tokens alike. Each has a
    /// 16-byte random token (sent as 32 hex digits), a 16-byte CSRF token for its forms, and the
    /// time it was last used; it expires after <see cref="IdleTimeoutMs"/> without use. When the
    /// table is full the least recently used session is replaced. Lookups compare in fixed time.
    /// </summary>
    public sealed class SessionTable
    {
        /// <summary>How many sessions can be live at once.</summary>
        public const int Capacity = 8;

        /// <summary>The token size in bytes.</summary>
        public const int TokenBytes = 16;

        private readonly byte[][] _tokens = new byte[Capacity][];
        private readonly byte[][] _csrf = new byte[Capacity][];
        private readonly int[] _lastUsedMs = new int[Capacity];
        private readonly bool[] _live = new bool[Capacity];
        private readonly byte[] _candidate = new byte[TokenBytes];

        /// <summary>Creates the table.</summary>
        public SessionTable()
        {
            for (int i = 0; i < Capacity; i++)
            {
                _tokens[i] = new byte[TokenBytes];
                _csrf[i] = new byte[TokenBytes];
            }

            IdleTimeoutMs = 15 * 60 * 1000;
        }

        /// <summary>How long a session lives without being used (default 15 minutes).</summary>
        public int IdleTimeoutMs;

        /// <summary>Live (unexpired) sessions at <paramref name="nowMs"/>.</summary>
        public int LiveCount(int nowMs)
        {
            int count = 0;
            for (int i = 0; i < Capacity; i++)
            {
                if (IsLive(i, nowMs))
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>Starts a session with fresh random tokens.</summary>
        /// <returns>Its index.</returns>
        public int Create(Hal.IEntropySource entropy, int nowMs)
        {
            int chosen = -1;
            for (int i = 0; i < Capacity; i++)
            {
                if (!IsLive(i, nowMs))
                {
                    chosen = i;
                    break;
                }
            }

            if (chosen < 0)
            {
                chosen = 0;
                for (int i = 1; i < Capacity; i++)
                {
                    if (_lastUsedMs[i] - _lastUsedMs[chosen] < 0)
                    {
                        chosen = i;
                    }
                }
            }

            entropy.Fill(_tokens[chosen], 0, TokenBytes);
            entropy.Fill(_csrf[chosen], 0, TokenBytes);
            _lastUsedMs[chosen] = nowMs;
            _live[chosen] = true;
            return chosen;
        }

        /// <summary>Finds the live session whose token is the 32 hex digits at <paramref name="offset"/>, and touches it.</summary>
        /// <returns>Its index, or -1.</returns>
        public int Find(byte[] buffer, int offset, int length, int nowMs)
        {
            if (length != TokenBytes * 2 || !DecodeHex(buffer, offset, _candidate))
            {
                return -1;
            }

            int found = -1;
            for (int i = 0; i < Capacity; i++)
            {
                if (IsLive(i, nowMs) && ConstantTime.Same(_tokens[i], 0, _candidate, 0, TokenBytes))
                {
                    found = i;
                }
            }

            if (found >= 0)
            {
                _lastUsedMs[found] = nowMs;
            }

            return found;
        }

        /// <summary>Whether 32 hex digits at <paramref name="offset"/> are the session's CSRF token.</summary>
        public bool CsrfMatches(int session, byte[] buffer, int offset, int length)
        {
            if (length != TokenBytes * 2 || !DecodeHex(buffer, offset, _candidate))
            {
                return false;
            }

            return ConstantTime.Same(_csrf[session], 0, _candidate, 0, TokenBytes);
        }

        /// <summary>The session's token bytes.</summary>
        public byte[] Token(int session) => _tokens[session];

        /// <summary>The session's CSRF token bytes.</summary>
        public byte[] Csrf(int session) => _csrf[session];

        /// <summary>Ends one session.</summary>
        public void Remove(int session)
        {
            _live[session] = false;
            System.Array.Clear(_tokens[session], 0, TokenBytes);
        }

        /// <summary>Ends every session (password change, factory reset).</summary>
        public void Clear()
        {
            for (int i = 0; i < Capacity; i++)
            {
                Remove(i);
            }
        }

        private bool IsLive(int i, int nowMs) => _live[i] && nowMs - _lastUsedMs[i] < IdleTimeoutMs;

        /// <summary>Decodes 2 × <see cref="TokenBytes"/> hex digits.</summary>
        public static bool DecodeHex(byte[] buffer, int offset, byte[] target)
        {
            Pace.Spend(48);
            for (int i = 0; i < TokenBytes; i++)
            {
                int high = PercentEncoding.HexValue(buffer[offset + (2 * i)]);
                int low = PercentEncoding.HexValue(buffer[offset + (2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return false;
                }

                target[i] = (byte)((high << 4) | low);
            }

            return true;
        }
    }
}
