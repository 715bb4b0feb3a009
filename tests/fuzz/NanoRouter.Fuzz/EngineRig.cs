using System;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// One NAT engine (LAN 198.19.4.1/24, WAN 198.18.0.2, 64 entries) and the invariants checked after
    /// every packet it is given:
    /// <list type="bullet">
    /// <item>no exception;</item>
    /// <item>table: Count &lt;= Capacity, every LAN host's HostCount &lt;= HostQuota, the host counts add up to Count;</item>
    /// <item>Forward: when the input's checksums were valid, the output's are (IPv4, TCP, UDP, ICMP with
    /// its quote, GRE); a packet from the WAN goes to the LAN; a packet to the WAN carries the WAN address;</item>
    /// <item>Local: the packet is unchanged;</item>
    /// <item>Drop: a reason is given and exactly one drop is counted; otherwise no drop is counted;</item>
    /// <item>released (pending) fragments go to a LAN host with a valid header checksum;</item>
    /// <item>ESP/GRE tunnel tables, PPTP calls and held fragments stay within their capacities.</item>
    /// </list>
    /// Nothing here allocates per packet.
    /// </summary>
    internal sealed class EngineRig
    {
        public const uint LanAddress = 0xC6130401;   // 198.19.4.1
        public const uint WanAddress = 0xC6120002;   // 198.18.0.2
        public const uint OtherWanAddress = 0xC6120003;
        public const int Capacity = 64;
        public const int MaxPacket = 1600;

        public readonly ManualClock Clock = new ManualClock();
        public readonly NatEngine Engine;
        public readonly long[] Verdicts = new long[3];
        public readonly long[] DropReasons = new long[32];
        public long Pending;

        /// <summary>Forwarded packets whose input had valid checksums, so whose output's were checked.</summary>
        public long ChecksumsChecked;
        public long Packets;

        private readonly byte[] _before = new byte[4096];
        private readonly byte[] _pending = new byte[4096];
        private readonly int _fullCheckEvery;
        private bool _heldInvalid;
        private int _sinceFullCheck;

        /// <param name="startMs">The clock's value at construction (any int: the engine must not care).</param>
        /// <param name="fullCheckEvery">Check all 256 host counts every this many packets (1: every packet); the
        /// packet's own LAN host is checked after every packet anyway.</param>
        public EngineRig(int startMs, int fullCheckEvery = 1)
        {
            Clock.NowMs = startMs;
            Engine = new NatEngine(new NatOptions { LanAddress = LanAddress, LanPrefixLength = 24, WanAddress = WanAddress, Capacity = Capacity }, Clock);
            _fullCheckEvery = fullCheckEvery;
        }

        /// <summary>Moves the clock and ticks.</summary>
        public void Advance(int ms)
        {
            Clock.NowMs = unchecked(Clock.NowMs + ms);
            Engine.Tick();
            CheckTables(true);
        }

        /// <summary>Switches a passthrough rule and ticks (the engine applies switches on its tick).</summary>
        public void Switch(int rule, bool enabled)
        {
            Engine.Passthrough.SetEnabled((PassthroughProtocol)(rule % 6), enabled);
            Engine.Tick();
            CheckTables(true);
        }

        /// <summary>Changes the uplink address (every session is forgotten).</summary>
        public void SetWan(uint address)
        {
            Engine.SetWanAddress(address);
            Invariant.That(Engine.ActiveEntries == 0, "SetWanAddress leaves no session");
            CheckTables(true);
        }

        /// <summary>Processes one packet (at index 0 of <paramref name="buffer"/>) and checks every invariant.</summary>
        public Verdict Step(byte[] buffer, int length, Side side)
        {
            Packets++;
            bool validIn = Checksums.Valid(buffer, length);
            Buffer.BlockCopy(buffer, 0, _before, 0, length);
            int dropsBefore = Engine.TotalDrops;
            Verdict verdict = Engine.Process(buffer, length, side);
            Verdicts[(int)verdict]++;
            int dropsAfter = Engine.TotalDrops;
            switch (verdict)
            {
                case Verdict.Forward:
                    Invariant.That(dropsAfter == dropsBefore, "Forward counts no drop");
                    if (validIn)
                    {
                        ChecksumsChecked++;
                        Invariant.That(Checksums.Valid(buffer, length), "a forwarded packet whose input checksums were valid has valid checksums");
                    }

                    Side egress = Engine.Egress;
                    Invariant.That(side == Side.Lan || egress == Side.Lan, "a packet from the WAN is forwarded to the LAN");
                    if (egress == Side.Wan && length >= 20)
                    {
                        Invariant.That(Be.U32(buffer, 12) == Engine.WanAddress, "a packet forwarded to the WAN has the WAN address as source");
                    }

                    if (side == Side.Wan && length >= 20)
                    {
                        Invariant.That((Be.U32(buffer, 16) & 0xFFFFFF00) == (LanAddress & 0xFFFFFF00), "a packet forwarded from the WAN goes to a LAN address");
                    }

                    break;
                case Verdict.Local:
                    Invariant.That(dropsAfter == dropsBefore, "Local counts no drop");
                    Invariant.That(Same(buffer, _before, length), "a Local packet is handed over unchanged");
                    break;
                default:
                    DropReason reason = Engine.LastDrop;
                    DropReasons[(int)reason]++;
                    Invariant.That(reason != DropReason.None, "a drop has a reason");
                    Invariant.That(dropsAfter == dropsBefore + 1, "a drop is counted once");
                    if (reason == DropReason.FragmentHeld && !validIn)
                    {
                        _heldInvalid = true;
                    }

                    break;
            }

            int host = -1;
            if (length >= 20)
            {
                host = side == Side.Lan ? _before[15] : (verdict == Verdict.Forward ? buffer[19] : -1);
            }

            if (host >= 0)
            {
                Invariant.That(Engine.Table.HostCount(host) <= Engine.HostQuota, "a LAN host holds at most its quota of entries");
            }

            if (Invariant.Verbose)
            {
                Console.WriteLine("  " + side + " " + length + " bytes -> " + verdict + (verdict == Verdict.Drop ? " " + Engine.LastDrop : verdict == Verdict.Forward ? " to " + Engine.Egress : string.Empty) + ", entries " + Engine.ActiveEntries);
            }

            CheckTables(++_sinceFullCheck >= _fullCheckEvery);
            DrainPending();
            return verdict;
        }

        private void DrainPending()
        {
            for (int i = 0; ; i++)
            {
                Side egress;
                int length = Engine.TakePending(_pending, out egress);
                if (length == 0)
                {
                    return;
                }

                Pending++;
                if (Invariant.Verbose)
                {
                    Console.WriteLine("  released " + length + " bytes to " + egress);
                }

                Invariant.That(i < 64, "TakePending ends");
                Invariant.That(length >= 20 && length <= Engine.Fragments.MaxPacketLength, "a released fragment has a sane length");
                Invariant.That(egress == Side.Lan, "released fragments (held inbound) go to the LAN");
                Invariant.That((Be.U32(_pending, 16) & 0xFFFFFF00) == (LanAddress & 0xFFFFFF00), "a released fragment goes to a LAN address");
                if (!_heldInvalid)
                {
                    Invariant.That(Checksums.Fold(Checksums.Sum(0, _pending, 0, (_pending[0] & 0x0F) * 4)) == 0xFFFF, "a released fragment has a valid header checksum");
                }
            }
        }

        /// <summary>The table invariants; the 256 host counts only when <paramref name="full"/>.</summary>
        public void CheckTables(bool full)
        {
            NatTable table = Engine.Table;
            Invariant.That(table.Count >= 0 && table.Count <= table.Capacity && table.Capacity == Capacity, "0 <= Count <= Capacity");
            Invariant.That(Engine.ActiveEntries == table.Count, "ActiveEntries is the table's count");
            Invariant.That(Engine.EspMappings.Count <= Engine.EspMappings.Capacity && Engine.GreMappings.Count <= Engine.GreMappings.Capacity, "tunnel tables within capacity");
            Invariant.That(Engine.Pptp.ActiveCalls <= Engine.Pptp.MaxCalls && Engine.Pptp.ActiveConnections <= Engine.Pptp.MaxConnections, "PPTP tables within capacity");
            if (!full)
            {
                return;
            }

            _sinceFullCheck = 0;
            int sum = 0;
            int quota = Engine.HostQuota;
            for (int host = 0; host < 256; host++)
            {
                int count = table.HostCount(host);
                Invariant.That(count >= 0 && count <= quota, "every LAN host holds at most its quota of entries");
                sum += count;
            }

            Invariant.That(sum == table.Count, "the per-host counts add up to the table's count");
        }

        private static bool Same(byte[] a, byte[] b, int length)
        {
            return a.AsSpan(0, length).SequenceEqual(b.AsSpan(0, length));
        }
    }
}
