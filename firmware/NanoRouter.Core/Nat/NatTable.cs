using System;
using NanoRouter.Core.Flow;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// The NAT table: a fixed number of entries allocated once as primitive arrays (struct of
    /// arrays), hashed in both directions, linked by 16-bit indexes.
    /// <para>
    /// One entry is one session: a LAN host's (protocol, port) talking to one remote address.
    /// Every session of the same (LAN host, protocol, port) shares one external port: that is
    /// endpoint-independent mapping (RFC 4787 REQ-1). A packet from the WAN is accepted only when
    /// its source address has a session on that external port: address-dependent filtering
    /// (RFC 4787 REQ-8, the recommended default).
    /// </para>
    /// <para>
    /// Values that come from packets are kept in wire form: the number BitConverter reads from the
    /// packet's bytes on a little-endian machine (nanoCLR on the ESP32 and .NET on the host are both
    /// little-endian). Equality and the one's-complement checksum arithmetic do not care about byte
    /// order (RFC 1071 section 2(B)), so the packet path never swaps bytes.
    /// </para>
    /// <para>
    /// Layout of <see cref="Inside"/>: bits 0-15 the LAN port (or ICMP echo identifier) in wire
    /// form; bits 16-17 the protocol code; bit 18 "external port differs"; bit 19 "full path only"
    /// (passthrough flows that must be counted or parsed); bits 20-21 the TCP state; bits 22-23 the
    /// passthrough rule of a full-path session (bit 22 without the slow flag: opened by a port
    /// forward, <see cref="ForwardedFlag"/>); bits 24-31 the
    /// LAN host (last address byte; the LAN is a /24 or smaller).
    /// </para>
    /// <para>
    /// Bytes per entry: Inside 4 + Remote 4 + RemotePort 2 + Outside 2 + Seen 2 + OutNext 2 + InNext 2,
    /// TCP tracking (<see cref="TcpAck"/> 2 x 4, <see cref="TcpWindow"/> 2 x 1, <see cref="TcpScale"/> 1),
    /// <see cref="Owner"/> 1, plus the two bucket-head arrays at one bucket per entry (2 + 2): 34. There is no doubly linked LRU list
    /// (4 more bytes and about 20 IL instructions per packet); least-recently-used order is read
    /// from the last-seen stamps by a CLOCK hand when an entry must be evicted.
    /// </para>
    /// </summary>
    public sealed class NatTable
    {
        /// <summary>The "no entry" sentinel of every 16-bit link.</summary>
        public const ushort NoIndex = 0xFFFF;

        /// <summary>The largest capacity 16-bit indexes allow.</summary>
        public const int MaxCapacity = 32767;

        /// <summary>Protocol code of ICMP echo sessions.</summary>
        public const uint Icmp = 1u << 16;

        /// <summary>Protocol code of UDP sessions.</summary>
        public const uint Udp = 2u << 16;

        /// <summary>Protocol code of TCP sessions.</summary>
        public const uint Tcp = 3u << 16;

        /// <summary>Mask of the protocol code.</summary>
        public const uint ProtocolMask = 3u << 16;

        /// <summary>Set when the external port differs from the LAN port.</summary>
        public const uint RemappedFlag = 1u << 18;

        /// <summary>Set on sessions only the full path handles (passthrough: counted and checked per packet).</summary>
        public const uint FullPathFlag = 1u << 19;

        /// <summary>Shift of the TCP state.</summary>
        public const int StateShift = 20;

        /// <summary>Mask of the TCP state.</summary>
        public const uint StateMask = 3u << StateShift;

        /// <summary>TCP: a SYN went out, no answer yet (transitory).</summary>
        public const uint StateSynSent = 0;

        /// <summary>TCP: both sides sent SYN (established).</summary>
        public const uint StateEstablished = 1u << StateShift;

        /// <summary>TCP: FIN or RST seen (transitory).</summary>
        public const uint StateClosing = 2u << StateShift;

        /// <summary>Shift of the passthrough rule of a full-path session (0 IKE, 1 NAT-T, 2 L2TP, 3 PPTP).</summary>
        public const int RuleShift = 22;

        /// <summary>Mask of the passthrough rule.</summary>
        public const uint RuleMask = 3u << RuleShift;

        /// <summary>On an entry without <see cref="FullPathFlag"/> (whose rule bits are otherwise unused):
        /// the session was opened from the WAN by a port-forwarding rule (NatEngine.Forwards.cs).</summary>
        public const uint ForwardedFlag = 1u << RuleShift;

        /// <summary>The bits that identify a mapping's inside end: host, port, protocol and the slow flag.</summary>
        public const uint KeyMask = ~(RemappedFlag | StateMask | RuleMask);

        /// <summary>Host, port and protocol, without any flag.</summary>
        public const uint MappingMask = 0xFF03FFFF;

        /// <summary>Shift of the LAN host byte.</summary>
        public const int HostShift = 24;

        /// <summary>Per entry: LAN host, port, protocol, flags (see the type summary).</summary>
        public readonly uint[] Inside;

        /// <summary>Per entry: the remote address, wire form.</summary>
        public readonly uint[] Remote;

        /// <summary>Per entry: the remote port the session was opened to (the destination port of its
        /// first packet, wire form; 0 for ICMP echo). Sessions are keyed without it (address-dependent
        /// mapping and filtering); ICMP errors must quote it.</summary>
        public readonly ushort[] RemotePort;

        /// <summary>
        /// Per entry and side, at index entry * 2 + side (0 the LAN host, 1 the remote, as
        /// <c>Side</c>): the last acknowledgment number that side sent, wire form. It is the side's
        /// RCV.NXT, the sequence number it expects next, against which a RST or FIN from the other side
        /// is checked. Written by every TCP segment with ACK from that side (the established path too); seeded
        /// from the SYNs (the remote's with the LAN host's ISN + 1, the LAN host's with the remote's).
        /// </summary>
        public readonly uint[] TcpAck;

        /// <summary>
        /// Per entry and side, indexed as <see cref="TcpAck"/>: the high byte of the last window that
        /// side advertised (raw, before scaling). (value + 1) * 256, shifted by the side's window scale,
        /// bounds its receive window from above, within 256 units of it.
        /// </summary>
        public readonly byte[] TcpWindow;

        /// <summary>
        /// Per entry: the TCP window-scale shifts in force (RFC 7323), the LAN host's in bits 0-3 and
        /// the remote's in bits 4-7, both 0 unless both SYNs carried the option. While the session is
        /// SYN-sent, bits 0-3 hold the shift the LAN host offered plus one (0: no option).
        /// </summary>
        public readonly byte[] TcpScale;

        /// <summary>
        /// Per entry: the owner the entry is charged to (see <see cref="OwnerOf"/>): the link-layer
        /// sender whose packet created it. Quotas count entries by owner, not by LAN address, so a LAN
        /// host that forges another host's source address spends its own quota, not the victim's.
        /// </summary>
        public readonly byte[] Owner;

        /// <summary>Per entry: the external port or echo identifier, wire form.</summary>
        public readonly ushort[] Outside;

        /// <summary>Per entry: when it was last used, in seconds (16 bits, wrapping).</summary>
        public readonly ushort[] Seen;

        /// <summary>Per entry: the next entry in its outbound bucket; for free entries, the next free one.</summary>
        public readonly ushort[] OutNext;

        /// <summary>Per entry: the next entry in its inbound bucket.</summary>
        public readonly ushort[] InNext;

        /// <summary>Outbound buckets, hashed from the masked <see cref="Inside"/> value.</summary>
        public readonly ushort[] OutHead;

        /// <summary>Inbound buckets, hashed from the external port and protocol code.</summary>
        public readonly ushort[] InHead;

        /// <summary>The odd multiplier of the multiplicative hash, chosen at random per table.</summary>
        public readonly uint HashMultiplier;

        /// <summary>32 - log2(buckets): the bucket is the top bits of the product, which depend on
        /// every bit of the key (multiplicative hashing).</summary>
        public readonly int HashShift;

        /// <summary>Counters of the remote-address filter (<see cref="HasRemote"/>).</summary>
        public const int RemoteFilterCounters = 256;

        /// <summary>How many link-layer senders the table tells apart (<see cref="OwnerOf"/>).</summary>
        public const int OwnerSlots = 64;

        /// <summary>The owner every sender beyond <see cref="OwnerSlots"/> live ones shares (one quota for all of them).</summary>
        public const int OverflowOwner = OwnerSlots;

        private readonly int _capacity;
        private readonly int[] _hostCount = new int[256];
        private readonly ushort[] _remoteCounts = new ushort[RemoteFilterCounters];
        private readonly int[] _ownerCount = new int[OwnerSlots + 1];
        private readonly uint[] _ownerHigh = new uint[OwnerSlots];
        private readonly ushort[] _ownerLow = new ushort[OwnerSlots];
        private readonly bool[] _ownerUsed = new bool[OwnerSlots];
        private readonly uint _remoteMultiplier;
        private readonly int[] _evictions = new int[3];
        private readonly int[] _ruleCounts = new int[4];
        private ushort _freeHead;
        private int _count;
        private int _clockHand;
        private IEntryObserver _observer;

        /// <summary>Allocates every array the table will ever use.</summary>
        /// <param name="capacity">Entries, 1 to <see cref="MaxCapacity"/>.</param>
        /// <param name="seed">Seeds the hash multiplier (hash flooding from the LAN is then hard to aim).</param>
        public NatTable(int capacity, int seed)
        {
            if (capacity < 1 || capacity > MaxCapacity)
            {
                throw new ArgumentOutOfRangeException("capacity");
            }

            _capacity = capacity;
            HashShift = HashShiftFor(capacity);
            int buckets = 1 << (32 - HashShift);
            HashMultiplier = ((uint)seed * 2654435761u) | 0x9E370001u;
            _remoteMultiplier = (HashMultiplier * 0x85EBCA6Bu) | 1u;
            Inside = new uint[capacity];
            Remote = new uint[capacity];
            Owner = new byte[capacity];
            RemotePort = new ushort[capacity];
            TcpAck = new uint[capacity * 2];
            TcpWindow = new byte[capacity * 2];
            TcpScale = new byte[capacity];
            Outside = new ushort[capacity];
            Seen = new ushort[capacity];
            OutNext = new ushort[capacity];
            InNext = new ushort[capacity];
            OutHead = new ushort[buckets];
            InHead = new ushort[buckets];
            Clear();
        }

        /// <summary>How many entries there are in all.</summary>
        public int Capacity => _capacity;

        /// <summary>The shift of a multiplicative hash over one bucket per entry (a power of two, at
        /// least 2): 32 - log2(buckets). Shared by every hashed table of the core.</summary>
        internal static int HashShiftFor(int capacity)
        {
            int buckets = 2;
            int bits = 1;
            while (buckets < capacity)
            {
                buckets <<= 1;
                bits++;
            }

            return 32 - bits;
        }

        /// <summary>How many entries are in use.</summary>
        public int Count => _count;

        /// <summary>Entries evicted because they had expired when room was needed.</summary>
        public int EvictedExpired => _evictions[0];

        /// <summary>Entries of a host at its quota evicted to make room for that same host.</summary>
        public int EvictedQuota => _evictions[1];

        /// <summary>Idle entries of hosts holding their whole quota, evicted to make room for a host under
        /// its quota when the table was full.</summary>
        public int EvictedIdle => _evictions[2];

        /// <summary>Entries held by one LAN host.</summary>
        public int HostCount(int host) => _hostCount[host & 0xFF];

        /// <summary>Slow-path (passthrough) entries of one rule code (the <see cref="RuleMask"/> bits:
        /// 0 IKE, 1 NAT-T, 2 L2TP, 3 PPTP), kept as entries come and go so no scan is needed.</summary>
        public int SlowCount(int ruleCode) => _ruleCounts[ruleCode & 3];

        /// <summary>Entries charged to one owner (0 to <see cref="OverflowOwner"/>).</summary>
        public int OwnerCount(int owner) => _ownerCount[owner];

        /// <summary>
        /// The owner of a link-layer sender, by its 48-bit address as two wire-form words (the first
        /// four bytes and the last two). A sender keeps its owner while it has entries; an owner with
        /// none is reused by the next new sender; beyond <see cref="OwnerSlots"/> senders with entries,
        /// new ones share <see cref="OverflowOwner"/>. Probes a small hash; for new sessions only.
        /// </summary>
        public int OwnerOf(uint addressHigh, ushort addressLow)
        {
            int start = (int)(((addressHigh ^ ((uint)addressLow << 7)) * HashMultiplier) >> 26);
            int reusable = -1;
            for (int i = 0; i < OwnerSlots; i++)
            {
                int slot = (start + i) & (OwnerSlots - 1);
                if (!_ownerUsed[slot])
                {
                    if (reusable < 0)
                    {
                        reusable = slot;
                    }

                    break;
                }

                if (_ownerHigh[slot] == addressHigh && _ownerLow[slot] == addressLow)
                {
                    return slot;
                }

                if (reusable < 0 && _ownerCount[slot] == 0)
                {
                    reusable = slot;
                }
            }

            if (reusable < 0)
            {
                return OverflowOwner;
            }

            _ownerUsed[reusable] = true;
            _ownerHigh[reusable] = addressHigh;
            _ownerLow[reusable] = addressLow;
            return reusable;
        }

        /// <summary>The outbound bucket of a masked inside value.</summary>
        public int OutBucket(uint key) => (int)((key * HashMultiplier) >> HashShift);

        /// <summary>The inbound bucket of an external port (wire form) and protocol code.</summary>
        public int InBucket(uint externalPort, uint protocol) => (int)(((externalPort | protocol) * HashMultiplier) >> HashShift);

        /// <summary>
        /// Tells <paramref name="observer"/> (the flow installer, as its table 0) about this table:
        /// before expiry or eviction reads an entry's last-seen stamp, before an entry is removed or a
        /// TCP session leaves the established state, and when the table is cleared.
        /// </summary>
        public void Observe(IEntryObserver observer)
        {
            _observer = observer;
        }

        /// <summary>Empties the table.</summary>
        public void Clear()
        {
            if (_observer != null)
            {
                _observer.Cleared(0);
            }

            for (int i = 0; i < OutHead.Length; i++)
            {
                OutHead[i] = NoIndex;
                InHead[i] = NoIndex;
            }

            for (int i = 0; i < _capacity; i++)
            {
                Inside[i] = 0;
                OutNext[i] = (ushort)(i + 1 < _capacity ? i + 1 : NoIndex);
                InNext[i] = NoIndex;
            }

            for (int i = 0; i < _hostCount.Length; i++)
            {
                _hostCount[i] = 0;
            }

            for (int i = 0; i < _ruleCounts.Length; i++)
            {
                _ruleCounts[i] = 0;
            }

            for (int i = 0; i < _remoteCounts.Length; i++)
            {
                _remoteCounts[i] = 0;
            }

            for (int i = 0; i <= OwnerSlots; i++)
            {
                _ownerCount[i] = 0;
            }

            for (int i = 0; i < OwnerSlots; i++)
            {
                _ownerUsed[i] = false;
            }

            _freeHead = 0;
            _count = 0;
        }

        /// <summary>
        /// Whether some session may talk to <paramref name="remote"/> (wire form): a counting filter
        /// of the sessions' remote addresses, two seeded hashes into <see cref="RemoteFilterCounters"/>
        /// counters, kept by <see cref="Add"/> and <see cref="Remove"/> (512 bytes, whatever the
        /// capacity). Never false for a remote that has a session; true for another address with a
        /// probability of about (1 - e^(-2n/256))^2 with n remotes in the table (2 % at 20).
        /// </summary>
        public bool HasRemote(uint remote)
        {
            return _remoteCounts[(remote * HashMultiplier) >> 24] != 0 && _remoteCounts[(remote * _remoteMultiplier) >> 24] != 0;
        }

        /// <summary>Whether an entry index holds a session.</summary>
        public bool IsUsed(int entry) => Inside[entry] != 0;

        /// <summary>Finds the session of a masked inside value (host, port, protocol, slow flag) with a remote.</summary>
        /// <returns>The entry, or <see cref="NoIndex"/>.</returns>
        public int FindOutbound(uint key, uint remote)
        {
            int e = OutHead[OutBucket(key)];
            while (e != NoIndex)
            {
                if ((Inside[e] & KeyMask) == key && Remote[e] == remote)
                {
                    return e;
                }

                e = OutNext[e];
            }

            return NoIndex;
        }

        /// <summary>Finds the session on an external port (wire form) and protocol code with a given
        /// remote, as an established packet from the WAN needs it: one that only the full path
        /// handles (<see cref="FullPathFlag"/>) is not returned.</summary>
        /// <returns>The entry, or <see cref="NoIndex"/>.</returns>
        public int FindEstablishedInbound(uint externalPort, uint protocol, uint remote)
        {
            int e = InHead[InBucket(externalPort, protocol)];
            while (e != NoIndex)
            {
                if (Outside[e] == externalPort && Remote[e] == remote && (Inside[e] & (ProtocolMask | FullPathFlag)) == protocol)
                {
                    return e;
                }

                e = InNext[e];
            }

            return NoIndex;
        }

        /// <summary>Finds any session of a mapping (host, port, protocol, ignoring flags): the external port
        /// every new session of that mapping must reuse.</summary>
        /// <returns>The entry, or <see cref="NoIndex"/>.</returns>
        public int FindMapping(uint key)
        {
            uint mapping = key & MappingMask;
            int e = OutHead[OutBucket(mapping)];
            while (e != NoIndex)
            {
                if ((Inside[e] & MappingMask) == mapping)
                {
                    return e;
                }

                e = OutNext[e];
            }

            e = OutHead[OutBucket(mapping | FullPathFlag)];
            while (e != NoIndex)
            {
                if ((Inside[e] & MappingMask) == mapping)
                {
                    return e;
                }

                e = OutNext[e];
            }

            return NoIndex;
        }

        /// <summary>Finds the session on an external port and protocol with a given remote.</summary>
        /// <param name="externalPort">The router's port (or echo identifier) the packet is addressed to.</param>
        /// <param name="protocol">The protocol code (<see cref="Tcp"/>, <see cref="Udp"/>, ...).</param>
        /// <param name="remote">The remote address, wire form.</param>
        /// <param name="anyRemote">Set to an entry of that port and protocol with any remote (for filtering
        /// decisions), or <see cref="NoIndex"/>.</param>
        /// <returns>The entry, or <see cref="NoIndex"/>.</returns>
        public int FindInbound(uint externalPort, uint protocol, uint remote, out int anyRemote)
        {
            anyRemote = NoIndex;
            int e = InHead[InBucket(externalPort, protocol)];
            while (e != NoIndex)
            {
                if (Outside[e] == externalPort && (Inside[e] & ProtocolMask) == protocol)
                {
                    if (Remote[e] == remote)
                    {
                        anyRemote = e;
                        return e;
                    }

                    anyRemote = e;
                }

                e = InNext[e];
            }

            return NoIndex;
        }

        /// <summary>Whether an external port is taken, for a protocol, by a mapping other than <paramref name="mapping"/>.</summary>
        public bool IsExternalPortTaken(uint externalPort, uint protocol, uint mapping)
        {
            int e = InHead[InBucket(externalPort, protocol)];
            while (e != NoIndex)
            {
                if (Outside[e] == externalPort && (Inside[e] & ProtocolMask) == protocol && (Inside[e] & MappingMask) != (mapping & MappingMask))
                {
                    return true;
                }

                e = InNext[e];
            }

            return false;
        }

        /// <summary>Takes a free entry and links it into both hashes. The caller has made room first
        /// (<see cref="MakeRoom"/>).</summary>
        /// <returns>The entry, or <see cref="NoIndex"/> when the table is full.</returns>
        public int Add(uint inside, uint remote, ushort remotePort, ushort externalPort, ushort nowSec, int owner)
        {
            int e = _freeHead;
            if (e == NoIndex)
            {
                return NoIndex;
            }

            _freeHead = OutNext[e];
            Inside[e] = inside;
            Remote[e] = remote;
            RemotePort[e] = remotePort;
            Owner[e] = (byte)owner;
            Outside[e] = externalPort;
            Seen[e] = nowSec;
            int ob = OutBucket(inside & KeyMask);
            OutNext[e] = OutHead[ob];
            OutHead[ob] = (ushort)e;
            int ib = InBucket(externalPort, inside & ProtocolMask);
            InNext[e] = InHead[ib];
            InHead[ib] = (ushort)e;
            _count++;
            _hostCount[inside >> HostShift]++;
            if ((inside & FullPathFlag) != 0)
            {
                _ruleCounts[(inside & RuleMask) >> RuleShift]++;
            }

            _ownerCount[owner]++;
            _remoteCounts[(remote * HashMultiplier) >> 24]++;
            _remoteCounts[(remote * _remoteMultiplier) >> 24]++;
            return e;
        }

        /// <summary>Unlinks an entry from both hashes and frees it.</summary>
        public void Remove(int entry)
        {
            uint inside = Inside[entry];
            if (inside == 0)
            {
                return;
            }

            if (_observer != null)
            {
                _observer.Changing(0, entry);
            }

            int ob = OutBucket(inside & KeyMask);
            if (OutHead[ob] == entry)
            {
                OutHead[ob] = OutNext[entry];
            }
            else
            {
                int p = OutHead[ob];
                while (p != NoIndex && OutNext[p] != entry)
                {
                    p = OutNext[p];
                }

                if (p != NoIndex)
                {
                    OutNext[p] = OutNext[entry];
                }
            }

            int ib = InBucket(Outside[entry], inside & ProtocolMask);
            if (InHead[ib] == entry)
            {
                InHead[ib] = InNext[entry];
            }
            else
            {
                int p = InHead[ib];
                while (p != NoIndex && InNext[p] != entry)
                {
                    p = InNext[p];
                }

                if (p != NoIndex)
                {
                    InNext[p] = InNext[entry];
                }
            }

            _hostCount[inside >> HostShift]--;
            if ((inside & FullPathFlag) != 0)
            {
                _ruleCounts[(inside & RuleMask) >> RuleShift]--;
            }

            _ownerCount[Owner[entry]]--;
            uint remote = Remote[entry];
            _remoteCounts[(remote * HashMultiplier) >> 24]--;
            _remoteCounts[(remote * _remoteMultiplier) >> 24]--;
            Inside[entry] = 0;
            InNext[entry] = NoIndex;
            OutNext[entry] = _freeHead;
            _freeHead = (ushort)entry;
            _count--;
        }

        /// <summary>Changes an entry's flags or TCP state (bits outside <see cref="KeyMask"/> only).</summary>
        public void SetState(int entry, uint state)
        {
            uint inside = Inside[entry];
            if (_observer != null && (inside & StateMask) == StateEstablished && (state & StateMask) != StateEstablished)
            {
                _observer.Changing(0, entry);
            }

            Inside[entry] = (inside & ~StateMask) | (state & StateMask);
        }

        /// <summary>The idle timeout of an entry in seconds, by protocol and TCP state.</summary>
        public static int TimeoutOf(uint inside, int udpSec, int tcpEstablishedSec, int tcpTransitorySec, int icmpSec)
        {
            uint protocol = inside & ProtocolMask;
            if (protocol == Tcp)
            {
                return (inside & StateMask) == StateEstablished ? tcpEstablishedSec : tcpTransitorySec;
            }

            return protocol == Udp ? udpSec : icmpSec;
        }

        /// <summary>Removes every entry idle longer than its timeout. Stamps are whole seconds, so an
        /// entry goes when its stamp is more than the timeout old: its real idle time is then at
        /// least the timeout and less than the timeout plus one second (never early).</summary>
        /// <returns>How many were removed.</returns>
        public int Expire(ushort nowSec, int udpSec, int tcpEstablishedSec, int tcpTransitorySec, int icmpSec)
        {
            return ExpireRange(0, _capacity, nowSec, udpSec, tcpEstablishedSec, tcpTransitorySec, icmpSec);
        }

        /// <summary>
        /// Removes the entries idle longer than their timeout among <paramref name="count"/> entries
        /// from <paramref name="start"/> (wrapping at the end): a slice of <see cref="Expire"/>, so that
        /// the engine can spread a sweep of the table over several ticks.
        /// </summary>
        /// <returns>How many were removed.</returns>
        public int ExpireRange(int start, int count, ushort nowSec, int udpSec, int tcpEstablishedSec, int tcpTransitorySec, int icmpSec)
        {
            int removed = 0;
            int e = start;
            for (int i = 0; i < count; i++)
            {
                uint inside = Inside[e];
                if (inside != 0 && _observer != null)
                {
                    _observer.Refresh(0, e);
                }

                if (inside != 0 && (ushort)(nowSec - Seen[e]) > TimeoutOf(inside, udpSec, tcpEstablishedSec, tcpTransitorySec, icmpSec))
                {
                    Remove(e);
                    removed++;
                }

                e = e + 1 < _capacity ? e + 1 : 0;
            }

            return removed;
        }

        /// <summary>Removes every entry whose inside value matches under a mask (a protocol switched off).</summary>
        /// <returns>How many were removed.</returns>
        public int RemoveWhere(uint mask, uint value)
        {
            int removed = 0;
            for (int e = 0; e < _capacity; e++)
            {
                uint inside = Inside[e];
                if (inside != 0 && (inside & mask) == value)
                {
                    Remove(e);
                    removed++;
                }
            }

            return removed;
        }

        /// <summary>
        /// Makes room for one more entry of <paramref name="owner"/> (see <see cref="OwnerOf"/>; one
        /// per LAN host unless a host forges others' addresses). An owner at its quota may only
        /// reuse its own least recently used entry, and only one idle for at least
        /// <paramref name="minIdleSec"/>: a flooding host never takes another host's flow. When the
        /// table is full for an owner under its quota, an expired entry is reused, else the least
        /// recently used entry (idle at least <paramref name="minIdleSec"/>) of an owner that holds
        /// its whole quota; if there is none, the new flow is dropped (TableFull). The search is a
        /// CLOCK hand over the last-seen stamps (an LRU approximation that needs no links), looking
        /// at up to 8 eligible entries and at most one turn of the table.
        /// </summary>
        public DropReason MakeRoom(int owner, int quota, ushort nowSec, int minIdleSec, int udpSec, int tcpEstablishedSec, int tcpTransitorySec, int icmpSec)
        {
            bool atQuota = _ownerCount[owner] >= quota;
            if (!atQuota && _freeHead != NoIndex)
            {
                return DropReason.None;
            }

            int best = NoIndex;
            int bestAge = minIdleSec - 1;
            int candidates = 0;
            for (int step = 0; step < _capacity; step++)
            {
                int e = _clockHand;
                _clockHand = e + 1 < _capacity ? e + 1 : 0;
                uint inside = Inside[e];
                if (inside == 0)
                {
                    continue;
                }

                if (atQuota && Owner[e] != owner)
                {
                    continue;
                }

                if (_observer != null)
                {
                    _observer.Refresh(0, e);
                }

                int age = (ushort)(nowSec - Seen[e]);
                if (age > TimeoutOf(inside, udpSec, tcpEstablishedSec, tcpTransitorySec, icmpSec))
                {
                    Remove(e);
                    _evictions[0]++;
                    return DropReason.None;
                }

                // An owner under its quota may take room only from owners holding their whole quota:
                // "the host over quota" of the issue. Everyone else's flows are left alone.
                if (!atQuota && _ownerCount[Owner[e]] < quota)
                {
                    continue;
                }

                if (age > bestAge)
                {
                    best = e;
                    bestAge = age;
                }

                // Look at a few candidates and keep the oldest: a CLOCK approximation of LRU.
                if (++candidates >= 8 && best != NoIndex)
                {
                    break;
                }
            }

            if (best == NoIndex)
            {
                return atQuota ? DropReason.QuotaExceeded : DropReason.TableFull;
            }

            Remove(best);
            _evictions[atQuota ? 1 : 2]++;
            return DropReason.None;
        }
    }
}
