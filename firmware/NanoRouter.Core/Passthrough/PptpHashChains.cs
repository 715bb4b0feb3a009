namespace NanoRouter.Core.Passthrough
{
    /// <summary>
    /// Intrusive hash chains over the slots of a fixed table: a bucket array of heads and one "next"
    /// link per slot, both 16-bit, allocated once. The owner hashes its key, walks
    /// <see cref="First"/>/<see cref="Next"/> and compares the key itself, so one helper serves every
    /// table without generics. The bucket count is a power of two at least twice the slot count, so
    /// chains stay short (expected length below one).
    /// </summary>
    internal sealed class PptpHashChains
    {
        /// <summary>The end-of-chain sentinel.</summary>
        public const short NoIndex = -1;

        private readonly short[] _heads;
        private readonly short[] _next;
        private readonly int _mask;

        /// <summary>The bucket heads (for the tracker's inlined GRE lookups).</summary>
        internal short[] Heads => _heads;

        /// <summary>The chain links (for the tracker's inlined GRE lookups).</summary>
        internal short[] Links => _next;

        /// <summary>Buckets - 1.</summary>
        internal int Mask => _mask;

        /// <summary>Creates chains for <paramref name="slots"/> slots (at most 32767).</summary>
        public PptpHashChains(int slots)
        {
            int buckets = 2;
            while (buckets < slots * 2)
            {
                buckets <<= 1;
            }

            _heads = new short[buckets];
            _next = new short[slots];
            _mask = buckets - 1;
            Clear();
        }

        /// <summary>Mixes two 32-bit values into a well-spread hash (multiply and xor-shift).</summary>
        public static uint Mix(uint a, uint b)
        {
            uint h = a * 0x9E3779B1u;
            h ^= h >> 16;
            h ^= b;
            h *= 0x85EBCA6Bu;
            h ^= h >> 13;
            h *= 0xC2B2AE35u;
            h ^= h >> 16;
            return h;
        }

        /// <summary>The bucket of a hash.</summary>
        public int BucketOf(uint hash) => (int)(hash & (uint)_mask);

        /// <summary>The first slot in a bucket, or <see cref="NoIndex"/>.</summary>
        public int First(int bucket) => _heads[bucket];

        /// <summary>The slot after <paramref name="slot"/> in its chain, or <see cref="NoIndex"/>.</summary>
        public int Next(int slot) => _next[slot];

        /// <summary>Puts a slot at the head of a bucket's chain.</summary>
        public void Insert(int bucket, int slot)
        {
            _next[slot] = _heads[bucket];
            _heads[bucket] = (short)slot;
        }

        /// <summary>Takes a slot out of a bucket's chain; nothing happens when it is not there.</summary>
        public void Remove(int bucket, int slot)
        {
            int current = _heads[bucket];
            if (current == slot)
            {
                _heads[bucket] = _next[slot];
                _next[slot] = NoIndex;
                return;
            }

            while (current != NoIndex)
            {
                int after = _next[current];
                if (after == slot)
                {
                    _next[current] = _next[slot];
                    _next[slot] = NoIndex;
                    return;
                }

                current = after;
            }
        }

        /// <summary>Empties every chain.</summary>
        public void Clear()
        {
            for (int i = 0; i < _heads.Length; i++)
            {
                _heads[i] = NoIndex;
            }

            for (int i = 0; i < _next.Length; i++)
            {
                _next[i] = NoIndex;
            }
        }
    }
}
