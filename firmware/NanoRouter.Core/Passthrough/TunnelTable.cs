using System;
using NanoRouter.Core.Flow;

namespace NanoRouter.Core.Passthrough
{
    /// <summary>
    /// A small fixed table of tunnel mappings for protocols without ports: IPsec ESP (mapped by
    /// SPI) and plain GRE (mapped by host, peer and outbound key; the inbound key, which may differ
    /// per direction as RFC 2890 allows, is learned). Struct of arrays, allocated once, 16-bit links,
    /// hashed by peer and by inbound identifier; no linear scans per packet.
    /// <para>
    /// Per entry: the LAN host (last address byte), the peer address (wire form), an outbound and
    /// an inbound identifier (ESP: the SPI of each direction; GRE: the key of each direction), flags, and a last-seen
    /// stamp in seconds.
    /// </para>
    /// </summary>
    public sealed class TunnelTable
    {
        /// <summary>The "no entry" sentinel.</summary>
        public const ushort NoIndex = 0xFFFF;

        /// <summary>The entry is in use.</summary>
        public const byte FlagUsed = 1;

        /// <summary>The inbound identifier is known (ESP: the inbound SPI was learned; GRE: the inbound key).</summary>
        public const byte FlagInbound = 2;

        /// <summary>The outbound identifier is known (ESP: the host sent ESP on it; GRE: a key is present).</summary>
        public const byte FlagOutbound = 4;

        /// <summary>Per entry: the LAN host.</summary>
        public readonly byte[] Host;

        /// <summary>Per entry: the flags.</summary>
        public readonly byte[] Flags;

        /// <summary>Per entry: the peer address, wire form.</summary>
        public readonly uint[] Peer;

        /// <summary>Per entry: the outbound identifier, wire form.</summary>
        public readonly uint[] OutId;

        /// <summary>Per entry: the inbound identifier, wire form.</summary>
        public readonly uint[] InId;

        /// <summary>Per entry: last used, seconds.</summary>
        public readonly ushort[] Seen;

        /// <summary>Per entry: the <see cref="VpnDiagnostics"/> row its packets count into
        /// (<see cref="VpnDiagnostics.SpareRow"/> until the engine links one).</summary>
        public readonly byte[] DiagnosticRow;

        /// <summary>Per entry: next entry with the same peer bucket.</summary>
        public readonly ushort[] PeerNext;

        /// <summary>Per entry: next entry with the same inbound-identifier bucket.</summary>
        public readonly ushort[] InNext;

        /// <summary>Peer buckets.</summary>
        public readonly ushort[] PeerHead;

        /// <summary>Inbound-identifier buckets.</summary>
        public readonly ushort[] InHead;

        /// <summary>The multiplicative hash's odd multiplier.</summary>
        public readonly uint HashMultiplier;

        /// <summary>32 - log2(buckets): the bucket is the top bits of the product.</summary>
        public readonly int HashShift;

        private readonly int _capacity;
        private int _count;
        private IEntryObserver _observer;
        private int _observerTable;

        /// <summary>Allocates the table.</summary>
        public TunnelTable(int capacity, int seed)
        {
            if (capacity < 1 || capacity > 32767)
            {
                throw new ArgumentOutOfRangeException("capacity");
            }

            _capacity = capacity;
            HashShift = NanoRouter.Core.Nat.NatTable.HashShiftFor(capacity);
            int buckets = 1 << (32 - HashShift);
            HashMultiplier = ((uint)seed * 2246822519u) | 0x85EB0001u;
            Host = new byte[capacity];
            Flags = new byte[capacity];
            Peer = new uint[capacity];
            OutId = new uint[capacity];
            InId = new uint[capacity];
            Seen = new ushort[capacity];
            DiagnosticRow = new byte[capacity];
            PeerNext = new ushort[capacity];
            InNext = new ushort[capacity];
            PeerHead = new ushort[buckets];
            InHead = new ushort[buckets];
            Clear();
        }

        /// <summary>Entries in all.</summary>
        public int Capacity => _capacity;

        /// <summary>Entries in use.</summary>
        public int Count => _count;

        /// <summary>The bucket of a peer or identifier.</summary>
        public int Bucket(uint value) => (int)((value * HashMultiplier) >> HashShift);

        /// <summary>Tells <paramref name="observer"/> (the flow installer) about this table as
        /// <paramref name="table"/>: before a decision reads a last-seen stamp, and before an entry is
        /// removed or its identifiers change.</summary>
        public void Observe(IEntryObserver observer, int table)
        {
            _observer = observer;
            _observerTable = table;
        }

