namespace NanoRouter.Core.Flow
{
    /// <summary>
    /// The managed reference table of the native flow table: for every native slot, whether it is
    /// free, live or retiring (removed, waiting for the data thread's grace period), which managed
    /// flow it carries (the owner's table and index), the passthrough rule its packets count under,
    /// and how many of its packets have already been added to that rule's counters. Slots are
    /// handed out from a free list; a removed slot comes back only once the native side says its
    /// values are final, so every packet it forwarded is counted exactly once.
    /// <para>
    /// Per slot: state 1, owner table 1, owner index 2, rule 1, counted packets 2 x 4, free list 2,
    /// retiring list 2: 17 bytes, allocated once.
    /// </para>
    /// </summary>
    public sealed class FlowSlots
    {
        /// <summary>No slot, no owner.</summary>
        public const ushort None = 0xFFFF;

        /// <summary>A slot's state: on the free list.</summary>
        public const byte Free = 0;

        /// <summary>A slot's state: holds a live native entry.</summary>
        public const byte Live = 1;

        /// <summary>A slot's state: removed, its final values not read yet.</summary>
        public const byte Retiring = 2;

        /// <summary>Rule byte of a slot whose packets count under no passthrough rule.</summary>
        public const byte NoRule = 0xFF;

        /// <summary>Per slot: <see cref="Free"/>, <see cref="Live"/> or <see cref="Retiring"/>.</summary>
        public readonly byte[] State;

        /// <summary>Per slot: the owner's table (FlowInstaller.Sessions, Esp, Gre, Pptp).</summary>
        public readonly byte[] OwnerTable;

        /// <summary>Per slot: the owner's index in its table.</summary>
        public readonly ushort[] OwnerIndex;

        /// <summary>Per slot: the PassthroughProtocol its packets count under, or <see cref="NoRule"/>.</summary>
        public readonly byte[] Rule;

        /// <summary>Per slot: packets out already added to the rule's counters.</summary>
        public readonly uint[] CountedOut;

        /// <summary>Per slot: packets in already added to the rule's counters.</summary>
        public readonly uint[] CountedIn;

        private readonly ushort[] _free;
        private readonly ushort[] _retiring;
        private int _freeCount;
        private int _retiringCount;
        private int _live;

        /// <summary>Allocates the table for <paramref name="capacity"/> native slots, all free.</summary>
        public FlowSlots(int capacity)
        {
            State = new byte[capacity];
            OwnerTable = new byte[capacity];
            OwnerIndex = new ushort[capacity];
            Rule = new byte[capacity];
            CountedOut = new uint[capacity];
            CountedIn = new uint[capacity];
            _free = new ushort[capacity];
            _retiring = new ushort[capacity];

            // Lowest slots first (popped from the end).
            for (int i = 0; i < capacity; i++)
            {
                _free[i] = (ushort)(capacity - 1 - i);
            }

            _freeCount = capacity;
        }

        /// <summary>Slots in all.</summary>
        public int Capacity => State.Length;

        /// <summary>Slots holding a live native entry.</summary>
        public int LiveCount => _live;

        /// <summary>Slots removed whose final values are still to be read.</summary>
        public int RetiringCount => _retiringCount;

        /// <summary>Slots on the free list.</summary>
        public int FreeCount => _freeCount;

        /// <summary>The retiring slot at <paramref name="index"/> (0 to <see cref="RetiringCount"/> - 1).</summary>
        public int RetiringAt(int index) => _retiring[index];

        /// <summary>Takes a free slot for an owner (still to be installed: <see cref="Release"/> it if
        /// the native install fails).</summary>
        /// <returns>The slot, or <see cref="None"/> when every slot is taken.</returns>
        public int Take(int ownerTable, int ownerIndex, int rule)
        {
            if (_freeCount == 0)
            {
                return None;
            }

            int slot = _free[--_freeCount];
            State[slot] = Live;
            OwnerTable[slot] = (byte)ownerTable;
            OwnerIndex[slot] = (ushort)ownerIndex;
            Rule[slot] = (byte)rule;
            CountedOut[slot] = 0;
            CountedIn[slot] = 0;
            _live++;
            return slot;
        }

        /// <summary>Gives a taken slot back unused (its native install failed).</summary>
        public void Release(int slot)
        {
            State[slot] = Free;
            OwnerIndex[slot] = None;
            _free[_freeCount++] = (ushort)slot;
            _live--;
        }

        /// <summary>The slot's native entry was removed: it waits for its final values.</summary>
        public void Retire(int slot)
        {
            State[slot] = Retiring;
            OwnerIndex[slot] = None;
            _retiring[_retiringCount++] = (ushort)slot;
            _live--;
        }

        /// <summary>The final values of the retiring slot at <paramref name="index"/> were read: it is free
        /// again (the last retiring slot takes its place in the list).</summary>
        public void Finish(int index)
        {
            int slot = _retiring[index];
            _retiring[index] = _retiring[--_retiringCount];
            State[slot] = Free;
            _free[_freeCount++] = (ushort)slot;
        }
    }
}
