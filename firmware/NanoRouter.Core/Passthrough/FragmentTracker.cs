using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Passthrough
{
    /// <summary>
    /// Sends inbound IPv4 fragments (RFC 791) to the LAN host their first fragment went to, in any
    /// arrival order (RFC 4787 REQ-14), without reassembly.
    /// <para>
    /// The NAT translates a first fragment (offset 0, More Fragments set) like any packet, because it
    /// carries the ports, and then calls <see cref="RecordFirst"/>. A later fragment has no ports: the
    /// engine asks <see cref="TryLookup"/> for the LAN address by the datagram's key (source,
    /// destination, protocol, identification). A later fragment that arrives before its first is
    /// copied into one of a few held slots (<see cref="Hold"/>); when the first arrives, those are
    /// released, already rewritten, through <see cref="TakeReleased"/>.
    /// </para>
    /// <para>
    /// Tables are primitive arrays allocated once: datagrams in a hash table (16-bit chains, bucket
    /// count a power of two at least twice the capacity) with an age list, so a lookup never scans
    /// and eviction takes the oldest; held fragments in a small table that is scanned (it holds
    /// <c>heldSlots</c> entries, a handful). Nothing allocates or throws per packet.
    /// </para>
    /// <para>
    /// Ambiguity: two LAN hosts can receive fragmented datagrams from one server at once. Both arrive
    /// at the WAN address, so the key differs only if the server gave them different identifications,
    /// which RFC 791 and RFC 6864 require of it: the key (source, destination, protocol) is the same
    /// from the server's side, and an ID must not repeat within a datagram's lifetime. If a server
    /// breaks that, the later <see cref="RecordFirst"/> wins: later fragments of both datagrams go to
    /// the host of the most recent first fragment, the other host's reassembly times out (the upper
    /// layer's checksum rejects any mix), and the sender retries. Fragments held before either first
    /// fragment arrived go to the host of the first one that arrives.
    /// </para>
    /// </summary>
    public sealed class FragmentTracker
    {
        /// <summary>The default time a datagram's mapping and its held fragments are kept (RFC 791
        /// suggests 15 s for reassembly; twice that covers slow senders).</summary>
        public const int DefaultTimeoutMs = 30000;

        private const short NoIndex = -1;

        private const byte HeldFree = 0;
        private const byte HeldWaiting = 1;
        private const byte HeldReleased = 2;

        private readonly int _maxDatagrams;
        private readonly int _heldSlots;
        private readonly int _maxPacketLength;

        // Datagrams.
        private readonly uint[] _source;
        private readonly uint[] _destination;
        private readonly byte[] _protocol;
        private readonly ushort[] _identification;
        private readonly uint[] _lanAddress;
        private readonly int[] _recordedMs;
        private readonly bool[] _inUse;
        private readonly short[] _older;
        private readonly short[] _newer;
        private short _oldest;
        private short _newest;
        private readonly short[] _buckets;
        private readonly short[] _chain;
        private readonly int _bucketMask;
        private readonly short[] _free;
        private int _freeCount;

        // Held fragments.
        private readonly byte[] _held;
        private readonly byte[] _heldState;
        private readonly int[] _heldLength;
        private readonly int[] _heldMs;
        private readonly int[] _heldOrder;
        private readonly uint[] _heldSource;
        private readonly uint[] _heldDestination;
        private readonly byte[] _heldProtocol;
        private readonly ushort[] _heldIdentification;
        private readonly uint[] _heldLanAddress;
        private int _orderCounter;

        private int _datagrams;
        private int _heldCount;
        private int _expired;
        private int _evicted;
        private int _datagramsEvicted;
        private int _timeoutMs = DefaultTimeoutMs;

        /// <summary>
        /// Allocates the tables: <paramref name="maxDatagrams"/> datagram mappings (1-32767),
        /// <paramref name="heldSlots"/> held fragments (0-64) of at most <paramref name="maxPacketLength"/>
        /// bytes each (20-65535); values outside are clamped.
        /// </summary>
        public FragmentTracker(int maxDatagrams, int heldSlots, int maxPacketLength)
        {
            _maxDatagrams = maxDatagrams < 1 ? 1 : (maxDatagrams > 32767 ? 32767 : maxDatagrams);
            _heldSlots = heldSlots < 0 ? 0 : (heldSlots > 64 ? 64 : heldSlots);
            _maxPacketLength = maxPacketLength < IPv4Packet.MinimumHeaderLength ? IPv4Packet.MinimumHeaderLength : (maxPacketLength > 65535 ? 65535 : maxPacketLength);

            int n = _maxDatagrams;
            _source = new uint[n];
            _destination = new uint[n];
            _protocol = new byte[n];
            _identification = new ushort[n];
            _lanAddress = new uint[n];
            _recordedMs = new int[n];
            _inUse = new bool[n];
            _older = new short[n];
            _newer = new short[n];
            _chain = new short[n];
            _free = new short[n];
            int buckets = 2;
            while (buckets < n * 2)
            {
                buckets <<= 1;
            }

            _buckets = new short[buckets];
            _bucketMask = buckets - 1;

            int h = _heldSlots;
            _held = new byte[h * _maxPacketLength];
            _heldState = new byte[h];
            _heldLength = new int[h];
            _heldMs = new int[h];
            _heldOrder = new int[h];
            _heldSource = new uint[h];
            _heldDestination = new uint[h];
            _heldProtocol = new byte[h];
            _heldIdentification = new ushort[h];
            _heldLanAddress = new uint[h];

            Clear();
        }

        /// <summary>How long a datagram's mapping and its held fragments live, in milliseconds (default 30 s).</summary>
        public int TimeoutMs
        {
            get => _timeoutMs;
            set => _timeoutMs = value < 1 ? 1 : value;
        }

        /// <summary>Held fragments now (waiting for their first fragment, or released and not yet taken).</summary>
        public int HeldCount => _heldCount;

        /// <summary>Datagram mappings now.</summary>
        public int Datagrams => _datagrams;

        /// <summary>Datagram mappings and held fragments dropped because they outlived the timeout.</summary>
        public int Expired => _expired;

        /// <summary>Held fragments dropped to make room for newer ones (or too big for the drain buffer).</summary>
        public int Evicted => _evicted;

        /// <summary>Datagram mappings dropped, oldest first, because the table was full.</summary>
        public int DatagramsEvicted => _datagramsEvicted;

        /// <summary>The longest fragment <see cref="Hold"/> copies.</summary>
        public int MaxPacketLength => _maxPacketLength;

        /// <summary>
        /// Remembers that the engine translated the first fragment of datagram (source, destination,
        /// protocol, identification) to <paramref name="lanAddress"/> (big-endian), for
        /// <see cref="TimeoutMs"/>; a newer first fragment with the same key replaces it. Held later
        /// fragments of the datagram become available from <see cref="TakeReleased"/>.
        /// </summary>
        public void RecordFirst(uint source, uint destination, byte protocol, ushort identification, uint lanAddress, int nowMs)
        {
            int slot = Find(source, destination, protocol, identification);
            if (slot != NoIndex)
            {
                Unlink(slot);
            }
            else
            {
                if (_freeCount == 0)
                {
                    Remove(_oldest);
                    _datagramsEvicted++;
                }

                slot = _free[--_freeCount];
                _source[slot] = source;
                _destination[slot] = destination;
                _protocol[slot] = protocol;
                _identification[slot] = identification;
                _inUse[slot] = true;
                int bucket = BucketOf(source, destination, protocol, identification);
                _chain[slot] = _buckets[bucket];
                _buckets[bucket] = (short)slot;
                _datagrams++;
            }

            _lanAddress[slot] = lanAddress;
            _recordedMs[slot] = nowMs;
            LinkNewest(slot);

            for (int i = 0; i < _heldSlots; i++)
            {
                if (_heldState[i] == HeldWaiting && _heldSource[i] == source && _heldDestination[i] == destination
                    && _heldProtocol[i] == protocol && _heldIdentification[i] == identification)
                {
                    _heldState[i] = HeldReleased;
                    _heldLanAddress[i] = lanAddress;
                }
            }
        }

        /// <summary>
        /// For an inbound later fragment: the LAN address its datagram's first fragment went to.
        /// False when no first fragment was recorded, or it is older than <see cref="TimeoutMs"/>.
        /// </summary>
        public bool TryLookup(uint source, uint destination, byte protocol, ushort identification, out uint lanAddress, int nowMs)
        {
            int slot = Find(source, destination, protocol, identification);
            if (slot == NoIndex)
            {
                lanAddress = 0;
                return false;
            }

            if (nowMs - _recordedMs[slot] > _timeoutMs)
            {
                Remove(slot);
                _expired++;
                lanAddress = 0;
                return false;
            }

            lanAddress = _lanAddress[slot];
            return true;
        }

        /// <summary>
        /// Copies an inbound later fragment (a valid IPv4 packet with a non-zero fragment offset, at
        /// index 0, at most <see cref="MaxPacketLength"/> bytes) into a held slot until its first
        /// fragment is recorded. The engine asks only for fragments from a remote some live mapping
        /// talks to. When every slot is taken, each remote (source address) holding fragments, this
        /// one included, has a fair share of the slots (their number divided by the remotes, at least
        /// one): the oldest fragment of another remote holding more than its share goes first; if
        /// none does, this remote's own oldest (a flood from one remote only ever pushes out its
        /// own). The dropped one is counted in <see cref="Evicted"/>. If the first fragment is
        /// already recorded the copy is released at once. False, with nothing kept, for anything else.
        /// </summary>
        public bool Hold(byte[] packet, int length, int nowMs)
        {
            IPv4Packet ip;
            if (_heldSlots == 0 || IPv4Packet.TryParse(packet, 0, length, out ip) != WireStatus.Ok || ip.HasTransportHeader)
            {
                return false;
            }

            int total = ip.Length;
            if (total > _maxPacketLength)
            {
                return false;
            }

            uint source = ip.SourceAddress;
            int slot = NoIndex;
            for (int i = 0; i < _heldSlots; i++)
            {
                if (_heldState[i] == HeldFree)
                {
                    slot = i;
                    break;
                }
            }

            if (slot == NoIndex)
            {
                slot = EvictionVictim(source);
                if (slot == NoIndex)
                {
                    return false;
                }

                FreeHeld(slot);
                _evicted++;
            }

            System.Array.Copy(packet, 0, _held, slot * _maxPacketLength, total);
            _heldLength[slot] = total;
            _heldMs[slot] = nowMs;
            _heldOrder[slot] = _orderCounter++;
            _heldSource[slot] = ip.SourceAddress;
            _heldDestination[slot] = ip.DestinationAddress;
            _heldProtocol[slot] = ip.Protocol;
            _heldIdentification[slot] = ip.Identification;
            _heldState[slot] = HeldWaiting;
            _heldCount++;

            uint lanAddress;
            if (TryLookup(ip.SourceAddress, ip.DestinationAddress, ip.Protocol, ip.Identification, out lanAddress, nowMs))
            {
                _heldState[slot] = HeldReleased;
                _heldLanAddress[slot] = lanAddress;
            }

            return true;
        }

        /// <summary>
        /// The held fragment to drop for one from <paramref name="source"/> when every slot is taken
        /// (see <see cref="Hold"/>): among the waiting ones, the oldest of the remote other than
        /// <paramref name="source"/> that holds the most slots, if that is more than its fair share;
        /// else the oldest of <paramref name="source"/>'s own. A scan of the few held slots, twice.
        /// </summary>
        private int EvictionVictim(uint source)
        {
            int remotes = 1;
            int own = 0;
            int busiest = NoIndex;
            int busiestCount = 0;
            for (int i = 0; i < _heldSlots; i++)
            {
                if (_heldState[i] != HeldWaiting)
                {
                    continue;
                }

                uint holder = _heldSource[i];
                if (holder == source)
                {
                    own++;
                    continue;
                }

                int count = 0;
                bool firstOfItsRemote = true;
                for (int j = 0; j < _heldSlots; j++)
                {
                    if (_heldState[j] == HeldWaiting && _heldSource[j] == holder)
                    {
                        count++;
                        if (j < i)
                        {
                            firstOfItsRemote = false;
                        }
                    }
                }

                if (firstOfItsRemote)
                {
                    remotes++;
                }

                if (count > busiestCount)
                {
                    busiestCount = count;
                    busiest = i;
                }
            }

            int share = _heldSlots / remotes;
            if (share < 1)
            {
                share = 1;
            }

            uint victimSource;
            if (busiest != NoIndex && busiestCount > share)
            {
                victimSource = _heldSource[busiest];
            }
            else if (own > 0)
            {
                victimSource = source;
            }
            else if (busiest != NoIndex)
            {
                victimSource = _heldSource[busiest];
            }
            else
            {
                return NoIndex;
            }

            int victim = NoIndex;
            for (int i = 0; i < _heldSlots; i++)
            {
                if (_heldState[i] == HeldWaiting && _heldSource[i] == victimSource && (victim == NoIndex || _heldOrder[i] - _heldOrder[victim] < 0))
                {
                    victim = i;
                }
            }

            return victim;
        }

        /// <summary>
        /// Copies the oldest released fragment into <paramref name="buffer"/> at index 0 with its
        /// destination already set to the LAN address and the header checksum updated (RFC 1624), frees
        /// its slot and returns its length; 0 when none is left. A fragment longer than the buffer is
        /// dropped and counted in <see cref="Evicted"/>.
        /// </summary>
        public int TakeReleased(byte[] buffer)
        {
            while (true)
            {
                int slot = NoIndex;
                for (int i = 0; i < _heldSlots; i++)
                {
                    if (_heldState[i] == HeldReleased && (slot == NoIndex || _heldOrder[i] - _heldOrder[slot] < 0))
                    {
                        slot = i;
                    }
                }

                if (slot == NoIndex)
                {
                    return 0;
                }

                int length = _heldLength[slot];
                if (buffer == null || buffer.Length < length)
                {
                    FreeHeld(slot);
                    _evicted++;
                    continue;
                }

                System.Array.Copy(_held, slot * _maxPacketLength, buffer, 0, length);
                uint lanAddress = _heldLanAddress[slot];
                FreeHeld(slot);
                IPv4Packet ip;
                if (IPv4Packet.TryParse(buffer, 0, length, out ip) == WireStatus.Ok)
                {
                    ip.SetDestinationAddressWithChecksumUpdate(lanAddress);
                }

                return length;
            }
        }

        /// <summary>Forgets datagram mappings and held fragments older than <see cref="TimeoutMs"/>,
        /// counting each in <see cref="Expired"/>. Walks the age list from the oldest, so it stops at
        /// the first live mapping; the held table is scanned.</summary>
        public void Expire(int nowMs)
        {
            while (_oldest != NoIndex && nowMs - _recordedMs[_oldest] > _timeoutMs)
            {
                Remove(_oldest);
                _expired++;
            }

            for (int i = 0; i < _heldSlots; i++)
            {
                if (_heldState[i] != HeldFree && nowMs - _heldMs[i] > _timeoutMs)
                {
                    FreeHeld(i);
                    _expired++;
                }
            }
        }

        /// <summary>Forgets every mapping and held fragment (the counters stay).</summary>
        public void Clear()
        {
            for (int b = 0; b < _buckets.Length; b++)
            {
                _buckets[b] = NoIndex;
            }

            _freeCount = 0;
            for (int i = _maxDatagrams - 1; i >= 0; i--)
            {
                _inUse[i] = false;
                _chain[i] = NoIndex;
                _older[i] = NoIndex;
                _newer[i] = NoIndex;
                _free[_freeCount++] = (short)i;
            }

            _oldest = NoIndex;
            _newest = NoIndex;
            _datagrams = 0;
            for (int i = 0; i < _heldSlots; i++)
            {
                _heldState[i] = HeldFree;
            }

            _heldCount = 0;
        }

        private static uint Mix(uint a, uint b)
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

        private int BucketOf(uint source, uint destination, byte protocol, ushort identification)
        {
            return (int)(Mix(Mix(source, destination), ((uint)protocol << 16) | identification) & (uint)_bucketMask);
        }

        private int Find(uint source, uint destination, byte protocol, ushort identification)
        {
            for (int i = _buckets[BucketOf(source, destination, protocol, identification)]; i != NoIndex; i = _chain[i])
            {
                if (_identification[i] == identification && _source[i] == source && _destination[i] == destination && _protocol[i] == protocol)
                {
                    return i;
                }
            }

            return NoIndex;
        }

        private void Remove(int slot)
        {
            int bucket = BucketOf(_source[slot], _destination[slot], _protocol[slot], _identification[slot]);
            if (_buckets[bucket] == slot)
            {
                _buckets[bucket] = _chain[slot];
            }
            else
            {
                for (int i = _buckets[bucket]; i != NoIndex; i = _chain[i])
                {
                    if (_chain[i] == slot)
                    {
                        _chain[i] = _chain[slot];
                        break;
                    }
                }
            }

            Unlink(slot);
            _chain[slot] = NoIndex;
            _inUse[slot] = false;
            _free[_freeCount++] = (short)slot;
            _datagrams--;
        }

        private void Unlink(int slot)
        {
            int older = _older[slot];
            int newer = _newer[slot];
            if (older != NoIndex)
            {
                _newer[older] = (short)newer;
            }
            else
            {
                _oldest = (short)newer;
            }

            if (newer != NoIndex)
            {
                _older[newer] = (short)older;
            }
            else
            {
                _newest = (short)older;
            }

            _older[slot] = NoIndex;
            _newer[slot] = NoIndex;
        }

        private void LinkNewest(int slot)
        {
            _older[slot] = _newest;
            _newer[slot] = NoIndex;
            if (_newest != NoIndex)
            {
                _newer[_newest] = (short)slot;
            }
            else
            {
                _oldest = (short)slot;
            }

            _newest = (short)slot;
        }

        private void FreeHeld(int slot)
        {
            _heldState[slot] = HeldFree;
            _heldCount--;
        }
    }
}