        /// <summary>Forgets every entry.</summary>
        public void Clear()
        {
            if (_observer != null)
            {
                _observer.Cleared(_observerTable);
            }

            for (int i = 0; i < PeerHead.Length; i++)
            {
                PeerHead[i] = NoIndex;
                InHead[i] = NoIndex;
            }

            for (int i = 0; i < _capacity; i++)
            {
                Flags[i] = 0;
                PeerNext[i] = NoIndex;
                InNext[i] = NoIndex;
            }

            _count = 0;
        }

        /// <summary>Whether any mapping talks to <paramref name="peer"/> (one bucket walk).</summary>
        public bool HasPeer(uint peer)
        {
            int e = PeerHead[Bucket(peer)];
            while (e != NoIndex)
            {
                if (Peer[e] == peer)
                {
                    return true;
                }

                e = PeerNext[e];
            }

            return false;
        }

        /// <summary>Finds the entry of a peer whose outbound identifier is known and equal.</summary>
        public int FindOutbound(uint peer, uint outId)
        {
            int e = PeerHead[Bucket(peer)];
            while (e != NoIndex)
            {
                if (Peer[e] == peer && OutId[e] == outId && (Flags[e] & FlagOutbound) != 0)
                {
                    return e;
                }

                e = PeerNext[e];
            }

            return NoIndex;
        }

        /// <summary>Finds the entry of a peer whose inbound identifier is known and equal.</summary>
        public int FindInbound(uint peer, uint inId)
        {
            int e = InHead[Bucket(inId)];
            while (e != NoIndex)
            {
                if (InId[e] == inId && Peer[e] == peer && (Flags[e] & FlagInbound) != 0)
                {
                    return e;
                }

                e = InNext[e];
            }

            return NoIndex;
        }

        /// <summary>Finds an entry of a host and peer with no outbound identifier yet.</summary>
        public int FindWithoutOutbound(int host, uint peer)
        {
            int e = PeerHead[Bucket(peer)];
            while (e != NoIndex)
            {
                if (Peer[e] == peer && Host[e] == host && (Flags[e] & FlagOutbound) == 0)
                {
                    return e;
                }

                e = PeerNext[e];
            }

            return NoIndex;
        }

        /// <summary>The most recently used entry of a peer whose inbound identifier is not known yet.</summary>
        public int FindMostRecentUnbound(uint peer, ushort nowSec)
        {
            int best = NoIndex;
            int bestAge = int.MaxValue;
            int e = PeerHead[Bucket(peer)];
            while (e != NoIndex)
            {
                if (Peer[e] == peer && (Flags[e] & FlagInbound) == 0)
                {
                    if (_observer != null)
                    {
                        _observer.Refresh(_observerTable, e);
                    }

                    int age = (ushort)(nowSec - Seen[e]);
                    if (age < bestAge)
                    {
                        best = e;
                        bestAge = age;
                    }
                }

                e = PeerNext[e];
            }

            return best;
        }

        /// <summary>
        /// The entry an unknown inbound identifier from <paramref name="peer"/> binds to, among the
        /// peer's entries whose outbound identifier is known and inbound one is not (GRE: keyed
        /// mappings without a learned inbound key): the one whose outbound identifier equals
        /// <paramref name="inId"/> (symmetric keys, the usual configuration), else the most recently
        /// used one. One peer-bucket walk.
        /// </summary>
        public int FindUnboundForInbound(uint peer, uint inId, ushort nowSec)
        {
            int best = NoIndex;
            int bestAge = int.MaxValue;
            int e = PeerHead[Bucket(peer)];
            while (e != NoIndex)
            {
                if (Peer[e] == peer && (Flags[e] & (FlagOutbound | FlagInbound)) == FlagOutbound)
                {
                    if (OutId[e] == inId)
                    {
                        return e;
                    }

                    int age = (ushort)(nowSec - Seen[e]);
                    if (age < bestAge)
                    {
                        best = e;
                        bestAge = age;
                    }
                }

                e = PeerNext[e];
            }

            return best;
        }

