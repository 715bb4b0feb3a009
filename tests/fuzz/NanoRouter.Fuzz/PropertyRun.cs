using System;
using System.Diagnostics;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// The property run at scale: N packets through one engine (<see cref="EngineRig"/> checks every
    /// invariant after each), drawn from 64 live flows of every kind over 8 LAN hosts (TCP, UDP, IKE,
    /// NAT-T, L2TP, ICMP echo, ESP, GRE v0, PPTP control + GRE v1; 1 in 16 towards the WAN address
    /// itself, i.e. hairpinned), both directions: valid packets
    /// (replies go to the external port the engine chose, learned from its output), ICMP errors quoting
    /// what went out, inbound fragments in any order; mutations of those (bits, bytes, lengths, header
    /// fields, fragment bits, the other side; checksums fixed half the time); random bytes; clock
    /// advances with ticks, long jumps that expire sessions, passthrough switches and WAN changes.
    /// Deterministic per seed. The measured loop allocates nothing (printed).
    /// </summary>
    internal sealed class PropertyRun
    {
        private const int Flows = 64;
        private const int Hosts = 8;

        private const int KindTcp = 0;
        private const int KindUdp = 1;
        private const int KindEcho = 2;
        private const int KindEsp = 3;
        private const int KindGre = 4;
        private const int KindPptp = 5;
        private const int KindIke = 6;
        private const int KindNatT = 7;
        private const int KindL2tp = 8;
        private const int Kinds = 9;

        private readonly EngineRig _rig;
        private readonly byte[] _b = new byte[2048];
        private readonly byte[] _scratch = new byte[2048];
        private readonly byte[] _whole = new byte[2048];
        private readonly byte[] _message = new byte[256];
        private readonly byte[] _pattern = new byte[2048];
        private readonly int[] _kind = new int[Flows];
        private readonly uint[] _host = new uint[Flows];
        private readonly uint[] _remote = new uint[Flows];
        private readonly ushort[] _port = new ushort[Flows];
        private readonly ushort[] _remotePort = new ushort[Flows];
        private readonly ushort[] _external = new ushort[Flows];
        private readonly uint[] _seqOut = new uint[Flows];
        private readonly uint[] _seqIn = new uint[Flows];
        private readonly int[] _step = new int[Flows];
        private ulong _rng;
        private long _mutated;
        private long _random;
        private long _valid;

        /// <param name="nativeCapacity">Slots of a native flow table in the loop, 0 for none (see EngineRig:
        /// with one, the run is differential).</param>
        public PropertyRun(ulong seed, int nativeCapacity = 0)
        {
            _rng = seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
            _rig = new EngineRig((int)Next(), 64, nativeCapacity);
            for (int i = 0; i < _pattern.Length; i++)
            {
                _pattern[i] = (byte)((i * 29) + 1);
            }

            for (int f = 0; f < Flows; f++)
            {
                NewFlow(f);
            }
        }

        public static int Execute(long packets, ulong seed, int nativeCapacity = 0)
        {
            var run = new PropertyRun(seed, nativeCapacity);
            Console.WriteLine((nativeCapacity > 0 ? "differential run (native flow path of " + nativeCapacity + " slots + engine against the engine alone): " : "property run: ")
                + packets + " packets, seed " + seed + ", engine capacity " + EngineRig.Capacity + ", quota " + run._rig.Engine.HostQuota);
            run.Loop(Math.Min(packets, 20000));
            long warm = run._rig.Packets;
            var watch = new Stopwatch();
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            int gcBefore = GC.CollectionCount(0);
            watch.Start();
            run.Loop(packets - warm);
            if (nativeCapacity > 0)
            {
                run._rig.CompareCounters();
            }

            watch.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            run.Print(packets, watch.Elapsed.TotalSeconds, cpu, allocated, GC.CollectionCount(0) - gcBefore, seed);
            return 0;
        }

        private void Loop(long count)
        {
            long end = _rig.Packets + count;
            while (_rig.Packets < end)
            {
                // Differential runs alternate the fast clock below with phases of 65,536 packets in which
                // a second passes every ~64 packets, so offloaded flows live across their timeouts and
                // the engine's expiry, eviction and learning depend on the stamps the native path keeps.
                if (_rig.Differential && (_rig.Packets & 0x10000) != 0 && (Next() & 63) == 0)
                {
                    _rig.Advance(1000);
                    continue;
                }

                uint r = Next() % 1000;
                if (r < 3)
                {
                    _rig.Advance((int)(Next() % 100));
                    continue;
                }

                if ((Next() & 0x7FFF) == 0)
                {
                    _rig.Advance(30000 + (int)(Next() % 400000));
                    continue;
                }

                if ((Next() & 0x1FFFF) == 0)
                {
                    _rig.Switch((int)(Next() % 6), (Next() & 1) == 0);
                    continue;
                }

                if ((Next() & 0x3FFFFF) == 0)
                {
                    _rig.SetWan((Next() & 1) == 0 ? EngineRig.WanAddress : EngineRig.OtherWanAddress);
                    continue;
                }

                int f = (int)(Next() % Flows);
                if ((Next() & 0x1FF) == 0)
                {
                    NewFlow(f);
                }

                if (r < 460)
                {
                    _valid++;
                    ValidPacket(f, false);
                }
                else if (r < 900)
                {
                    _mutated++;
                    ValidPacket(f, true);
                }
                else if (r < 960)
                {
                    Fragmented(f);
                }
                else
                {
                    _random++;
                    RandomPacket();
                }
            }
        }

        private void ValidPacket(int f, bool mutate)
        {
            bool outbound = (Next() & 1) == 0 || _step[f] == 0;
            Side side = outbound ? Side.Lan : Side.Wan;
            int length = (Next() % 16) == 0 ? IcmpError(f, outbound) : Build(_b, f, outbound);
            if (mutate)
            {
                length = Mutate(length, ref side);
            }

            Verdict verdict = _rig.Step(_b, length, side);
            if (!mutate && outbound && verdict == Verdict.Forward && _rig.Egress == Side.Wan && length >= 24)
            {
                Learn(f);
            }

            _step[f]++;
        }

        /// <summary>Remembers the external port (or ID) the engine gave a flow, from its output.</summary>
        private void Learn(int f)
        {
            int l4 = (_b[0] & 0x0F) * 4;
            switch (_kind[f])
            {
                case KindEcho:
                    _external[f] = Be.U16(_b, l4 + 4);
                    break;
                case KindEsp:
                case KindGre:
                    break;
                case KindPptp:
                    if (_b[9] == Checksums.Tcp)
                    {
                        _external[f] = Be.U16(_b, l4);
                    }

                    break;
                default:
                    _external[f] = Be.U16(_b, l4);
                    break;
            }
        }

        private int Build(byte[] b, int f, bool outbound)
        {
            uint wan = _rig.Engine.WanAddress;
            uint host = _host[f];
            uint remote = _remote[f];
            ushort port = _port[f];
            ushort remotePort = _remotePort[f];
            ushort external = _external[f];
            int payload = (int)(Next() % 64);
            switch (_kind[f])
            {
                case KindTcp:
                    {
                        int flags;
                        int mss = 0;
                        uint s = Next() % 10;
                        if (_step[f] == 0 || s == 0)
                        {
                            flags = outbound ? PacketWriter.Syn : PacketWriter.Syn | PacketWriter.Ack;
                            mss = 1200 + (int)(Next() % 400);
                            payload = 0;
                        }
                        else
                        {
                            flags = s == 1 ? PacketWriter.Fin | PacketWriter.Ack : s == 2 ? PacketWriter.Rst : PacketWriter.Ack | PacketWriter.Psh;
                        }

                        return outbound
                            ? PacketWriter.Tcp(b, host, port, remote, remotePort, _seqOut[f] += (uint)payload, _seqIn[f], flags, mss, _pattern, 0, payload)
                            : PacketWriter.Tcp(b, remote, remotePort, wan, external, _seqIn[f] += (uint)payload, _seqOut[f], flags, mss, _pattern, 0, payload);
                    }

                case KindEcho:
                    return outbound
                        ? PacketWriter.Echo(b, host, remote, 8, port, (ushort)_step[f], payload)
                        : PacketWriter.Echo(b, remote, wan, 0, external, (ushort)_step[f], payload);
                case KindEsp:
                    return outbound
                        ? PacketWriter.Esp(b, host, remote, 0x10000u + (uint)f, (uint)_step[f], payload + 16)
                        : PacketWriter.Esp(b, remote, wan, 0x20000u + (uint)f, (uint)_step[f], payload + 16);
                case KindGre:
                    return outbound
                        ? PacketWriter.GreV0(b, host, remote, (f & 1) != 0, (uint)f, payload + 20)
                        : PacketWriter.GreV0(b, remote, wan, (f & 1) != 0, (uint)f, payload + 20);
                case KindPptp:
                    return Pptp(b, f, outbound, payload);
                default:
                    int length = outbound
                        ? PacketWriter.Udp(b, host, port, remote, remotePort, payload + 8, _pattern, 0)
                        : PacketWriter.Udp(b, remote, remotePort, wan, external, payload + 8, _pattern, 0);
                    if (_kind[f] == KindNatT && (Next() & 3) == 0)
                    {
                        // IKE over NAT-T: the non-ESP marker (four zero bytes) instead of an SPI.
                        Array.Clear(b, 28, 4);
                        Checksums.Fix(b);
                    }

                    return length;
            }
        }

        /// <summary>A PPTP flow: the control connection's next message in order (sequence numbers tracked), or GRE v1 both ways.</summary>
        private int Pptp(byte[] b, int f, bool outbound, int payload)
        {
            uint wan = _rig.Engine.WanAddress;
            ushort pns = (ushort)(0x4000 + f);
            ushort pac = (ushort)(0x9000 + f);
            if (_step[f] == 0)
            {
                return PacketWriter.Tcp(b, _host[f], _port[f], _remote[f], 1723, _seqOut[f]++, 0, PacketWriter.Syn, 1460, null, 0, 0);
            }

            if ((Next() & 1) == 0)
            {
                return outbound
                    ? PacketWriter.GreV1(b, _host[f], _remote[f], pac, (uint)_step[f], payload)
                    : PacketWriter.GreV1(b, _remote[f], wan, pns, (uint)_step[f], payload);
            }

            int n;
            switch (Next() % 6)
            {
                case 0:
                    n = outbound ? PacketWriter.PptpMessage(_message, 0, 1, 156, 0x0100, 0, 0) : PacketWriter.PptpMessage(_message, 0, 2, 156, 0x0100, 0x0100, 1);
                    break;
                case 1:
                case 2:
                    n = outbound ? PacketWriter.PptpMessage(_message, 0, 7, 168, pns, 1, 0) : PacketWriter.PptpMessage(_message, 0, 8, 32, pac, pns, 1);
                    break;
                case 3:
                    n = outbound ? PacketWriter.PptpMessage(_message, 0, 15, 24, pac, 0, 0) : PacketWriter.PptpMessage(_message, 0, 14, 40, pns, 0, 0);
                    break;
                case 4:
                    n = outbound ? PacketWriter.PptpMessage(_message, 0, 12, 16, pns, 0, 0) : PacketWriter.PptpMessage(_message, 0, 13, 148, pac, 0, 1);
                    break;
                default:
                    n = PacketWriter.PptpMessage(_message, 0, outbound ? 5 : 6, outbound ? 16 : 20, 0, 0, 1);
                    break;
            }

            int length = outbound
                ? PacketWriter.Tcp(b, _host[f], _port[f], _remote[f], 1723, _seqOut[f], _seqIn[f], PacketWriter.Ack | PacketWriter.Psh, 0, _message, 0, n)
                : PacketWriter.Tcp(b, _remote[f], 1723, wan, _external[f], _seqIn[f], _seqOut[f], PacketWriter.Ack | PacketWriter.Psh, 0, _message, 0, n);
            if (outbound)
            {
                _seqOut[f] += (uint)n;
            }
            else
            {
                _seqIn[f] += (uint)n;
            }

            return length;
        }

        /// <summary>An ICMP error about the flow's packet: from the WAN quoting it as it went out (WAN
        /// address, external port), or from the LAN host quoting a reply it got.</summary>
        private int IcmpError(int f, bool fromLan)
        {
            int q = Build(_scratch, f, !fromLan);
            if (!fromLan)
            {
                // Quote the outbound packet as translated.
                Be.W32(_scratch, 12, _rig.Engine.WanAddress);
                int l4 = 20;
                if (_scratch[9] == Checksums.Tcp || _scratch[9] == Checksums.Udp)
                {
                    Be.W16(_scratch, l4, _external[f]);
                }
                else if (_scratch[9] == Checksums.Icmp)
                {
                    Be.W16(_scratch, l4 + 4, _external[f]);
                }

                Checksums.Fix(_scratch);
            }
            else
            {
                // Quote the reply as the host got it (its own address and port).
                Be.W32(_scratch, 16, _host[f]);
                if (_scratch[9] == Checksums.Tcp || _scratch[9] == Checksums.Udp)
                {
                    Be.W16(_scratch, 22, _port[f]);
                }

                Checksums.Fix(_scratch);
            }

            int quoted = (Next() & 1) == 0 ? Math.Min(q, 28) : Math.Min(q, 548);
            byte type = (Next() % 3) switch { 0 => (byte)3, 1 => (byte)11, _ => (byte)12 };
            byte code = type == 3 ? (byte)(Next() % 5) : (byte)0;
            return fromLan
                ? PacketWriter.IcmpError(_b, _host[f], _remote[f], type, code, _scratch, quoted)
                : PacketWriter.IcmpError(_b, 0xC6120000u | (Next() & 0xFFFF), _rig.Engine.WanAddress, type, code, _scratch, quoted);
        }

        /// <summary>A reply (or any inbound UDP/TCP) cut into 2-4 fragments sent in a random order, some
        /// perhaps missing or repeated.</summary>
        private void Fragmented(int f)
        {
            bool outbound = (Next() & 3) == 0;
            int wholeLength = Build(_whole, f, outbound);
            Side side = outbound ? Side.Lan : Side.Wan;
            int payload = wholeLength - 20;
            if (payload < 16)
            {
                _valid++;
                _rig.Step(CopyWhole(wholeLength), wholeLength, side);
                return;
            }

            Be.W16(_whole, 4, (int)Next());
            Checksums.Fix(_whole);
            int pieces = 2 + (int)(Next() % 3);
            int unit = ((payload / pieces) + 7) & ~7;
            int order = (int)(Next() % (uint)pieces);
            for (int i = 0; i < pieces; i++)
            {
                int index = (i + order) % pieces;
                if ((Next() % 8) == 0)
                {
                    continue;
                }

                int offset = index * unit;
                if (offset >= payload)
                {
                    continue;
                }

                int length = PacketWriter.Fragment(_b, _whole, offset, unit);
                _valid++;
                _rig.Step(_b, length, side);
            }
        }

        private byte[] CopyWhole(int length)
        {
            Buffer.BlockCopy(_whole, 0, _b, 0, length);
            return _b;
        }

        private int Mutate(int length, ref Side side)
        {
            int mutations = 1 + (int)(Next() % 4);
            for (int m = 0; m < mutations; m++)
            {
                switch (Next() % 12)
                {
                    case 0:
                    case 1:
                        if (length > 0)
                        {
                            _b[Next() % (uint)length] ^= (byte)(1 << (int)(Next() & 7));
                        }

                        break;
                    case 2:
                    case 3:
                        if (length > 0)
                        {
                            _b[Next() % (uint)Math.Min(length, 64)] = (byte)Next();
                        }

                        break;
                    case 4:
                        length = (int)(Next() % (uint)(length + 1));
                        break;
                    case 5:
                        {
                            int more = (int)(Next() % 64);
                            for (int i = 0; i < more && length < EngineRig.MaxPacket; i++)
                            {
                                _b[length++] = (byte)Next();
                            }

                            break;
                        }

                    case 6:
                        Be.W16(_b, 2, (int)(Next() % 2048));
                        break;
                    case 7:
                        _b[0] = (byte)(0x40 | (Next() & 0x0F));
                        break;
                    case 8:
                        Be.W16(_b, 6, (int)Next() & 0x3FFF | ((Next() & 1) == 0 ? 0x2000 : 0));
                        break;
                    case 9:
                        _b[9] = (Next() % 4) switch { 0 => Checksums.Gre, 1 => Checksums.Esp, 2 => Checksums.Icmp, _ => (byte)Next() };
                        break;
                    case 10:
                        side = side == Side.Lan ? Side.Wan : Side.Lan;
                        break;
                    default:
                        if (length >= 24)
                        {
                            int l4 = Math.Min((_b[0] & 0x0F) * 4, length - 4);
                            Be.W16(_b, l4 + (int)(Next() & 2), (int)(Next() % 3 == 0 ? Next() % 1024 : Next()));
                        }

                        break;
                }
            }

            if ((Next() & 1) == 0)
            {
                Checksums.TryFix(_b, length);
            }

            return length;
        }

        private void RandomPacket()
        {
            int length = (int)(Next() % 200);
            for (int i = 0; i < length; i++)
            {
                _b[i] = (byte)Next();
            }

            if (length >= 20 && (Next() & 1) == 0)
            {
                _b[0] = 0x45;
                Be.W16(_b, 2, length);
                Be.W16(_b, 6, 0);
                _b[9] = (Next() % 5) switch { 0 => Checksums.Tcp, 1 => Checksums.Udp, 2 => Checksums.Icmp, 3 => Checksums.Gre, _ => Checksums.Esp };
                if ((Next() & 1) == 0)
                {
                    Be.W32(_b, 16, _rig.Engine.WanAddress);
                }
                else
                {
                    Be.W32(_b, 12, 0xC6130400u | (Next() % Hosts + 2));
                }

                Checksums.TryFix(_b, length);
            }

            _rig.Step(_b, length, (Next() & 1) == 0 ? Side.Lan : Side.Wan);
        }

        private void NewFlow(int f)
        {
            _kind[f] = (int)(Next() % Kinds);
            _host[f] = 0xC6130400u | (uint)(2 + (Next() % Hosts));
            _remote[f] = (Next() % 16) == 0 ? _rig.Engine.WanAddress : 0xC6120000u | (uint)(1 + (Next() % 6) * 0x101);
            _port[f] = (ushort)(Next() % 4 == 0 ? 1024 + (Next() % 64) : 1 + (Next() % 65535));
            _remotePort[f] = (ushort)(1 + (Next() % 65535));
            switch (_kind[f])
            {
                case KindIke:
                    _port[f] = 500;
                    _remotePort[f] = 500;
                    break;
                case KindNatT:
                    _port[f] = 4500;
                    _remotePort[f] = 4500;
                    break;
                case KindL2tp:
                    _port[f] = 1701;
                    _remotePort[f] = 1701;
                    break;
                case KindPptp:
                    _remotePort[f] = 1723;
                    break;
            }

            if (_remote[f] == _rig.Engine.WanAddress && (_kind[f] == KindUdp || _kind[f] == KindTcp))
            {
                // Hairpinning: to the WAN address at the host's own (preserved) port, so the session the
                // packet makes is also the one it is filtered against.
                _remotePort[f] = _port[f];
            }

            _external[f] = _port[f];
            _seqOut[f] = Next();
            _seqIn[f] = Next();
            _step[f] = 0;
        }

        /// <summary>xorshift64*: fast, deterministic, no allocation.</summary>
        private uint Next()
        {
            _rng ^= _rng >> 12;
            _rng ^= _rng << 25;
            _rng ^= _rng >> 27;
            return (uint)((_rng * 0x2545F4914F6CDD1DUL) >> 32);
        }

        private void Print(long packets, double seconds, double cpuSeconds, long allocated, int collections, ulong seed)
        {
            NatEngine e = _rig.Engine;
            Console.WriteLine("packets " + _rig.Packets + " (valid " + _valid + ", mutated " + _mutated + ", random " + _random + ")");
            Console.WriteLine("measured " + (_rig.Packets - Math.Min(packets, 20000)) + " packets in " + seconds.ToString("F2") + " s: " + ((_rig.Packets - Math.Min(packets, 20000)) / seconds).ToString("F0") + " packets/s (engine + invariant checks); CPU " + cpuSeconds.ToString("F2") + " s: " + ((_rig.Packets - Math.Min(packets, 20000)) / Math.Max(cpuSeconds, 0.001)).ToString("F0") + " packets per CPU second");
            Console.WriteLine("verdicts forward " + _rig.Verdicts[(int)Verdict.Forward] + " local " + _rig.Verdicts[(int)Verdict.Local] + " drop " + _rig.Verdicts[(int)Verdict.Drop] + "; released fragments " + _rig.Pending + "; forwarded with valid input checksums, output checksums checked " + _rig.ChecksumsChecked);
            string reasons = "drops by reason:";
            for (int r = 1; r < _rig.DropReasons.Length; r++)
            {
                if (_rig.DropReasons[r] > 0)
                {
                    reasons += " " + (DropReason)r + "=" + _rig.DropReasons[r];
                }
            }

            Console.WriteLine(reasons);
            Console.WriteLine("table evictions expired " + e.Table.EvictedExpired + " quota " + e.Table.EvictedQuota + " idle " + e.Table.EvictedIdle + "; mss clamped " + e.MssClamped + "; icmp errors translated " + e.IcmpErrorsTranslated + "; hairpinned " + e.Hairpinned);
            if (_rig.Differential)
            {
                Console.WriteLine("native path: " + _rig.NativeHits + " packets forwarded natively (" + (100.0 * _rig.NativeHits / Math.Max(1, _rig.Verdicts[(int)Verdict.Forward])).ToString("F1") + " % of forwarded), "
                    + e.Flows.Installs + " installs, " + e.Flows.Removals + " removals, refused " + e.Flows.RefusedFull + " full / " + e.Flows.RefusedBusy + " busy / " + e.Flows.RefusedOther + " other; "
                    + _rig.Comparisons + " counter comparisons with the reference engine, all equal");
            }

            Console.WriteLine("invariant checks " + Invariant.Checks + ", broken 0");
            Console.WriteLine("allocated in the measured loop " + allocated + " bytes, gen0 collections " + collections);
            Console.WriteLine((_rig.Differential ? "differential-run ok packets=" : "property-run ok packets=") + _rig.Packets + " seed=" + seed);
        }
    }
}
