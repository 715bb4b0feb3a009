namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// The shared tests' own pseudo-random generator: Marsaglia's xorshift128 (Journal of Statistical
    /// Software 8(14), 2003), its four words filled from a 32-bit seed by the MurmurHash3 finaliser.
    /// It uses only 32-bit integer operations, so .NET and nanoCLR produce the same sequence for the
    /// same seed (System.Random differs between them, and nanoFramework's lacks Next(min, max)).
    /// Not for anything but tests.
    /// </summary>
    internal sealed class TestRandom
    {
        private uint _x;
        private uint _y;
        private uint _z;
        private uint _w;

        public TestRandom(uint seed)
        {
            Seed = seed;
            uint s = seed;
            _x = Scramble(ref s);
            _y = Scramble(ref s);
            _z = Scramble(ref s);
            _w = Scramble(ref s);
            if ((_x | _y | _z | _w) == 0)
            {
                _w = 1;
            }
        }

        /// <summary>The seed this generator started from.</summary>
        public uint Seed { get; }

        private static uint Scramble(ref uint state)
        {
            unchecked
            {
                state += 0x9E3779B9;
                uint z = state;
                z = (z ^ (z >> 16)) * 0x85EBCA6B;
                z = (z ^ (z >> 13)) * 0xC2B2AE35;
                return z ^ (z >> 16);
            }
        }

        /// <summary>The next 32 random bits.</summary>
        public uint NextUInt()
        {
            uint t = _x ^ (_x << 11);
            _x = _y;
            _y = _z;
            _z = _w;
            _w = _w ^ (_w >> 19) ^ t ^ (t >> 8);
            return _w;
        }

        /// <summary>A value in [0, <paramref name="count"/>), for <paramref name="count"/> &gt;= 1.</summary>
        public int Below(int count)
        {
            return (int)(((ulong)NextUInt() * (uint)count) >> 32);
        }

        /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>], both included (as CsCheck's Gen.Int[min, max]).</summary>
        public int Between(int min, int max)
        {
            return min + (int)(((ulong)NextUInt() * (ulong)((long)max - min + 1)) >> 32);
        }

        public byte NextByte()
        {
            return (byte)(NextUInt() >> 24);
        }

        public ushort NextUShort()
        {
            return (ushort)(NextUInt() >> 16);
        }

        public bool NextBool()
        {
            return (NextUInt() & 0x80000000) != 0;
        }

        /// <summary>A new array of random bytes, its length in [<paramref name="minLength"/>, <paramref name="maxLength"/>].</summary>
        public byte[] Bytes(int minLength, int maxLength)
        {
            var bytes = new byte[Between(minLength, maxLength)];
            Fill(bytes);
            return bytes;
        }

        /// <summary>Overwrites every byte of <paramref name="bytes"/>.</summary>
        public void Fill(byte[] bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = NextByte();
            }
        }
    }
}