        /// <summary>Adds an entry; returns <see cref="NoIndex"/> when full and nothing is idle long enough to evict.</summary>
        public int Add(int host, uint peer, uint outId, bool outKnown, ushort nowSec, int evictIdleSec)
        {
            int e = NoIndex;
            int oldestAge = evictIdleSec - 1;
            for (int i = 0; i < _capacity; i++)
            {
                if (Flags[i] == 0)
                {
                    e = i;
                    break;
                }
            }

            if (e == NoIndex)
            {
                // Full: reuse the least recently used entry, if it has been idle long enough.
                int victim = NoIndex;
                for (int i = 0; i < _capacity; i++)
                {
                    if (_observer != null)
                    {
                        _observer.Refresh(_observerTable, i);
                    }

                    int age = (ushort)(nowSec - Seen[i]);
                    if (age > oldestAge)
                    {
                        victim = i;
                        oldestAge = age;
                    }
                }

                if (victim == NoIndex)
                {
                    return NoIndex;
                }

                Remove(victim);
                e = victim;
            }

            Host[e] = (byte)host;
            Peer[e] = peer;
            OutId[e] = outId;
            InId[e] = 0;
            Seen[e] = nowSec;
            DiagnosticRow[e] = VpnDiagnostics.SpareRow;
            Flags[e] = (byte)(FlagUsed | (outKnown ? FlagOutbound : 0));
            int b = Bucket(peer);
            PeerNext[e] = PeerHead[b];
            PeerHead[b] = (ushort)e;
            _count++;
            return e;
        }

        /// <summary>Learns an entry's inbound identifier and links it into the inbound hash.</summary>
        public void BindInbound(int e, uint inId)
        {
            if (_observer != null)
            {
                _observer.Changing(_observerTable, e);
            }

            if ((Flags[e] & FlagInbound) != 0)
            {
                UnlinkInbound(e);
            }

            InId[e] = inId;
            Flags[e] |= FlagInbound;
            int b = Bucket(inId);
            InNext[e] = InHead[b];
            InHead[b] = (ushort)e;
        }

        /// <summary>Sets an entry's outbound identifier.</summary>
        public void SetOutbound(int e, uint outId)
        {
            if (_observer != null)
            {
                _observer.Changing(_observerTable, e);
            }

            OutId[e] = outId;
            Flags[e] |= FlagOutbound;
        }

        /// <summary>Removes an entry.</summary>
        public void Remove(int e)
        {
            if (Flags[e] == 0)
            {
                return;
            }

            if (_observer != null)
            {
                _observer.Changing(_observerTable, e);
            }

            int b = Bucket(Peer[e]);
            if (PeerHead[b] == e)
            {
                PeerHead[b] = PeerNext[e];
            }
            else
            {
                int p = PeerHead[b];
                while (p != NoIndex && PeerNext[p] != e)
                {
                    p = PeerNext[p];
                }

                if (p != NoIndex)
                {
                    PeerNext[p] = PeerNext[e];
                }
            }

            if ((Flags[e] & FlagInbound) != 0)
            {
                UnlinkInbound(e);
            }

            Flags[e] = 0;
            PeerNext[e] = NoIndex;
            _count--;
        }

        /// <summary>Removes entries idle for more than <paramref name="timeoutSec"/> (whole-second stamps: never early).</summary>
        public int Expire(ushort nowSec, int timeoutSec)
        {
            int removed = 0;
            for (int e = 0; e < _capacity; e++)
            {
                if (Flags[e] != 0 && _observer != null)
                {
                    _observer.Refresh(_observerTable, e);
                }

                if (Flags[e] != 0 && (ushort)(nowSec - Seen[e]) > timeoutSec)
                {
                    Remove(e);
                    removed++;
                }
            }

            return removed;
        }

        /// <summary>How many entries have both identifiers known or at least the outbound one.</summary>
        public int CountActive()
        {
            int n = 0;
            for (int e = 0; e < _capacity; e++)
            {
                if ((Flags[e] & (FlagOutbound | FlagInbound)) != 0)
                {
                    n++;
                }
            }

            return n;
        }

        private void UnlinkInbound(int e)
        {
            int b = Bucket(InId[e]);
            if (InHead[b] == e)
            {
                InHead[b] = InNext[e];
            }
            else
            {
                int p = InHead[b];
                while (p != NoIndex && InNext[p] != e)
                {
                    p = InNext[p];
                }

                if (p != NoIndex)
                {
                    InNext[p] = InNext[e];
                }
            }

            InNext[e] = NoIndex;
            Flags[e] = (byte)(Flags[e] & ~FlagInbound);
        }
    }
}
