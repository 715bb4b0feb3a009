using NanoRouter.Core.Common;
using NanoRouter.Hal;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104) in managed code, over the core's <see cref="Sha256"/>: the fallback
    /// chain of <see cref="Pbkdf2"/> where a board has no faster one (tests, the emulator). The
    /// two padded keys are hashed once per key (<see cref="SetKey"/>) and kept as SHA-256 states,
    /// so a MAC of 32 bytes, PBKDF2's every iteration, costs two compressions, not four; each
    /// <see cref="Chain"/> call hashes the pads once more, so its callers take many iterations per
    /// call (its compressions yield by themselves, <see cref="Sha256"/>). Nothing allocates; what
    /// a key leaves behind is wiped at the end of every <see cref="Chain"/>.
    /// </summary>
    public sealed class HmacSha256 : IHmacSha256Chain
    {
        private const byte InnerPad = 0x36;
        private const byte OuterPad = 0x5C;

        private readonly Sha256 _sha = new Sha256();
        private readonly uint[] _inner = new uint[8];
        private readonly uint[] _outer = new uint[8];
        private readonly byte[] _pad = new byte[Sha256.BlockBytes];

        // The last block of both hashes of a 32-byte message after a 64-byte padded key: the
        // message, 0x80, zeros, and the length in bits, (64 + 32) * 8 = 768 (FIPS 180-4 5.1.1).
        private readonly byte[] _tail = new byte[Sha256.BlockBytes];

        /// <summary>Creates it with no key set (the empty key).</summary>
        public HmacSha256()
        {
            _tail[Sha256.HashBytes] = 0x80;
            _tail[Sha256.BlockBytes - 2] = 768 >> 8;
            _tail[Sha256.BlockBytes - 1] = 768 & 0xFF;
            SetKey(_pad, 0, 0);
        }

        /// <summary>Sets the key (a key longer than a block is hashed first, RFC 2104).</summary>
        public void SetKey(byte[] key, int offset, int count)
        {
            System.Array.Clear(_pad, 0, Sha256.BlockBytes);
            if (count > Sha256.BlockBytes)
            {
                _sha.Update(key, offset, count);
                _sha.Final(_pad, 0);
            }
            else
            {
                System.Array.Copy(key, offset, _pad, 0, count);
            }

            for (int i = 0; i < Sha256.BlockBytes; i++)
            {
                _pad[i] ^= InnerPad;
            }

            _sha.Update(_pad, 0, Sha256.BlockBytes);
            _sha.CopyState(_inner);
            _sha.Reset();
            for (int i = 0; i < Sha256.BlockBytes; i++)
            {
                _pad[i] ^= InnerPad ^ OuterPad;
            }

            _sha.Update(_pad, 0, Sha256.BlockBytes);
            _sha.CopyState(_outer);
            _sha.Reset();
            System.Array.Clear(_pad, 0, Sha256.BlockBytes);
        }

        /// <summary>Wipes what the key left: its two hashed pads and the last message.</summary>
        public void Forget()
        {
            System.Array.Clear(_inner, 0, 8);
            System.Array.Clear(_outer, 0, 8);
            System.Array.Clear(_tail, 0, Sha256.HashBytes);
        }

        /// <summary>HMAC-SHA256 of one or two message parts under the key set by <see cref="SetKey"/>.</summary>
        public void Mac(byte[] part1, int offset1, int count1, byte[] part2, int offset2, int count2, byte[] mac, int macOffset)
        {
            _sha.Resume(_inner, Sha256.BlockBytes);
            _sha.Update(part1, offset1, count1);
            if (part2 != null)
            {
                _sha.Update(part2, offset2, count2);
            }

            _sha.Final(_tail, 0);
            _sha.FinalBlock(_outer, _tail, 0, mac, macOffset);
        }

        /// <inheritdoc />
        public bool Chain(byte[] key, int keyCount, byte[] block, int messageLength, int iterations)
        {
            if (key == null || block == null || keyCount < 0 || keyCount > key.Length || messageLength < 0
                || iterations < 0 || block.Length < 2 * Sha256.HashBytes || messageLength > block.Length - Sha256.HashBytes)
            {
                return false;
            }

            SetKey(key, 0, keyCount);
            for (int n = 0; n < iterations; n++)
            {
                if (n == 0 && messageLength != Sha256.HashBytes)
                {
                    Mac(block, Sha256.HashBytes, messageLength, null, 0, 0, block, Sha256.HashBytes);
                }
                else
                {
                    // U = H(outer || H(inner || U)): one compression each, from the kept states.
                    System.Array.Copy(block, Sha256.HashBytes, _tail, 0, Sha256.HashBytes);
                    _sha.FinalBlock(_inner, _tail, 0, _tail, 0);
                    _sha.FinalBlock(_outer, _tail, 0, block, Sha256.HashBytes);
                }

                for (int i = 0; i < Sha256.HashBytes; i++)
                {
                    block[i] ^= block[Sha256.HashBytes + i];
                }
            }

            Forget();
            return true;
        }
    }
}
