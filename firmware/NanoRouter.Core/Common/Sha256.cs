using NanoRouter.Core.Router;

namespace NanoRouter.Core.Common
{
    /// <summary>
    /// SHA-256 (FIPS 180-4) by hand: nanoFramework's mscorlib has no cryptography. One instance
    /// holds its state and message schedule and is reused; nothing allocates per hash. A state
    /// after whole blocks can be kept (<see cref="CopyState"/>) and resumed, which is how HMAC
    /// keeps its two padded keys hashed once (<see cref="NanoRouter.Core.Admin.HmacSha256"/>).
    /// </summary>
    public sealed class Sha256
    {
        /// <summary>The digest size in bytes.</summary>
        public const int HashBytes = 32;

        /// <summary>The block size in bytes.</summary>
        public const int BlockBytes = 64;

        private static readonly uint[] s_k = new uint[]
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _state = new uint[8];
        private readonly uint[] _schedule = new uint[64];
        private readonly byte[] _block = new byte[BlockBytes];
        private int _blockLength;
        private long _totalBytes;

        /// <summary>Creates a hasher ready for input.</summary>
        public Sha256()
        {
            Reset();
        }

        /// <summary>Starts a new hash.</summary>
        public void Reset()
        {
            _state[0] = 0x6a09e667;
            _state[1] = 0xbb67ae85;
            _state[2] = 0x3c6ef372;
            _state[3] = 0xa54ff53a;
            _state[4] = 0x510e527f;
            _state[5] = 0x9b05688c;
            _state[6] = 0x1f83d9ab;
            _state[7] = 0x5be0cd19;
            _blockLength = 0;
            _totalBytes = 0;
        }

        /// <summary>Adds bytes to the message.</summary>
        public void Update(byte[] data, int offset, int count)
        {
            _totalBytes += count;
            while (count > 0)
            {
                int take = BlockBytes - _blockLength;
                if (take > count)
                {
                    take = count;
                }

                if (take == BlockBytes)
                {
                    Compress(data, offset);
                }
                else
                {
                    System.Array.Copy(data, offset, _block, _blockLength, take);
                    _blockLength += take;
                    if (_blockLength == BlockBytes)
                    {
                        Compress(_block, 0);
                        _blockLength = 0;
                    }
                }

                offset += take;
                count -= take;
            }
        }

        /// <summary>Pads, finishes and writes the 32-byte digest; then the hasher is reset.</summary>
        public void Final(byte[] digest, int offset)
        {
            long bits = _totalBytes * 8;
            _block[_blockLength++] = 0x80;
            if (_blockLength > BlockBytes - 8)
            {
                while (_blockLength < BlockBytes)
                {
                    _block[_blockLength++] = 0;
                }

                Compress(_block, 0);
                _blockLength = 0;
            }

            while (_blockLength < BlockBytes - 8)
            {
                _block[_blockLength++] = 0;
            }

            for (int i = 7; i >= 0; i--)
            {
                _block[_blockLength++] = (byte)(bits >> (i * 8));
            }

            Compress(_block, 0);
            WriteDigest(digest, offset);
            Reset();
        }

        /// <summary>Copies the chaining state into <paramref name="target"/> (8 words). Meaningful
        /// only after whole blocks (a multiple of <see cref="BlockBytes"/> so far).</summary>
        public void CopyState(uint[] target)
        {
            System.Array.Copy(_state, target, 8);
        }

        /// <summary>Continues a hash from a state <see cref="CopyState"/> kept after
        /// <paramref name="bytesSoFar"/> bytes (a multiple of <see cref="BlockBytes"/>).</summary>
        public void Resume(uint[] state, long bytesSoFar)
        {
            System.Array.Copy(state, _state, 8);
            _blockLength = 0;
            _totalBytes = bytesSoFar;
        }

        /// <summary>
        /// The digest of a message whose last block, already padded (FIPS 180-4 5.1.1), is the 64
        /// bytes at <paramref name="offset"/> and whose earlier blocks left <paramref name="state"/>:
        /// one compression, nothing else. HMAC's hashes of 32 bytes after a padded key are such.
        /// The hasher is reset afterwards.
        /// </summary>
        public void FinalBlock(uint[] state, byte[] block, int offset, byte[] digest, int digestOffset)
        {
            System.Array.Copy(state, _state, 8);
            Compress(block, offset);
            WriteDigest(digest, digestOffset);
            Reset();
        }

        private void WriteDigest(byte[] digest, int offset)
        {
            for (int i = 0; i < 8; i++)
            {
                uint v = _state[i];
                digest[offset + (i * 4)] = (byte)(v >> 24);
                digest[offset + (i * 4) + 1] = (byte)(v >> 16);
                digest[offset + (i * 4) + 2] = (byte)(v >> 8);
                digest[offset + (i * 4) + 3] = (byte)v;
            }
        }

        private void Compress(byte[] data, int offset)
        {
            uint[] w = _schedule;
            for (int i = 0; i < 16; i++)
            {
                int j = offset + (i * 4);
                w[i] = ((uint)data[j] << 24) | ((uint)data[j + 1] << 16) | ((uint)data[j + 2] << 8) | data[j + 3];
            }

            for (int i = 16; i < 64; i++)
            {
                uint x = w[i - 15];
                uint y = w[i - 2];
                uint s0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3);
                uint s1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
                if ((i & 15) == 15)
                {
                    Pace.Spend(Pace.Budget);
                }
            }

            uint a = _state[0];
            uint b = _state[1];
            uint c = _state[2];
            uint d = _state[3];
            uint e = _state[4];
            uint f = _state[5];
            uint g = _state[6];
            uint h = _state[7];
            for (int i = 0; i < 64; i++)
            {
                uint sum1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7));
                uint choose = (e & f) ^ (~e & g);
                uint t1 = h + sum1 + choose + s_k[i] + w[i];
                uint sum0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10));
                uint majority = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = sum0 + majority;
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
                if ((i & 15) == 15)
                {
                    Pace.Spend(Pace.Budget);
                }
            }

            _state[0] += a;
            _state[1] += b;
            _state[2] += c;
            _state[3] += d;
            _state[4] += e;
            _state[5] += f;
            _state[6] += g;
            _state[7] += h;
        }
    }
}
