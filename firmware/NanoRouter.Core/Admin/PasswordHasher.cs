using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104) and PBKDF2-HMAC-SHA256 (RFC 8018) for the admin password, with one
    /// preallocated SHA-256 and fixed pads. Comparison is constant-time. Passwords never leave
    /// this class except as their hash.
    /// </summary>
    public sealed class PasswordHasher
    {
        private readonly Sha256 _sha = new Sha256();
        private readonly byte[] _innerPad = new byte[Sha256.BlockBytes];
        private readonly byte[] _outerPad = new byte[Sha256.BlockBytes];
        private readonly byte[] _u = new byte[Sha256.HashBytes];
        private readonly byte[] _t = new byte[Sha256.HashBytes];
        private readonly byte[] _counter = new byte[4];

        /// <summary>Sets the HMAC key (keys longer than a block are hashed first).</summary>
        public void SetKey(byte[] key, int offset, int count)
        {
            System.Array.Clear(_innerPad, 0, Sha256.BlockBytes);
            if (count > Sha256.BlockBytes)
            {
                _sha.Reset();
                _sha.Update(key, offset, count);
                _sha.Final(_innerPad, 0);
            }
            else
            {
                System.Array.Copy(key, offset, _innerPad, 0, count);
            }

            for (int i = 0; i < Sha256.BlockBytes; i++)
            {
                byte k = _innerPad[i];
                _innerPad[i] = (byte)(k ^ 0x36);
                _outerPad[i] = (byte)(k ^ 0x5C);
            }

            Pace.Spend(48);
        }

        /// <summary>HMAC-SHA256 of one or two message parts under the key set by <see cref="SetKey"/>.</summary>
        public void Mac(byte[] part1, int offset1, int count1, byte[] part2, int offset2, int count2, byte[] mac, int macOffset)
        {
            _sha.Reset();
            _sha.Update(_innerPad, 0, Sha256.BlockBytes);
            _sha.Update(part1, offset1, count1);
            if (part2 != null)
            {
                _sha.Update(part2, offset2, count2);
            }

            _sha.Final(mac, macOffset);
            _sha.Update(_outerPad, 0, Sha256.BlockBytes);
            _sha.Update(mac, macOffset, Sha256.HashBytes);
            _sha.Final(mac, macOffset);
        }

        /// <summary>PBKDF2-HMAC-SHA256 with a 32-byte output (one block).</summary>
        public void DeriveKey(byte[] password, int passwordOffset, int passwordCount, byte[] salt, int saltOffset, int saltCount, int iterations, byte[] output, int outputOffset)
        {
            SetKey(password, passwordOffset, passwordCount);
            _counter[0] = 0;
            _counter[1] = 0;
            _counter[2] = 0;
            _counter[3] = 1;
            Mac(salt, saltOffset, saltCount, _counter, 0, 4, _u, 0);
            System.Array.Copy(_u, 0, _t, 0, Sha256.HashBytes);
            for (int n = 1; n < iterations; n++)
            {
                Mac(_u, 0, Sha256.HashBytes, null, 0, 0, _u, 0);
                for (int i = 0; i < Sha256.HashBytes; i++)
                {
                    _t[i] ^= _u[i];
                }
            }

            System.Array.Copy(_t, 0, output, outputOffset, Sha256.HashBytes);
            System.Array.Clear(_innerPad, 0, Sha256.BlockBytes);
            System.Array.Clear(_outerPad, 0, Sha256.BlockBytes);
            System.Array.Clear(_u, 0, Sha256.HashBytes);
            System.Array.Clear(_t, 0, Sha256.HashBytes);
        }

        /// <summary>Compares two byte ranges in time that depends only on their length.</summary>
        public static bool FixedTimeEquals(byte[] a, int aOffset, byte[] b, int bOffset, int count)
        {
            int difference = 0;
            for (int i = 0; i < count; i++)
            {
                difference |= a[aOffset + i] ^ b[bOffset + i];
            }

            return difference == 0;
        }
    }
}
