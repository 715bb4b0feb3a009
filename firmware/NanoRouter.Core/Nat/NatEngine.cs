using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// The router's packet path: takes one whole IPv4 packet at index 0 of a caller-owned buffer,
    /// with its ingress side, and returns a verdict. Forward means the buffer was rewritten in place
    /// and goes out of <see cref="Egress"/>; Local means it is not the router's business (the local
    /// stack gets it unchanged); Drop means it was dropped and counted under <see cref="LastDrop"/>.
    /// Nothing on this path throws or allocates.
    /// <para>
    /// The packet port hands over packets whose IPv4 header its stack already checked (lwIP's
    /// ip4_input and Linux's ip_rcv both check version, header length, total length and header
    /// checksum before our hook), as Linux's own flow-table fast path assumes. The established path
    /// (<see cref="Process"/>) translates established sessions with a handful of checks; anything
    /// else goes to the full path, which validates everything, creates sessions and handles ICMP
    /// errors, fragments, hairpinning and passthrough.
    /// </para>
    /// <para>
    /// Files by concern: this one (state, options, the clock, the sweep), .Packet (dispatch and the
    /// full path's first checks), .Sessions (creation, quota, ports), .Transport (TCP/UDP), .Tcp
    /// (TCP state), .Icmp (echo and errors), .Hairpin, .Forwards (port forwarding), .Passthrough
    /// (switches, tunnel expiry), .Esp, .Gre, .Pptp, .Fragments and .Diagnostics (the VPN page).
    /// Every rewrite is Translation/Translator's; the native flow path's control side is Flow/.
    /// </para>
    /// <para>
    /// Time: <see cref="Tick"/> reads the injected clock, expires idle sessions and applies
    /// passthrough switches; the packet path uses the time of the last tick. The board's packet loop
    /// calls Tick at least every 100 ms. The NAT table is swept a tenth at a time, one slice for each
    /// 100 ms of clock time, so no tick holds up the packet path for a whole sweep; after a longer gap
    /// a tick catches up, at most one full turn.
    /// </para>
    /// </summary>
    public sealed partial class NatEngine
    {
        private const ushort NoIndex = NatTable.NoIndex;
        private const int MinEvictIdleSec = 30;

        /// <summary>Clock time one slice of the table sweep stands for.</summary>
        private const int SweepSliceMs = 100;

        /// <summary>Slices in a full turn of the table: every entry is examined once per second.</summary>
        private const int SweepSlices = 10;

        /// <summary>The bytes of the link-layer source address a packet port writes after a LAN packet.</summary>
        public const int LinkSourceLength = 6;

        private readonly IClock _clock;
        private readonly NatOptions _options;
        private readonly PassthroughRules _rules;
        private readonly NatTable _table;
        private readonly int[] _dropCounts = new int[32];
        private FlowInstaller _flows;

        // The table's arrays, held here too so the packet path reaches them with one load.
        private readonly uint[] _inside;
        private readonly uint[] _remote;
        private readonly ushort[] _outside;
        private readonly ushort[] _seen;
        private readonly uint[] _tcpAck;
        private readonly byte[] _tcpWindow;

        // The one rewrite, both directions (the addresses and their RFC 1624 deltas per host).
        private readonly Translator _translator;

        private readonly uint _lanAddress;
        private readonly uint _lanMask;
        private readonly uint _lanNetwork;
        private readonly uint _lanMaskWire;
        private readonly uint _lanNetworkWire;
        private readonly int _quota;

        private uint _wanAddress;
        private uint _requestedWan;
        private bool _wanRequested;
        private uint _wanWire;
        private ushort _now;
        private int _nowMs;
        private int _lastClockMs;
        private int _msRemainder;
        private int _seconds;
        private int _lastSweepSec;
        private int _sweepDebtMs;
        private int _sweepCursor;
        private bool _secondHalfDue;
        private int _rulesVersion;
        private Side _egress;
        private DropReason _lastDrop;
        private int _forwarded;
        private int _udpSec;
        private int _tcpEstablishedSec;
        private int _tcpTransitorySec;
        private int _icmpSec;
        private int _portCursor;
        private int _packetLength;
        private bool _linkSourceAfterPacket;

        /// <summary>Builds the engine and allocates every table it will ever use; every packet goes
        /// through <see cref="Process"/> (no native flow path).</summary>
        /// <exception cref="ArgumentException">The options are out of range (never thrown later).</exception>
        public NatEngine(NatOptions options, IClock clock)
            : this(options, clock, null)
        {
        }

        /// <summary>
        /// Builds the engine and allocates every table it will ever use. With a board's native flow
        /// path (<paramref name="flowPath"/>, not null) the engine installs its established flows
        /// there (<see cref="Flows"/>); the board's data thread then forwards their packets without
        /// <see cref="Process"/>, and everything else comes here as before.
        /// </summary>
        /// <exception cref="ArgumentException">The options are out of range (never thrown later).</exception>
        public NatEngine(NatOptions options, IClock clock, IFlowPath flowPath)
        {
            if (options == null || clock == null)
            {
                throw new ArgumentNullException(options == null ? "options" : "clock");
            }

            if (!BitConverter.IsLittleEndian)
            {
                throw new NotSupportedException("the packet path reads wire-form values little-endian");
            }

            if (options.LanPrefixLength < 24 || options.LanPrefixLength > 30)
            {
                throw new ArgumentException("the LAN prefix must be /24 to /30");
            }

            _options = options;
            _clock = clock;
            _rules = new PassthroughRules();
            _table = new NatTable(options.Capacity, clock.NowMs ^ (int)options.LanAddress);
            _inside = _table.Inside;
            _remote = _table.Remote;
            _outside = _table.Outside;
            _seen = _table.Seen;
            _tcpAck = _table.TcpAck;
            _tcpWindow = _table.TcpWindow;
            _quota = options.HostQuota > 0 ? options.HostQuota : (options.Capacity >= 4 ? options.Capacity / 4 : 1);

            _lanAddress = options.LanAddress;
            _lanMask = 0xFFFFFFFFu << (32 - options.LanPrefixLength);
            _lanNetwork = _lanAddress & _lanMask;
            _lanMaskWire = SwapAddress(_lanMask);
            _lanNetworkWire = SwapAddress(_lanNetwork);
            _translator = new Translator(_lanNetwork);

            SetTimeouts(options.UdpTimeoutMs, options.TcpEstablishedTimeoutMs, options.TcpTransitoryTimeoutMs, options.IcmpTimeoutMs);
            _nowMs = clock.NowMs;
            _lastClockMs = _nowMs;
            _now = 1;
            _lastSweepSec = _now;
            _rulesVersion = _rules.Version;
            SetWanAddress(options.WanAddress);
            InitializePassthrough();
            if (flowPath != null)
            {
                _flows = new FlowInstaller(flowPath, _table, _esp, _gre, _pptp, _rules);
                _flows.SetAddresses(_lanAddress, options.LanPrefixLength, _wanAddress);
                _flows.SetClock(_now, _seconds);
                _flows.UseDiagnostics(_vpn);
            }
        }

        /// <summary>The options the engine was built with.</summary>
        public NatOptions Options => _options;

        /// <summary>The NAT table (read-only use: statistics and tests).</summary>
        public NatTable Table => _table;

        /// <summary>The native flow path's installer, or null when the engine has none.</summary>
        public FlowInstaller Flows => _flows;

        /// <summary>The passthrough switches and counters.</summary>
        public PassthroughRules Passthrough => _rules;

        /// <summary>Where the last forwarded packet goes.</summary>
        public Side Egress => _egress;

        /// <summary>Why the last dropped packet was dropped.</summary>
        public DropReason LastDrop => _lastDrop;

        /// <summary>How many NAT entries there are in all.</summary>
        public int Capacity => _table.Capacity;

        /// <summary>How many NAT entries are in use.</summary>
        public int ActiveEntries => _table.Count;

        /// <summary>Packets forwarded by the full path (the established path counts nothing, to stay cheap).</summary>
        public int FullPathForwarded => _forwarded;

        /// <summary>The per-host quota in force (per link-layer sender when the port provides it).</summary>
        public int HostQuota => _quota;

        /// <summary>
        /// Whether the packet port writes each LAN packet's link-layer (Ethernet) source address in
        /// the <see cref="LinkSourceLength"/> bytes right after the packet in the buffer (all zero when
        /// unknown), as <c>IPacketPort.Receive</c> promises and the <c>PacketLoop</c> sets. New sessions
        /// are then charged to that sender's quota, not to the source address's: a LAN host that
        /// forges another host's address spends its own quota. Off (the default) every LAN address is
        /// its own sender, as before.
        /// </summary>
        public bool LinkSourceAfterPacket
        {
            get => _linkSourceAfterPacket;
            set => _linkSourceAfterPacket = value;
        }

        /// <summary>The router's WAN address (big-endian number), 0 when the uplink has none.</summary>
        public uint WanAddress => _wanAddress;

        /// <summary>Packets dropped for one reason.</summary>
        public int DropCount(DropReason reason) => _dropCounts[(int)reason];

        /// <summary>Entries evicted because they had expired when room was needed.</summary>
        public int EvictedExpired => _table.EvictedExpired;

        /// <summary>Entries of a host at its quota evicted to make room for that same host.</summary>
        public int EvictedQuota => _table.EvictedQuota;

        /// <summary>Idle entries of hosts holding their whole quota, evicted for a host under its quota.</summary>
        public int EvictedIdle => _table.EvictedIdle;

        /// <summary>Entries one LAN host holds (by the last byte of its address).</summary>
        public int HostEntries(int host) => _table.HostCount(host);

        /// <summary>Packets dropped for any reason.</summary>
        public int TotalDrops
        {
            get
            {
                int sum = 0;
                for (int i = 0; i < _dropCounts.Length; i++)
                {
                    sum += _dropCounts[i];
                }

                return sum;
            }
        }

        /// <summary>Changes the idle timeouts (milliseconds; rounded up to whole seconds, at most 65000 s).</summary>
        public void SetTimeouts(int udpMs, int tcpEstablishedMs, int tcpTransitoryMs, int icmpMs)
        {
            _udpSec = ToSeconds(udpMs);
            _tcpEstablishedSec = ToSeconds(tcpEstablishedMs);
            _tcpTransitorySec = ToSeconds(tcpTransitoryMs);
            _icmpSec = ToSeconds(icmpMs);
        }

        /// <summary>Sets the uplink's address. Every session is forgotten: they were bound to the old one.</summary>
        public void SetWanAddress(uint wanAddress)
        {
            if (_flows != null)
            {
                _flows.SetAddresses(_lanAddress, _options.LanPrefixLength, wanAddress);
            }

            _wanAddress = wanAddress;
            _translator.SetWanAddress(wanAddress);
            _wanWire = _translator.WanWire;

            _table.Clear();
            ClearPassthrough();
            if (_fragments != null)
            {
                _fragments.Clear();
            }
        }

        /// <summary>Asks for a new uplink address from another thread (the uplink supervisor); the
        /// packet thread applies it at its next <see cref="Tick"/>, so tables are never changed under it.</summary>
        public void RequestWanAddress(uint wanAddress)
        {
            _requestedWan = wanAddress;
            _wanRequested = true;
        }

        /// <summary>
        /// Reads the clock. Once a second it expires idle sessions; it also applies passthrough
        /// switches (a rule switched off has its mappings flushed). Call it at least every 100 ms.
        /// </summary>
        public void Tick()
        {
            // Seconds advance by wrap-safe differences of the millisecond clock, so neither the
            // clock's start value nor its wraparound (every 49.7 days) disturbs the stamps.
            if (_wanRequested)
            {
                _wanRequested = false;
                if (_requestedWan != _wanAddress)
                {
                    SetWanAddress(_requestedWan);
                }
            }

            _nowMs = _clock.NowMs;
            int elapsed = _nowMs - _lastClockMs;
            _lastClockMs = _nowMs;
            if (elapsed > 0)
            {
                _msRemainder += elapsed;
                if (_msRemainder >= 1000)
                {
                    _now = (ushort)(_now + (_msRemainder / 1000));
                    _seconds += _msRemainder / 1000;
                    _msRemainder %= 1000;
                }

                _sweepDebtMs = elapsed >= SweepSliceMs * SweepSlices ? SweepSliceMs * SweepSlices : _sweepDebtMs + elapsed;
            }

            if (_flows != null)
            {
                _flows.SetClock(_now, _seconds);
                _flows.Tick();
            }

            if (_forwardsVersion != _forwardsApplied)
            {
                ApplyForwards();
            }

            if (_rules.Version != _rulesVersion)
            {
                _rulesVersion = _rules.Version;
                ApplyRuleSwitches();
            }

            // One slice of the table for each 100 ms of clock time: every entry is looked at once a
            // second, and a tick never sweeps more than a full turn.
            int sliceSize = (_table.Capacity + SweepSlices - 1) / SweepSlices;
            int swept = 0;
            for (; _sweepDebtMs >= SweepSliceMs && swept < SweepSlices; swept++)
            {
                _sweepDebtMs -= SweepSliceMs;
                _table.ExpireRange(_sweepCursor, sliceSize, _now, _udpSec, _tcpEstablishedSec, _tcpTransitorySec, _icmpSec);
                _sweepCursor = (_sweepCursor + sliceSize) % _table.Capacity;
            }

            if (_sweepDebtMs >= SweepSliceMs * SweepSlices)
            {
                _sweepDebtMs = 0;
            }

            // The once-a-second work, in two halves on two ticks so no tick does both (a catch-up
            // tick, already long, does both at once).
            if (_now != _lastSweepSec)
            {
                _lastSweepSec = _now;
                ExpirePassthrough();
                _secondHalfDue = true;
                if (swept <= 1)
                {
                    return;
                }
            }

            if (_secondHalfDue)
            {
                _secondHalfDue = false;
                _fragments.Expire(_nowMs);
                CountPassthroughMappings();
                _vpn.Tick(_seconds);
            }
        }

        /// <summary>A wire-form address as a big-endian number, and back (a byte swap).</summary>
        private static uint SwapAddress(uint value)
        {
            return (value >> 24) | ((value >> 8) & 0xFF00) | ((value << 8) & 0xFF0000) | (value << 24);
        }

        private static int ToSeconds(int ms)
        {
            if (ms <= 0)
            {
                return 1;
            }

            int sec = (ms + 999) / 1000;
            return sec > 65000 ? 65000 : sec;
        }

        private Verdict Drop(DropReason reason)
        {
            _dropCounts[(int)reason]++;
            _lastDrop = reason;
            return Verdict.Drop;
        }
    }
}
