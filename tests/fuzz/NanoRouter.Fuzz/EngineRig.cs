using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;
using NanoRouter.Hal.Linux;

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
    /// <para>
    /// Differential (issue 13): with a native flow table, the engine is the host board's, with the
    /// native flow path (libnrflow.so, the ESP32's C code) in the loop: every packet goes to the
    /// native path first and to the engine only when it is not matched, as on both boards. A second
    /// engine without one (the reference) gets every packet, clock step, switch and WAN change too,
    /// and the two must agree on everything: the verdict, the egress, the bytes out (forwarded and
    /// local packets), the drop reason, the released fragments; and, every
    /// <see cref="CompareEvery"/> packets and at every clock step once the native counters are read
    /// back, every counter the admin page and API show (per rule, per drop reason, per LAN host,
    /// the table and its evictions).
    /// </para>
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

        /// <summary>Packets the native flow path forwarded (differential rigs only).</summary>
        public long NativeHits;

        /// <summary>Packets the native flow path forwarded in every rig of this process (the replay's figure).</summary>
        public static long AllNativeHits;

        /// <summary>Counter comparisons made (differential rigs only).</summary>
        public long Comparisons;

        /// <summary>How often the counters of the two engines are compared.</summary>
        public const int CompareEvery = 1024;

        /// <summary>Forwarded packets whose input had valid checksums, so whose output's were checked.</summary>
        public long ChecksumsChecked;
        public long Packets;

        private readonly byte[] _before = new byte[4096];
        private readonly byte[] _pending = new byte[4096];
        private readonly int _fullCheckEvery;
        private readonly NativeFlowTable _native;
        private readonly NatEngine _reference;
        private readonly byte[] _referenceBuffer = new byte[4096];
        private readonly byte[] _referencePending = new byte[4096];
        private bool _heldInvalid;
        private int _sinceFullCheck;
        private int _sinceCompare;
        private Side _egress;
        private long _hitsBefore;

        /// <param name="startMs">The clock's value at construction (any int: the engine must not care).</param>
        /// <param name="fullCheckEvery">Check all 256 host counts every this many packets (1: every packet); the
        /// packet's own LAN host is checked after every packet anyway.</param>
        /// <param name="nativeCapacity">Slots of a native flow table in the loop (0: none): the rig is then
        /// differential (see the type summary).</param>
        public EngineRig(int startMs, int fullCheckEvery = 1, int nativeCapacity = 0)
        {
            Clock.NowMs = startMs;
            if (nativeCapacity > 0)
            {
                _native = new NativeFlowTable(nativeCapacity);
                _reference = new NatEngine(Options(), Clock);
            }

            Engine = new NatEngine(Options(), Clock, _native);
            _fullCheckEvery = fullCheckEvery;
        }

        /// <summary>Whether the native flow path is in the loop, with a reference engine beside.</summary>
        public bool Differential => _native != null;

        /// <summary>Where the last forwarded packet went (the native path's egress, or the engine's).</summary>
        public Side Egress => _egress;

        /// <summary>The reference engine (differential rigs), else null.</summary>
        public NatEngine Reference => _reference;

        private static NatOptions Options() => new NatOptions { LanAddress = LanAddress, LanPrefixLength = 24, WanAddress = WanAddress, Capacity = Capacity };

        /// <summary>Moves the clock and ticks.</summary>
        public void Advance(int ms)
        {
            Clock.NowMs = unchecked(Clock.NowMs + ms);
            Engine.Tick();
            if (_reference != null)
            {
                _reference.Tick();
                CompareCounters();
            }

            CheckTables(true);
        }

        /// <summary>Switches a passthrough rule and ticks (the engine applies switches on its tick).</summary>
        public void Switch(int rule, bool enabled)
        {
            Engine.Passthrough.SetEnabled((PassthroughProtocol)(rule % 6), enabled);
            Engine.Tick();
            if (_reference != null)
            {
                _reference.Passthrough.SetEnabled((PassthroughProtocol)(rule % 6), enabled);
                _reference.Tick();
                CompareCounters();
            }

            CheckTables(true);
        }

        /// <summary>Changes the uplink address (every session is forgotten).</summary>
        public void SetWan(uint address)
        {
            Engine.SetWanAddress(address);
            if (_reference != null)
            {
                _reference.SetWanAddress(address);
                CompareCounters();
            }

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
            Verdict verdict;
            Side nativeEgress;
            _hitsBefore = NativeHits;
            if (_native != null && StackAccepts(buffer, length) && _native.Process(buffer, 0, length, side, out nativeEgress) == NativeFlowTable.Hit)
            {
                NativeHits++;
                AllNativeHits++;
                verdict = Verdict.Forward;
                _egress = nativeEgress;
            }
            else
            {
                verdict = Engine.Process(buffer, length, side);
                _egress = Engine.Egress;
            }

            if (_reference != null)
            {
                CompareWithReference(buffer, length, side, verdict);
            }

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

                    Side egress = _egress;
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
                Console.WriteLine("  " + side + " " + length + " bytes -> " + verdict + (verdict == Verdict.Drop ? " " + Engine.LastDrop : verdict == Verdict.Forward ? " to " + _egress : string.Empty) + ", entries " + Engine.ActiveEntries
                    + (_native != null ? ", offloaded " + Engine.Flows.Offloaded : string.Empty));
            }

            CheckTables(++_sinceFullCheck >= _fullCheckEvery);
            DrainPending();
            if (_reference != null && ++_sinceCompare >= CompareEvery)
            {
                CompareCounters();
            }

            return verdict;
        }

        /// <summary>
        /// What both boards' stacks check before the native path sees a packet (its precondition,
        /// nr_flow.h): version 4, a header of 5 to 15 words that is all there, a total length from the
        /// header's to the bytes there, a header checksum that verifies (nr_check_ipv4 on the ESP32,
        /// ip_rcv on the host board). Anything else the boards drop before the router; here it goes
        /// to the engine alone, which validates it itself.
        /// </summary>
        private static bool StackAccepts(byte[] p, int length)
        {
            if (length < 20 || (p[0] >> 4) != 4)
            {
                return false;
            }

            int header = (p[0] & 0x0F) * 4;
            int total = (p[2] << 8) | p[3];
            return header >= 20 && header <= length && total >= header && total <= length
                && Checksums.Fold(Checksums.Sum(0, p, 0, header)) == 0xFFFF;
        }

        /// <summary>A tunnel table's used entries (host, peer, flags, identifiers, last seen), for a disagreement's message.</summary>
        private static string Tunnels(TunnelTable t)
        {
            var text = new System.Text.StringBuilder();
            for (int e = 0; e < t.Capacity; e++)
            {
                if (t.Flags[e] != 0)
                {
                    text.Append(" [" + e + " host " + t.Host[e] + " peer " + t.Peer[e].ToString("X8") + " flags " + t.Flags[e] + " out " + t.OutId[e].ToString("X") + " in " + t.InId[e].ToString("X") + " seen " + t.Seen[e] + "]");
                }
            }

            return text.Length == 0 ? " none" : text.ToString();
        }

        /// <summary>The reference engine gets the same packet (as it arrived); its answer must be the same.</summary>
        private void CompareWithReference(byte[] buffer, int length, Side side, Verdict verdict)
        {
            Buffer.BlockCopy(_before, 0, _referenceBuffer, 0, length);
            Verdict expected = _reference.Process(_referenceBuffer, length, side);
            if (expected != verdict || (verdict == Verdict.Drop && Engine.LastDrop != _reference.LastDrop)
                || (verdict == Verdict.Forward && _egress != _reference.Egress)
                || (verdict != Verdict.Drop && !buffer.AsSpan(0, length).SequenceEqual(_referenceBuffer.AsSpan(0, length))))
            {
                throw new InvariantException("native path + engine disagree with the reference engine on packet " + Packets + " from " + side + " (" + length + " bytes, native hit: " + (NativeHits > _hitsBefore) + "): "
                    + verdict + (verdict == Verdict.Drop ? " " + Engine.LastDrop : " to " + _egress) + " against " + expected + (expected == Verdict.Drop ? " " + _reference.LastDrop : " to " + _reference.Egress)
                    + "\n  in:        " + Convert.ToHexString(_before, 0, Math.Min(length, 64))
                    + "\n  out:       " + Convert.ToHexString(buffer, 0, Math.Min(length, 64))
                    + "\n  reference: " + Convert.ToHexString(_referenceBuffer, 0, Math.Min(length, 64))
                    + "\n  offloaded " + Engine.Flows.Offloaded + ", entries " + Engine.ActiveEntries + "/" + _reference.ActiveEntries
                    + "\n  ESP mappings: " + Tunnels(Engine.EspMappings) + "\n     reference: " + Tunnels(_reference.EspMappings)
                    + "\n  GRE mappings: " + Tunnels(Engine.GreMappings) + "\n     reference: " + Tunnels(_reference.GreMappings));
            }

            Invariant.Equal((int)expected, (int)verdict, "native path + engine against the reference engine: the verdict (0 forward, 1 local, 2 drop)");
            if (verdict == Verdict.Drop)
            {
                Invariant.Equal((int)_reference.LastDrop, (int)Engine.LastDrop, "the reference engine's drop reason");
                return;
            }

            if (verdict == Verdict.Forward)
            {
                Invariant.Equal((int)_reference.Egress, (int)_egress, "the reference engine's egress");
            }

            Invariant.That(buffer.AsSpan(0, length).SequenceEqual(_referenceBuffer.AsSpan(0, length)), "the reference engine's bytes, byte for byte");
        }

        /// <summary>Every counter the admin page and API show, after the native counters are read back.</summary>
        public void CompareCounters()
        {
            _sinceCompare = 0;
            Comparisons++;
            NatEngine a = _reference;
            NatEngine b = Engine;
            Invariant.Equal(a.ActiveEntries, b.ActiveEntries, "counters: active entries");
            Invariant.Equal(a.TotalDrops, b.TotalDrops, "counters: total drops");
            for (int r = 1; r < NanoRouter.Core.Nat.DropReasons.Count; r++)
            {
                Invariant.Equal(a.DropCount((DropReason)r), b.DropCount((DropReason)r), "counters: drops of reason", r);
            }

            for (int p = 0; p < PassthroughRules.Count; p++)
            {
                var rule = (PassthroughProtocol)p;
                // The native counts not read back yet, read without touching the engine (reading them
                // back is the engine's own business: its sweep, before every decision).
                int uncountedOut;
                int uncountedIn;
                b.Flows.UncountedPackets(rule, out uncountedOut, out uncountedIn);
                Invariant.Equal(a.Passthrough.PacketsOut(rule), b.Passthrough.PacketsOut(rule) + uncountedOut, "counters: packets out of rule", p);
                Invariant.Equal(a.Passthrough.PacketsIn(rule), b.Passthrough.PacketsIn(rule) + uncountedIn, "counters: packets in of rule", p);
                Invariant.Equal(a.Passthrough.Drops(rule), b.Passthrough.Drops(rule), "counters: drops of rule", p);
                Invariant.Equal(a.Passthrough.Mappings(rule), b.Passthrough.Mappings(rule), "counters: mappings of rule", p);
            }

            for (int host = 0; host < 256; host++)
            {
                Invariant.Equal(a.HostEntries(host), b.HostEntries(host), "counters: entries of LAN host", host);
            }

            Invariant.Equal(a.EvictedExpired, b.EvictedExpired, "counters: evicted expired");
            Invariant.Equal(a.EvictedQuota, b.EvictedQuota, "counters: evicted at quota");
            Invariant.Equal(a.EvictedIdle, b.EvictedIdle, "counters: evicted idle");
            Invariant.Equal(a.MssClamped, b.MssClamped, "counters: MSS clamped");
            Invariant.Equal(a.IcmpErrorsTranslated, b.IcmpErrorsTranslated, "counters: ICMP errors translated");
            Invariant.Equal(a.Hairpinned, b.Hairpinned, "counters: hairpinned");
            Invariant.Equal(a.EspMappings.Count, b.EspMappings.Count, "counters: ESP mappings");
            Invariant.Equal(a.GreMappings.Count, b.GreMappings.Count, "counters: GRE mappings");
            Invariant.Equal(a.Pptp.ActiveCalls, b.Pptp.ActiveCalls, "counters: PPTP calls");
            Invariant.Equal(_native.Live, b.Flows.Offloaded, "the managed reference table's live slots against the native table's");
        }

        private void DrainPending()
        {
            for (int i = 0; ; i++)
            {
                Side egress;
                int length = Engine.TakePending(_pending, out egress);
                if (length == 0)
                {
                    if (_reference != null)
                    {
                        Side referenceEgress;
                        Invariant.That(_reference.TakePending(_referencePending, out referenceEgress) == 0, "the reference engine releases no more fragments");
                    }

                    return;
                }

                Pending++;
                if (_reference != null)
                {
                    Side referenceEgress;
                    int referenceLength = _reference.TakePending(_referencePending, out referenceEgress);
                    Invariant.That(referenceLength == length && referenceEgress == egress && _pending.AsSpan(0, length).SequenceEqual(_referencePending.AsSpan(0, length)), "the reference engine releases the same fragment");
                }

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
