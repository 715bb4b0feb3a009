using System;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Bench
{
    /// <summary>A settable clock.</summary>
    public sealed class ManualClock : IClock
    {
        /// <summary>The time to report.</summary>
        public int Now;

        /// <inheritdoc />
        public int NowMs => Now;
    }

    /// <summary>Processes one packet (the engine's Process, possibly from an instrumented copy).</summary>
    public delegate Verdict PacketProcessor(byte[] packet, int length, Side ingress);

    /// <summary>
    /// The benchmark's traffic: <see cref="Flows"/> established sessions of one kind, spread over 64
    /// LAN hosts and 200 remotes, each with a LAN-to-WAN and a WAN-to-LAN packet template
    /// (64 bytes of payload). A round sends both packets of every flow.
    /// </summary>
    public sealed class Workload
    {
        /// <summary>LAN 198.19.4.1/24.</summary>
        public const uint LanAddress = 0xC6130401;

        /// <summary>WAN 198.18.0.2.</summary>
        public const uint WanAddress = 0xC6120002;

        private const int Payload = 64;
        private readonly byte[][] _out;
        private readonly byte[][] _in;
        private readonly int[] _outLength;
        private readonly int[] _inLength;
        private readonly byte[] _buffer = new byte[2048];
        private readonly PacketProcessor _process;

        /// <summary>Builds the templates and establishes every flow through <paramref name="process"/>.</summary>
        public Workload(string kind, int flows, PacketProcessor process)
        {
            Kind = kind;

            // A PPTP call holds two mappings (its control connection and the call).
            Flows = kind == "gre" ? flows / 2 : flows;
            flows = Flows;
            _process = process;
            _out = new byte[flows][];
            _in = new byte[flows][];
            _outLength = new int[flows];
            _inLength = new int[flows];
            for (int i = 0; i < flows; i++)
            {
                Establish(i);
            }
        }

        /// <summary>tcp, udp, icmp, esp or gre.</summary>
        public string Kind { get; }

        /// <summary>How many sessions.</summary>
        public int Flows { get; }

        /// <summary>Sends both packets of every flow once; every one must be forwarded.</summary>
        public void Round()
        {
            for (int i = 0; i < Flows; i++)
            {
                Send(_out[i], _outLength[i], Side.Lan);
                Send(_in[i], _inLength[i], Side.Wan);
            }
        }

        private void Send(byte[] template, int length, Side side)
        {
            Buffer.BlockCopy(template, 0, _buffer, 0, length);
            Verdict v = _process(_buffer, length, side);
            if (v != Verdict.Forward)
            {
                throw new InvalidOperationException(Kind + ": a benchmark packet was not forwarded (" + v + ")");
            }
        }

        private static uint Host(int i) => LanAddress & 0xFFFFFF00 | (uint)(2 + (i % 64));

        private static uint Remote(int i) => 0xC6120100u + (uint)(1 + (i % 200));

        private void Establish(int i)
        {
            uint host = Host(i);
            uint remote = Remote(i);
            ushort lanPort = (ushort)(20000 + i);
            ushort remotePort = Kind == "udp" ? (ushort)53 : (ushort)443;
            byte[] p = new byte[512];
            int n;
            switch (Kind)
            {
                case "tcp":
                    n = Tcp(p, host, remote, lanPort, remotePort, 0x02);
                    ushort ext = Translate(p, n, Side.Lan, 20);
                    n = Tcp(p, remote, WanAddress, remotePort, ext, 0x12);
                    Translate(p, n, Side.Wan, 22);
                    _outLength[i] = Tcp(_out[i] = new byte[256], host, remote, lanPort, remotePort, 0x10);
                    _inLength[i] = Tcp(_in[i] = new byte[256], remote, WanAddress, remotePort, ext, 0x10);
                    break;
                case "udp":
                    n = Udp(p, host, remote, lanPort, remotePort);
                    ext = Translate(p, n, Side.Lan, 20);
                    _outLength[i] = Udp(_out[i] = new byte[256], host, remote, lanPort, remotePort);
                    _inLength[i] = Udp(_in[i] = new byte[256], remote, WanAddress, remotePort, ext);
                    break;
                case "icmp":
                    n = Icmp(p, host, remote, 8, lanPort);
                    ext = Translate(p, n, Side.Lan, 24);
                    _outLength[i] = Icmp(_out[i] = new byte[256], host, remote, 8, lanPort);
                    _inLength[i] = Icmp(_in[i] = new byte[256], remote, WanAddress, 0, ext);
                    break;
                case "esp":
                    uint spiOut = 0x1000u + (uint)i;
                    uint spiIn = 0x80000u + (uint)i;
                    n = Esp(p, host, remote, spiOut);
                    Translate(p, n, Side.Lan, 20);
                    n = Esp(p, remote, WanAddress, spiIn);
                    Translate(p, n, Side.Wan, 20);
                    _outLength[i] = Esp(_out[i] = new byte[256], host, remote, spiOut);
                    _inLength[i] = Esp(_in[i] = new byte[256], remote, WanAddress, spiIn);
                    break;
                case "gre":
                    // A PPTP call: its control connection (TCP 1723: SYN, SYN-ACK, Start-Control-
                    // Connection-Request and -Reply, Outgoing-Call-Request and -Reply, which the
                    // tracker follows) then enhanced GRE both ways.
                    ushort pnsCallId = (ushort)(0x4000 + i);
                    ushort pacCallId = (ushort)(0x6000 + i);
                    n = Tcp(p, host, remote, lanPort, 1723, 0x02, 1000, 0, new byte[0]);
                    ext = Translate(p, n, Side.Lan, 20);
                    n = Tcp(p, remote, WanAddress, 1723, ext, 0x12, 5000, 1001, new byte[0]);
                    Translate(p, n, Side.Wan, 22);
                    n = Tcp(p, host, remote, lanPort, 1723, 0x18, 1001, 5001, PptpHeader(156, 1));
                    Translate(p, n, Side.Lan, 20);
                    n = Tcp(p, remote, WanAddress, 1723, ext, 0x18, 5001, 1157, PptpHeader(156, 2));
                    Translate(p, n, Side.Wan, 22);
                    n = Tcp(p, host, remote, lanPort, 1723, 0x18, 1157, 5157, OutgoingCallRequest(pnsCallId));
                    ushort external = Translate(p, n, Side.Lan, 40 + 12);
                    n = Tcp(p, remote, WanAddress, 1723, ext, 0x18, 5157, 1325, OutgoingCallReply(pacCallId, external));
                    Translate(p, n, Side.Wan, 40 + 14);
                    _outLength[i] = GreEnhanced(_out[i] = new byte[256], host, remote, pacCallId);
                    _inLength[i] = GreEnhanced(_in[i] = new byte[256], remote, WanAddress, external);
                    break;
                default:
                    throw new ArgumentException("unknown case " + Kind);
            }
        }

        /// <summary>Sends a set-up packet, requires Forward, returns the 16-bit value at an offset afterwards
        /// (the external port or identifier).</summary>
        private ushort Translate(byte[] p, int length, Side side, int portAt)
        {
            Verdict v = _process(p, length, side);
            if (v != Verdict.Forward)
            {
                throw new InvalidOperationException(Kind + ": set-up packet not forwarded (" + v + ")");
            }

            return NetworkOrder.ReadUInt16(p, portAt);
        }

        private static void Ip(byte[] p, int total, byte protocol, uint src, uint dst)
        {
            Array.Clear(p, 0, 20);
            p[0] = 0x45;
            NetworkOrder.WriteUInt16(p, 2, (ushort)total);
            NetworkOrder.WriteUInt16(p, 4, 0x1234);
            p[6] = 0x40;
            p[8] = 64;
            p[9] = protocol;
            NetworkOrder.WriteUInt32(p, 12, src);
            NetworkOrder.WriteUInt32(p, 16, dst);
            NetworkOrder.WriteUInt16(p, 10, InternetChecksum.Compute(p, 0, 20));
        }

        private static void TransportChecksum(byte[] p, int total, byte protocol, uint src, uint dst, int checksumAt)
        {
            uint sum = InternetChecksum.PseudoHeaderSum(src, dst, protocol, total - 20);
            NetworkOrder.WriteUInt16(p, checksumAt, InternetChecksum.Fold(InternetChecksum.Add(sum, p, 20, total - 20)));
        }

        private static int Tcp(byte[] p, uint src, uint dst, ushort sport, ushort dport, byte flags)
        {
            return Tcp(p, src, dst, sport, dport, flags, 1000, 2000, null);
        }

        private static int Tcp(byte[] p, uint src, uint dst, ushort sport, ushort dport, byte flags, uint seq, uint ack, byte[] data)
        {
            int payload = data == null ? Payload : data.Length;
            int total = 20 + 20 + payload;
            Ip(p, total, 6, src, dst);
            Array.Clear(p, 20, 20 + payload);
            NetworkOrder.WriteUInt16(p, 20, sport);
            NetworkOrder.WriteUInt16(p, 22, dport);
            NetworkOrder.WriteUInt32(p, 24, seq);
            NetworkOrder.WriteUInt32(p, 28, ack);
            p[32] = 0x50;
            p[33] = flags;
            NetworkOrder.WriteUInt16(p, 34, 65535);
            for (int k = 0; k < payload; k++)
            {
                p[40 + k] = data == null ? (byte)k : data[k];
            }

            TransportChecksum(p, total, 6, src, dst, 36);
            return total;
        }

        private static int Udp(byte[] p, uint src, uint dst, ushort sport, ushort dport)
        {
            int total = 20 + 8 + Payload;
            Ip(p, total, 17, src, dst);
            Array.Clear(p, 20, 8 + Payload);
            NetworkOrder.WriteUInt16(p, 20, sport);
            NetworkOrder.WriteUInt16(p, 22, dport);
            NetworkOrder.WriteUInt16(p, 24, (ushort)(8 + Payload));
            for (int k = 0; k < Payload; k++)
            {
                p[28 + k] = (byte)k;
            }

            TransportChecksum(p, total, 17, src, dst, 26);
            return total;
        }

        private static int Icmp(byte[] p, uint src, uint dst, byte type, ushort id)
        {
            int total = 20 + 8 + Payload;
            Ip(p, total, 1, src, dst);
            Array.Clear(p, 20, 8 + Payload);
            p[20] = type;
            NetworkOrder.WriteUInt16(p, 24, id);
            NetworkOrder.WriteUInt16(p, 26, 1);
            NetworkOrder.WriteUInt16(p, 22, InternetChecksum.Compute(p, 20, 8 + Payload));
            return total;
        }

        private static int Esp(byte[] p, uint src, uint dst, uint spi)
        {
            int total = 20 + 8 + Payload;
            Ip(p, total, 50, src, dst);
            NetworkOrder.WriteUInt32(p, 20, spi);
            NetworkOrder.WriteUInt32(p, 24, 1);
            for (int k = 0; k < Payload; k++)
            {
                p[28 + k] = (byte)(k * 7);
            }

            return total;
        }

        /// <summary>Enhanced GRE (RFC 2637 section 4.1): K and S set, version 1, PPP protocol 0x880B,
        /// payload length, the receiver's Call ID, a sequence number.</summary>
        private static int GreEnhanced(byte[] p, uint src, uint dst, ushort callId)
        {
            int total = 20 + 12 + Payload;
            Ip(p, total, 47, src, dst);
            p[20] = 0x30;
            p[21] = 0x01;
            NetworkOrder.WriteUInt16(p, 22, 0x880B);
            NetworkOrder.WriteUInt16(p, 24, Payload);
            NetworkOrder.WriteUInt16(p, 26, callId);
            NetworkOrder.WriteUInt32(p, 28, 7);
            for (int k = 0; k < Payload; k++)
            {
                p[32 + k] = (byte)k;
            }

            return total;
        }

        /// <summary>PPTP Outgoing-Call-Request (RFC 2637 section 2.7), 168 bytes.</summary>
        private static byte[] OutgoingCallRequest(ushort callId)
        {
            byte[] m = PptpHeader(168, 7);
            NetworkOrder.WriteUInt16(m, 12, callId);
            NetworkOrder.WriteUInt16(m, 14, 1);
            NetworkOrder.WriteUInt32(m, 16, 300);
            NetworkOrder.WriteUInt32(m, 20, 100000000);
            NetworkOrder.WriteUInt32(m, 24, 3);
            NetworkOrder.WriteUInt32(m, 28, 3);
            NetworkOrder.WriteUInt16(m, 32, 64);
            return m;
        }

        /// <summary>PPTP Outgoing-Call-Reply (RFC 2637 section 2.8), 32 bytes, result "Connected".</summary>
        private static byte[] OutgoingCallReply(ushort callId, ushort peerCallId)
        {
            byte[] m = PptpHeader(32, 8);
            NetworkOrder.WriteUInt16(m, 12, callId);
            NetworkOrder.WriteUInt16(m, 14, peerCallId);
            m[16] = 1;
            NetworkOrder.WriteUInt32(m, 20, 100000000);
            NetworkOrder.WriteUInt16(m, 24, 64);
            return m;
        }

        private static byte[] PptpHeader(int length, int type)
        {
            byte[] m = new byte[length];
            NetworkOrder.WriteUInt16(m, 0, (ushort)length);
            NetworkOrder.WriteUInt16(m, 2, 1);
            NetworkOrder.WriteUInt32(m, 4, 0x1A2B3C4D);
            NetworkOrder.WriteUInt16(m, 8, (ushort)type);
            return m;
        }
    }
}
