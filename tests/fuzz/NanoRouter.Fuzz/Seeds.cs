using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Writes the seed corpus: real traffic of every kind, as scripts for each target, so AFL starts
    /// deep (handshakes with replies to the mapped port, ICMP errors quoting what went out, a whole
    /// PPTP call, fragments in and out of order, logged-in admin requests, valid settings records).
    /// </summary>
    internal static class Seeds
    {
        public const uint H2 = 0xC6130402;
        public const uint H3 = 0xC6130403;
        public const uint S1 = 0xC6120001;
        public const uint S2 = 0xC6120505;
        public const uint Wan = EngineRig.WanAddress;

        public static void WriteAll(string corpusRoot)
        {
            Write(corpusRoot, "engine", EngineSeeds());
            Write(corpusRoot, "pptp", PptpSeeds());
            Write(corpusRoot, "http", HttpSeeds());
            Write(corpusRoot, "settings", SettingsSeeds());
        }

        private static void Write(string root, string target, List<(string Name, byte[] Bytes)> seeds)
        {
            string dir = Path.Combine(root, target);
            Directory.CreateDirectory(dir);
            foreach ((string name, byte[] bytes) in seeds)
            {
                File.WriteAllBytes(Path.Combine(dir, "seed-" + name), bytes);
            }

            Console.WriteLine(target + ": " + seeds.Count + " seeds in " + dir);
        }

        /// <summary>An engine script (see <see cref="EngineTarget"/>).</summary>
        private sealed class Script
        {
            private readonly List<byte> _bytes = new List<byte>();
            private readonly byte[] _b = new byte[2048];

            public byte[] B => _b;

            public Script Out(int length, int ms = 0) => Packet(Side.Lan, length, ms);

            public Script In(int length, int ms = 0) => Packet(Side.Wan, length, ms);

            /// <summary>Whether packets carry the "make checksums right" bit (so mutations stay valid).</summary>
            public bool Fix = true;

            public Script Packet(Side side, int length, int ms)
            {
                _bytes.Add((byte)((side == Side.Wan ? 1 : 0) | (ms << 1)));
                _bytes.Add((byte)((length >> 8) | (Fix ? 0x80 : 0)));
                _bytes.Add((byte)length);
                for (int i = 0; i < length; i++)
                {
                    _bytes.Add(_b[i]);
                }

                return this;
            }

            public Script Short(int steps100ms)
            {
                _bytes.Add((byte)(0x80 | steps100ms));
                return this;
            }

            public Script Long(int steps30s)
            {
                _bytes.Add((byte)(0xC0 | (steps30s - 1)));
                return this;
            }

            public Script SetWan(bool other)
            {
                _bytes.Add(0xFE);
                _bytes.Add(other ? (byte)1 : (byte)0);
                return this;
            }

            public Script Switch(int rule, bool on)
            {
                _bytes.Add(0xFF);
                _bytes.Add((byte)(rule | (on ? 8 : 0)));
                return this;
            }

            public byte[] ToArray() => _bytes.ToArray();
        }

        private static List<(string, byte[])> EngineSeeds()
        {
            var list = new List<(string, byte[])>();
            Script s;
            byte[] data = new byte[600];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(i * 13);
            }

            const int A = PacketWriter.Ack;
            s = new Script();
            s.Out(PacketWriter.Tcp(s.B, H2, 40000, S1, 80, 1000, 0, PacketWriter.Syn, 1460, null, 0, 0));
            s.In(PacketWriter.Tcp(s.B, S1, 80, Wan, 40000, 9000, 1001, PacketWriter.Syn | A, 1400, null, 0, 0), 3);
            s.Out(PacketWriter.Tcp(s.B, H2, 40000, S1, 80, 1001, 9001, A, 0, null, 0, 0));
            s.Out(PacketWriter.Tcp(s.B, H2, 40000, S1, 80, 1001, 9001, A | PacketWriter.Psh, 0, data, 0, 100));
            s.In(PacketWriter.Tcp(s.B, S1, 80, Wan, 40000, 9001, 1101, A | PacketWriter.Psh, 0, data, 100, 200), 5);
            s.Out(PacketWriter.Tcp(s.B, H2, 40000, S1, 80, 1101, 9201, A | PacketWriter.Fin, 0, null, 0, 0));
            s.In(PacketWriter.Tcp(s.B, S1, 80, Wan, 40000, 9201, 1102, A | PacketWriter.Fin, 0, null, 0, 0));
            s.Out(PacketWriter.Tcp(s.B, H2, 40000, S1, 80, 1102, 9202, A, 0, null, 0, 0));
            list.Add(("tcp-handshake-data-close", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Tcp(s.B, H2, 40001, S1, 443, 77, 0, PacketWriter.Syn, 1500, null, 0, 0));
            s.In(PacketWriter.Tcp(s.B, S1, 443, Wan, 40001, 0, 78, PacketWriter.Rst | A, 0, null, 0, 0));
            s.In(PacketWriter.Tcp(s.B, S2, 443, Wan, 40001, 5, 78, PacketWriter.Syn | A, 0, null, 0, 0));
            list.Add(("tcp-mss-clamp-rst-filtered", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 5353, S1, 53, 30));
            s.In(PacketWriter.Udp(s.B, S1, 53, Wan, 5353, 60), 2);
            s.Out(PacketWriter.Udp(s.B, H3, 5353, S1, 53, 30));
            s.In(PacketWriter.Udp(s.B, S2, 53, Wan, 5353, 60));
            s.In(PacketWriter.Udp(s.B, S1, 53, Wan, 9999, 10));
            list.Add(("udp-dns-remap-filtered-unsolicited", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Echo(s.B, H2, S1, 8, 0x1234, 1, 56));
            s.In(PacketWriter.Echo(s.B, S1, Wan, 0, 0x1234, 1, 56), 10);
            s.In(PacketWriter.Echo(s.B, S1, Wan, 8, 0x7777, 1, 56));
            list.Add(("icmp-echo", s.ToArray()));

            // ICMP errors from the WAN quote the packet as it went out (translated: WAN address, same port).
            byte[] quoted = new byte[2048];
            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 5000, S1, 7000, 20));
            int q = PacketWriter.Udp(quoted, Wan, 5000, S1, 7000, 20);
            s.In(PacketWriter.IcmpError(s.B, S1, Wan, 3, 3, quoted, q));
            s.In(PacketWriter.IcmpError(s.B, S1, Wan, 3, 3, quoted, 28));
            list.Add(("icmp-port-unreachable-whole-and-cut", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Tcp(s.B, H2, 40002, S2, 22, 5, 0, PacketWriter.Syn, 1460, null, 0, 0));
            q = PacketWriter.Tcp(quoted, Wan, 40002, S2, 22, 5, 0, PacketWriter.Syn, 1460, null, 0, 0);
            s.In(PacketWriter.IcmpError(s.B, S1, Wan, 11, 0, quoted, 28));
            s.In(PacketWriter.IcmpError(s.B, S1, Wan, 3, 4, quoted, q));
            list.Add(("icmp-time-exceeded-frag-needed-tcp", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Echo(s.B, H2, S2, 8, 0x4321, 9, 8));
            q = PacketWriter.Echo(quoted, Wan, S2, 8, 0x4321, 9, 8);
            s.In(PacketWriter.IcmpError(s.B, S1, Wan, 3, 1, quoted, q));
            list.Add(("icmp-error-quoting-echo", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 6000, S1, 6000, 10));
            s.In(PacketWriter.Udp(s.B, S1, 6000, Wan, 6000, 10));
            q = PacketWriter.Udp(quoted, S1, 6000, H2, 6000, 10);
            s.Out(PacketWriter.IcmpError(s.B, H2, S1, 3, 3, quoted, q));
            list.Add(("icmp-error-from-lan", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Esp(s.B, H2, S2, 0x1000, 1, 64));
            s.In(PacketWriter.Esp(s.B, S2, Wan, 0x2000, 1, 64));
            s.Out(PacketWriter.Esp(s.B, H2, S2, 0x1000, 2, 64));
            s.Out(PacketWriter.Esp(s.B, H3, S2, 0x3000, 1, 64));
            s.In(PacketWriter.Esp(s.B, S2, Wan, 0x4000, 1, 64));
            s.In(PacketWriter.Esp(s.B, S2, Wan, 0x2000, 2, 64));
            list.Add(("esp-two-hosts-one-peer", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 500, S2, 500, 120));
            s.In(PacketWriter.Udp(s.B, S2, 500, Wan, 500, 120));
            Array.Clear(data, 0, 4);
            s.Out(PacketWriter.Udp(s.B, H2, 4500, S2, 4500, 100, data, 0));
            data[0] = 0x10;
            s.In(PacketWriter.Udp(s.B, S2, 4500, Wan, 4500, 100, data, 0));
            s.Out(PacketWriter.Udp(s.B, H2, 4500, S2, 4500, 1, new byte[] { 0xFF }, 0));
            list.Add(("ike-natt", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 1701, S1, 1701, 40));
            s.In(PacketWriter.Udp(s.B, S1, 1701, Wan, 1701, 40));
            s.In(PacketWriter.Udp(s.B, S1, 33000, Wan, 1701, 40));
            s.Out(PacketWriter.Udp(s.B, H3, 1701, S1, 1701, 40));
            list.Add(("l2tp", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.GreV0(s.B, H2, S2, false, 0, 84));
            s.In(PacketWriter.GreV0(s.B, S2, Wan, false, 0, 84));
            s.Out(PacketWriter.GreV0(s.B, H3, S2, true, 7, 84));
            s.In(PacketWriter.GreV0(s.B, S2, Wan, true, 7, 84));
            list.Add(("gre-v0-keyed", s.ToArray()));

            list.Add(("pptp-call", PptpEngineScript()));

            // Fragments: a reply of 100 payload bytes cut in two, in order and out of order.
            byte[] whole = new byte[2048];
            int wholeLength = PacketWriter.Udp(whole, S1, 7000, Wan, 7000, 100);
            Be.W16(whole, 4, 0xABCD);
            Checksums.Fix(whole);
            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 7000, S1, 7000, 8));
            s.In(PacketWriter.Fragment(s.B, whole, 0, 48));
            s.In(PacketWriter.Fragment(s.B, whole, 48, 200));
            list.Add(("fragments-in-order", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 7000, S1, 7000, 8));
            s.In(PacketWriter.Fragment(s.B, whole, 56, 200));
            s.In(PacketWriter.Fragment(s.B, whole, 0, 56));
            s.In(PacketWriter.Fragment(s.B, whole, 32, 24));
            list.Add(("fragments-later-first-overlap", s.ToArray()));

            wholeLength = PacketWriter.Udp(whole, H2, 7100, S1, 7100, 300);
            s = new Script();
            s.Out(PacketWriter.Fragment(s.B, whole, 0, 160));
            s.Out(PacketWriter.Fragment(s.B, whole, 160, 400));
            s.In(PacketWriter.Fragment(s.B, whole, 8, 16));
            list.Add(("fragments-outbound-and-orphan", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 8000, S1, 8000, 8));
            s.Long(11);
            s.In(PacketWriter.Udp(s.B, S1, 8000, Wan, 8000, 8));
            s.Out(PacketWriter.Echo(s.B, H2, S1, 8, 1, 1, 8));
            s.Long(3);
            s.In(PacketWriter.Echo(s.B, S1, Wan, 0, 1, 1, 8));
            list.Add(("expiry", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 8001, S1, 8001, 8));
            for (int i = 0; i < 12; i++)
            {
                s.Short(63);
            }

            s.In(PacketWriter.Udp(s.B, S1, 8001, Wan, 8001, 8));
            list.Add(("clock-wrap", s.ToArray()));

            s = new Script();
            s.Switch(0, false);
            s.Out(PacketWriter.Esp(s.B, H2, S2, 0x1000, 1, 16));
            s.Switch(0, true);
            s.Out(PacketWriter.Esp(s.B, H2, S2, 0x1000, 2, 16));
            s.Switch(5, false);
            s.Out(PacketWriter.GreV0(s.B, H2, S2, false, 0, 16));
            s.Switch(4, false);
            s.Switch(1, false);
            s.Out(PacketWriter.Udp(s.B, H2, 500, S2, 500, 16));
            list.Add(("passthrough-switches", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 8002, S1, 8002, 8));
            s.SetWan(true);
            s.In(PacketWriter.Udp(s.B, S1, 8002, Wan, 8002, 8));
            s.Out(PacketWriter.Udp(s.B, H2, 8002, S1, 8002, 8));
            s.SetWan(false);
            list.Add(("wan-change", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Udp(s.B, H2, 8003, S1, 8003, 8));
            s.Out(PacketWriter.Udp(s.B, H3, 9003, Wan, 8003, 8));
            s.Out(PacketWriter.Udp(s.B, H2, 8003, Wan, 9003, 8));
            s.Out(PacketWriter.Tcp(s.B, H3, 9004, Wan, 8003, 1, 0, PacketWriter.Syn, 0, null, 0, 0));
            list.Add(("hairpin", s.ToArray()));

            s = new Script();
            for (int i = 0; i < 20; i++)
            {
                s.Out(PacketWriter.Udp(s.B, H2, (ushort)(20000 + i), S1, 53, 8));
            }

            s.Out(PacketWriter.Udp(s.B, H3, 20000, S1, 53, 8));
            list.Add(("quota", s.ToArray()));

            s = new Script();
            int n = PacketWriter.Udp(s.B, H2, 1, S1, 2, 8);
            s.Out(10);
            s.B[0] = 0x46;
            s.Out(n);
            s.B[0] = 0x55;
            s.Out(n);
            PacketWriter.Udp(s.B, H2, 1, S1, 2, 8);
            Be.W16(s.B, 2, 200);
            s.Out(n);
            n = PacketWriter.Tcp(s.B, H2, 3, S1, 4, 1, 0, PacketWriter.Syn, 0, null, 0, 0);
            Be.W16(s.B, 2, 30);
            s.Out(30);
            n = PacketWriter.Udp(s.B, H2, 5, S1, 6, 8);
            s.B[27] ^= 0xFF;
            s.Fix = false;
            s.Out(n);
            s.In(n);
            s.Fix = true;
            n = PacketWriter.Udp(s.B, 0xC0A80002, 5, S1, 6, 8);
            s.Out(n);
            n = PacketWriter.Udp(s.B, S1, 5, 0xFFFFFFFF, 6, 8);
            s.In(n);
            list.Add(("malformed-and-martian", s.ToArray()));

            s = new Script();
            s.Out(PacketWriter.Tcp(s.B, H2, 41000, S1, 80, 1, 0, PacketWriter.Syn, 1460, null, 0, 0));
            s.Out(PacketWriter.Udp(s.B, H3, 41000, S1, 80, 8));
            s.Out(PacketWriter.Echo(s.B, H3, S1, 8, 41000, 1, 8));
            s.In(PacketWriter.Tcp(s.B, S1, 80, Wan, 41000, 1, 2, PacketWriter.Syn | A, 1460, null, 0, 0));
            s.In(PacketWriter.Udp(s.B, S1, 80, Wan, 41000, 8));
            s.In(PacketWriter.Echo(s.B, S1, Wan, 0, 41000, 1, 8));
            list.Add(("mixed-same-port-three-protocols", s.ToArray()));
            return list;
        }

        /// <summary>A whole PPTP call through the engine: control connection, call set-up, GRE v1 both ways, tear-down.</summary>
        private static byte[] PptpEngineScript()
        {
            var s = new Script();
            byte[] m = new byte[400];
            uint c = 1000;
            uint v = 5000;
            const int A = PacketWriter.Ack | PacketWriter.Psh;
            s.Out(PacketWriter.Tcp(s.B, H2, 40100, S1, 1723, c, 0, PacketWriter.Syn, 1460, null, 0, 0));
            s.In(PacketWriter.Tcp(s.B, S1, 1723, Wan, 40100, v, c + 1, PacketWriter.Syn | PacketWriter.Ack, 1460, null, 0, 0));
            c++;
            v++;
            int n = PacketWriter.PptpMessage(m, 0, 1, 156, 0x0100, 0, 0);
            s.Out(PacketWriter.Tcp(s.B, H2, 40100, S1, 1723, c, v, A, 0, m, 0, n));
            c += (uint)n;
            n = PacketWriter.PptpMessage(m, 0, 2, 156, 0x0100, 0x0100, 1);
            s.In(PacketWriter.Tcp(s.B, S1, 1723, Wan, 40100, v, c, A, 0, m, 0, n));
            v += (uint)n;
            n = PacketWriter.PptpMessage(m, 0, 7, 168, 0x4000, 1, 0);
            s.Out(PacketWriter.Tcp(s.B, H2, 40100, S1, 1723, c, v, A, 0, m, 0, n));
            c += (uint)n;
            n = PacketWriter.PptpMessage(m, 0, 8, 32, 0x9000, 0x4000, 1);
            s.In(PacketWriter.Tcp(s.B, S1, 1723, Wan, 40100, v, c, A, 0, m, 0, n));
            v += (uint)n;
            s.Out(PacketWriter.GreV1(s.B, H2, S1, 0x9000, 1, 60));
            s.In(PacketWriter.GreV1(s.B, S1, Wan, 0x4000, 1, 60));
            n = PacketWriter.PptpMessage(m, 0, 15, 24, 0x9000, 0, 0);
            s.Out(PacketWriter.Tcp(s.B, H2, 40100, S1, 1723, c, v, A, 0, m, 0, n));
            c += (uint)n;
            n = PacketWriter.PptpMessage(m, 0, 12, 16, 0x4000, 0, 0);
            s.Out(PacketWriter.Tcp(s.B, H2, 40100, S1, 1723, c, v, A, 0, m, 0, n));
            c += (uint)n;
            n = PacketWriter.PptpMessage(m, 0, 13, 148, 0x9000, 0, 1);
            s.In(PacketWriter.Tcp(s.B, S1, 1723, Wan, 40100, v, c, A, 0, m, 0, n));
            v += (uint)n;
            n = PacketWriter.PptpMessage(m, 0, 3, 16, 0x0100, 0, 0);
            s.Out(PacketWriter.Tcp(s.B, H2, 40100, S1, 1723, c, v, A | PacketWriter.Fin, 0, m, 0, n));
            s.In(PacketWriter.GreV1(s.B, S1, Wan, 0x4000, 2, 60));
            return s.ToArray();
        }

        private static List<(string, byte[])> PptpSeeds()
        {
            var list = new List<(string, byte[])>();
            byte[] m = new byte[600];

            // op 0 in-order segment: h = 0x00 | outbound | syn | conn << 2 | (len >= 256 ? 0x40 : 0)
            List<byte> Seg(List<byte> into, bool outbound, bool syn, int conn, byte[] data, int at, int count)
            {
                into.Add((byte)((outbound ? 1 : 0) | (syn ? 2 : 0) | (conn << 2) | (count >= 256 ? 0x40 : 0)));
                into.Add((byte)count);
                for (int i = 0; i < count; i++)
                {
                    into.Add(data[at + i]);
                }

                return into;
            }

            List<byte> SegAt(List<byte> into, bool outbound, int conn, int delta, byte[] data, int at, int count)
            {
                into.Add((byte)(0x10 | (outbound ? 1 : 0) | (conn << 2) | (count >= 256 ? 0x40 : 0)));
                into.Add((byte)(delta >> 8));
                into.Add((byte)delta);
                into.Add((byte)count);
                for (int i = 0; i < count; i++)
                {
                    into.Add(data[at + i]);
                }

                return into;
            }

            void Gre(List<byte> into, bool outbound, int conn, ushort callId)
            {
                into.Add((byte)(0x20 | (outbound ? 1 : 0) | (conn << 2)));
                into.Add((byte)(callId >> 8));
                into.Add((byte)callId);
            }

            List<byte> Open(int conn)
            {
                var l = new List<byte>();
                Seg(l, true, true, conn, m, 0, 0);
                Seg(l, false, true, conn, m, 0, 0);
                int n = PacketWriter.PptpMessage(m, 0, 1, 156, 0x0100, 0, 0);
                Seg(l, true, false, conn, m, 0, n);
                n = PacketWriter.PptpMessage(m, 0, 2, 156, 0x0100, 0x0100, 1);
                Seg(l, false, false, conn, m, 0, n);
                return l;
            }

            void Call(List<byte> l, int conn, ushort pns, ushort pac, ushort external = 0)
            {
                int n = PacketWriter.PptpMessage(m, 0, 7, 168, pns, 1, 0);
                Seg(l, true, false, conn, m, 0, n);
                n = PacketWriter.PptpMessage(m, 0, 8, 32, pac, external != 0 ? external : pns, 1);
                Seg(l, false, false, conn, m, 0, n);
            }

            var s = Open(0);
            Call(s, 0, 0x4000, 0x9000);
            Gre(s, true, 0, 0x9000);
            Gre(s, false, 0, 0x4000);
            int k = PacketWriter.PptpMessage(m, 0, 15, 24, 0x9000, 0, 0);
            Seg(s, true, false, 0, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 12, 16, 0x4000, 0, 0);
            Seg(s, true, false, 0, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 13, 148, 0x9000, 0, 1);
            Seg(s, false, false, 0, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 3, 16, 0x0100, 0, 0);
            Seg(s, true, false, 0, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 4, 16, 0x0100, 0, 1);
            Seg(s, false, false, 0, m, 0, k);
            list.Add(("whole-call", s.ToArray()));

            s = Open(1);
            k = PacketWriter.PptpMessage(m, 0, 7, 168, 0x4000, 1, 0);
            Seg(s, true, false, 1, m, 0, 13);
            Seg(s, true, false, 1, m, 13, 2);
            Seg(s, true, false, 1, m, 15, k - 15);
            k = PacketWriter.PptpMessage(m, 0, 8, 32, 0x9001, 0x4000, 1);
            Seg(s, false, false, 1, m, 0, 15);
            Seg(s, false, false, 1, m, 15, k - 15);
            Gre(s, false, 1, 0x4000);
            list.Add(("split-inside-call-id", s.ToArray()));

            s = new List<byte>();
            Seg(s, true, true, 0, m, 0, 0);
            k = PacketWriter.PptpMessage(m, 0, 1, 156, 0x0100, 0, 0);
            k += PacketWriter.PptpMessage(m, k, 7, 168, 0x1234, 1, 0);
            Seg(s, true, false, 0, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 2, 156, 0x0100, 0x0100, 1);
            k += PacketWriter.PptpMessage(m, k, 8, 32, 0x5555, 0x1234, 1);
            Seg(s, false, false, 0, m, 0, k);
            list.Add(("coalesced", s.ToArray()));

            s = Open(0);
            k = PacketWriter.PptpMessage(m, 0, 7, 168, 0x4000, 1, 0);
            Seg(s, true, false, 0, m, 0, k);
            SegAt(s, true, 0, -k, m, 0, k);
            SegAt(s, true, 0, -k + 10, m, 10, 20);
            k = PacketWriter.PptpMessage(m, 0, 8, 32, 0x9000, 0x4000, 1);
            SegAt(s, false, 0, 100, m, 0, k);
            Seg(s, false, false, 0, m, 0, k);
            SegAt(s, false, 0, 0, m, 0, k);
            SegAt(s, false, 0, 0, m, 0, k);
            SegAt(s, false, 0, 0, m, 0, k);
            list.Add(("retransmit-gap-resync", s.ToArray()));

            s = Open(0);
            Call(s, 0, 0x4000, 0x9000);
            var t = Open(1);
            s.AddRange(t);
            Call(s, 1, 0x4000, 0x9001, 0x4001);
            Gre(s, false, 0, 0x4000);
            Gre(s, false, 0, 0x4001);
            Gre(s, true, 1, 0x9001);
            list.Add(("two-clients-same-call-id", s.ToArray()));

            s = Open(2);
            k = PacketWriter.PptpMessage(m, 0, 9, 220, 0x7000, 5, 0);
            Seg(s, false, false, 2, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 10, 24, 0x4100, 0x7000, 1);
            Seg(s, true, false, 2, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 11, 28, 0x4100, 0, 0);
            Seg(s, false, false, 2, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 14, 40, 0x4100, 0, 0);
            Seg(s, false, false, 2, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 5, 16, 0, 0, 0);
            Seg(s, true, false, 2, m, 0, k);
            k = PacketWriter.PptpMessage(m, 0, 6, 20, 0, 0, 1);
            Seg(s, false, false, 2, m, 0, k);
            Gre(s, false, 2, 0x4100);
            list.Add(("incoming-call-wen-echo", s.ToArray()));

            s = Open(3);
            for (int i = 0; i < 40; i++)
            {
                m[i] = (byte)(i * 37);
            }

            Seg(s, true, false, 3, m, 0, 40);
            Call(s, 3, 0x4200, 0x9200);
            s.Add(0x31);
            s.Add(0x30);
            Gre(s, false, 3, 0x4200);
            s.Add(0x32);
            Gre(s, true, 3, 0x9200);
            list.Add(("garbage-expire-close", s.ToArray()));

            k = PacketWriter.PptpMessage(m, 0, 7, 168, 0x4000, 1, 0);
            list.Add(("raw-ocrq", m.AsSpan(0, k).ToArray()));
            k = PacketWriter.PptpMessage(m, 0, 8, 32, 0x9000, 0x4000, 1);
            list.Add(("raw-ocrp", m.AsSpan(0, k).ToArray()));
            return list;
        }

        private static List<(string, byte[])> HttpSeeds()
        {
            string token = string.Concat(System.Linq.Enumerable.Repeat("a0", 16));
            string csrf = string.Concat(System.Linq.Enumerable.Repeat("a1", 16));
            const string H = "Host: 198.19.4.1\r\n";
            string cookie = "Cookie: nr_sid=" + token + "\r\n";
            var list = new List<(string, byte[])>();
            void Add(string name, int mode, string request) => list.Add((name, Prefix(mode, request)));
            string Post(string path, string body, string extra) => "POST " + path + " HTTP/1.1\r\n" + H + extra + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + Encoding.UTF8.GetByteCount(body) + "\r\n\r\n" + body;
            string Json(string method, string path, string body) => method + " " + path + " HTTP/1.1\r\n" + H + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: " + Encoding.UTF8.GetByteCount(body) + "\r\n\r\n" + body;

            Add("first-boot-get", 0, "GET / HTTP/1.1\r\n" + H + "\r\n");
            Add("setup-page", 0, "GET /setup HTTP/1.1\r\n" + H + "Cookie: nr_pre=" + token + "\r\n\r\n");
            Add("setup-post", 0, Post("/setup", "csrf=" + csrf + "&password=longenough&confirm=longenough", "Cookie: nr_pre=" + token + "\r\nOrigin: http://198.19.4.1\r\n"));
            Add("login-page", 1, "GET /login HTTP/1.1\r\n" + H + "\r\n");
            Add("login-post", 1, Post("/login", "csrf=" + csrf + "&password=longenough", "Cookie: nr_pre=" + token + "\r\n"));
            Add("api-login", 1, "POST /api/login HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 25\r\n\r\n{\"password\":\"longenough\"}");
            Add("api-login-wrong", 1, "POST /api/login HTTP/1.1\r\n" + H + "Content-Length: 26\r\n\r\n{\"password\":\"wrong\\u0041\"}");
            Add("status", 2, "GET / HTTP/1.1\r\n" + H + cookie + "\r\n");
            Add("head-status", 2, "HEAD / HTTP/1.0\r\n" + cookie + "\r\n");
            Add("passthrough-page", 2, "GET /passthrough?x=1 HTTP/1.1\r\n" + H + cookie + "\r\n");
            Add("passthrough-post", 2, Post("/passthrough", "csrf=" + csrf + "&esp=off&ike=on&natt=on&l2tp=off&pptp=on&gre=off", cookie));
            Add("settings-page", 2, "GET /settings HTTP/1.1\r\n" + H + cookie + "\r\n");
            Add("settings-post", 2, Post("/settings", "csrf=" + csrf + "&uplinkssid=Home%20Net&uplinkpassword=secret123&apssid=nano&appassword=password1&apchannel=11&hostname=router.lan&udptimeout=300&tcpestablished=7440&tcptransitory=240&icmptimeout=60&mssclamp=1400", cookie));
            Add("settings-post-bad", 2, Post("/settings", "csrf=" + csrf + "&uplinkssid=%C3%A9%E2%82%AC&apssid=&apchannel=99&hostname=-bad-&udptimeout=1&mssclamp=x&uplinkopen=1", cookie));
            Add("password-post", 2, Post("/password", "csrf=" + csrf + "&current=longenough&newpassword=evenlonger&confirm=evenlonger", cookie));
            Add("system-page", 2, "GET /system HTTP/1.1\r\n" + H + cookie + "\r\n");
            Add("reboot", 2, Post("/reboot", "csrf=" + csrf + "&confirm=yes", cookie));
            Add("reset", 2, Post("/reset", "csrf=" + csrf + "&confirm=yes", cookie));
            Add("logout", 2, Post("/logout", "csrf=" + csrf, cookie));
            Add("csrf-missing", 2, Post("/passthrough", "esp=off", cookie));
            Add("api-status", 2, "GET /api/status HTTP/1.1\r\n" + H + "Authorization: Bearer " + token + "\r\n\r\n");
            Add("api-passthrough-get", 2, "GET /api/passthrough HTTP/1.1\r\n" + H + "Authorization: Bearer " + token + "\r\n\r\n");
            Add("api-passthrough-put", 2, Json("PUT", "/api/passthrough", "{\"esp\":false,\"gre\":true,\"pptp\":false}"));
            Add("api-passthrough-bad-json", 2, Json("PUT", "/api/passthrough", "{\"esp\":fals,\"x\":[1,2,{\"y\":null}],\"z\":\"\\ud800\"}"));
            Add("api-logout", 2, Json("POST", "/api/logout", ""));
            Add("style", 0, "GET /style.css HTTP/1.1\r\n" + H + "\r\n");
            Add("wrong-host", 2, "GET / HTTP/1.1\r\nHost: evil.example\r\n" + cookie + "\r\n");
            Add("host-with-port-name", 2, "GET / HTTP/1.1\r\nHost: nanorouter.lan:80\r\n" + cookie + "\r\n");
            Add("folded-header", 2, "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n  continued\r\n\r\n");
            Add("bare-lf", 2, "GET / HTTP/1.1\n" + H + "\n");
            Add("chunked", 2, "POST /login HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            Add("content-length-twice", 2, "POST /login HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
            Add("huge-body", 2, "POST /login HTTP/1.1\r\n" + H + "Content-Length: 99999999999\r\n\r\n");
            Add("version", 2, "GET / HTTP/2.0\r\n" + H + "\r\n");
            Add("long-path", 2, "GET /" + new string('a', 200) + " HTTP/1.1\r\n" + H + "\r\n");
            Add("percent", 2, "GET /%2e%2e/%zz HTTP/1.1\r\n" + H + "\r\n");
            Add("duplicate-host", 2, "GET / HTTP/1.1\r\n" + H + H + "\r\n");
            Add("incomplete", 2, "GET / HTTP/1.1\r\n" + H);
            Add("method", 2, "DELETE / HTTP/1.1\r\n" + H + "\r\n");
            return list;
        }

        private static byte[] Prefix(int mode, string request)
        {
            byte[] body = Encoding.UTF8.GetBytes(request);
            byte[] result = new byte[body.Length + 1];
            result[0] = (byte)mode;
            Buffer.BlockCopy(body, 0, result, 1, body.Length);
            return result;
        }

        private static List<(string, byte[])> SettingsSeeds()
        {
            var list = new List<(string, byte[])>();
            byte[] record = new byte[NanoRouter.Core.Config.SettingsCodec.MaxRecordBytes];
            var settings = new NanoRouter.Core.Config.RouterSettings();
            int n = NanoRouter.Core.Config.SettingsCodec.Encode(settings, 1, record);
            list.Add(("defaults", record.AsSpan(0, n).ToArray()));

            settings.UplinkSsid.CopyFrom(FakeRouterHost.Text("Home Net é"));
            settings.UplinkPassword.CopyFrom(FakeRouterHost.Text("secret123"));
            settings.ApSsid.CopyFrom(FakeRouterHost.Text("nano€"));
            settings.ApPassword.CopyFrom(FakeRouterHost.Text("password1"));
            settings.ApChannel = 13;
            settings.HostName = "router.lan";
            settings.UdpTimeoutSeconds = 120;
            settings.MssClamp = 1400;
            settings.PassthroughMask = 0x15;
            settings.HasAdminPassword = true;
            settings.AdminIterations = 1000;
            for (int i = 0; i < 16; i++)
            {
                settings.AdminSalt[i] = (byte)i;
            }

            n = NanoRouter.Core.Config.SettingsCodec.Encode(settings, 0xFFFFFFFE, record);
            list.Add(("full-wrapping-sequence", record.AsSpan(0, n).ToArray()));

            settings.UplinkSsid.SetAscii(new string('s', 32));
            settings.UplinkPassword.SetAscii(new string('p', 64));
            settings.ApSsid.SetAscii(new string('a', 32));
            settings.ApPassword.SetAscii(new string('q', 64));
            settings.HostName = new string('h', 63);
            n = NanoRouter.Core.Config.SettingsCodec.Encode(settings, 7, record);
            list.Add(("longest", record.AsSpan(0, n).ToArray()));
            for (int i = 0; i < NanoRouter.Core.Nat.PortForwards.Capacity; i++)
            {
                settings.Forwards.Add(i % 2 == 0 ? (byte)6 : (byte)17, 60000 + i, 0xC0A80402u + (uint)i, 65535 - i, i % 3 != 0);
            }

            n = NanoRouter.Core.Config.SettingsCodec.Encode(settings, 8, record);
            list.Add(("longest-with-forwards", record.AsSpan(0, n).ToArray()));
            record[4] = NanoRouter.Core.Config.SettingsCodec.Version + 1;
            list.Add(("unknown-version", record.AsSpan(0, n).ToArray()));
            list.Add(("cut", record.AsSpan(0, n / 2).ToArray()));
            return list;
        }
    }
}
