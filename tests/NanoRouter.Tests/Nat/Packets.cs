using System;
using System.Net;
using PacketDotNet;
using PacketDotNet.Utils;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Builds the NAT tests' input packets with PacketDotNet 1.4.8, the independent oracle: every
    /// length and checksum in what these return was computed by PacketDotNet. ESP and GRE have no
    /// PacketDotNet builder: their few header bytes are written here from RFC 4303 section 2 (SPI,
    /// sequence) and RFC 2784/2890 (flags C..K.S, version, protocol type, optional key), and
    /// PacketDotNet wraps them in IPv4 and computes the header checksum.
    /// </summary>
    internal static class Packets
    {
        public const ushort Fin = 0x01;
        public const ushort Syn = 0x02;
        public const ushort Rst = 0x04;
        public const ushort Psh = 0x08;
        public const ushort Ack = 0x10;

        /// <summary>24 bytes ("nanoRouter test payload!"): with it UDP, TCP and echo packets are at least
        /// 40 bytes long, which the engine's fast path needs (shorter ones take the slow path).</summary>
        private static readonly byte[] s_payload = { 0x6E, 0x61, 0x6E, 0x6F, 0x52, 0x6F, 0x75, 0x74, 0x65, 0x72, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x70, 0x61, 0x79, 0x6C, 0x6F, 0x61, 0x64, 0x21 };

        /// <summary>
        /// An L2TP data message (RFC 2661 section 3.1: flags/version 0x0002, tunnel 1, session 1)
        /// carrying a PPP LCP Configure-Request. PacketDotNet parses UDP 1701 as L2TP and PPP, so
        /// packets on that port need a payload it can read.
        /// </summary>
        public static readonly byte[] L2tpPayload = { 0x00, 0x02, 0x00, 0x01, 0x00, 0x01, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04 };

        public static IPAddress Address(uint address)
        {
            return new IPAddress(new[] { (byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address });
        }

        public static uint Address(IPAddress address)
        {
            byte[] b = address.GetAddressBytes();
            return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        }

        private static PacketDotNet.IPv4Packet NewIp(uint source, uint destination, ushort identification)
        {
            return new PacketDotNet.IPv4Packet(Address(source), Address(destination))
            {
                TimeToLive = 64,
                Id = identification,
                FragmentFlags = 2,
            };
        }

        public static byte[] Udp(uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] payload = null, ushort identification = 0x4321)
        {
            bool l2tp = sourcePort == 1701 || destinationPort == 1701;
            var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = payload ?? (l2tp ? L2tpPayload : s_payload) };
            var ip = NewIp(source, destination, identification);
            ip.PayloadPacket = udp;
            ip.UpdateCalculatedValues();
            udp.UpdateCalculatedValues();
            udp.UpdateUdpChecksum();
            if (udp.Checksum == 0)
            {
                // RFC 768: a computed checksum of 0 is sent as all ones (0 means "no checksum").
                // PacketDotNet 1.4.8 writes 0 there, about once in 65,536 packets.
                udp.Checksum = 0xFFFF;
            }
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>A TCP segment; <paramref name="mss"/> &gt; 0 adds an MSS option (kind 2, length 4).</summary>
        public static byte[] Tcp(uint source, ushort sourcePort, uint destination, ushort destinationPort, ushort flags, int mss = 0,
            uint sequence = 1000, uint acknowledgment = 0, byte[] payload = null)
        {
            byte[] options = mss > 0 ? new byte[] { 2, 4, (byte)(mss >> 8), (byte)mss } : new byte[0];
            payload = payload ?? ((flags & Syn) != 0 ? new byte[0] : s_payload);
            var raw = new byte[20 + options.Length + payload.Length];
            raw[12] = (byte)(((20 + options.Length) / 4) << 4);
            var tcp = new TcpPacket(new ByteArraySegment(raw))
            {
                SourcePort = sourcePort,
                DestinationPort = destinationPort,
                SequenceNumber = sequence,
                AcknowledgmentNumber = (flags & Ack) != 0 && acknowledgment == 0 ? 5000 : acknowledgment,
                Flags = flags,
                WindowSize = 64240,
            };
            if (options.Length > 0)
            {
                tcp.Options = options;
            }

            tcp.PayloadData = payload;
            var ip = NewIp(source, destination, 0x1234);
            ip.PayloadPacket = tcp;
            ip.UpdateCalculatedValues();
            tcp.UpdateTcpChecksum();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>An ICMP message; the 4 bytes after type, code and checksum are <paramref name="restOfHeader"/>.</summary>
        public static byte[] Icmp(uint source, uint destination, IcmpV4TypeCode typeCode, uint restOfHeader, byte[] data)
        {
            var raw = new byte[8 + data.Length];
            raw[4] = (byte)(restOfHeader >> 24);
            raw[5] = (byte)(restOfHeader >> 16);
            raw[6] = (byte)(restOfHeader >> 8);
            raw[7] = (byte)restOfHeader;
            Array.Copy(data, 0, raw, 8, data.Length);
            var icmp = new IcmpV4Packet(new ByteArraySegment(raw)) { TypeCode = typeCode };
            var ip = NewIp(source, destination, 0x0101);
            ip.FragmentFlags = 0;
            ip.PayloadPacket = icmp;
            icmp.UpdateIcmpChecksum();
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        public static byte[] EchoRequest(uint source, uint destination, ushort identifier, ushort sequence = 1)
        {
            return Icmp(source, destination, IcmpV4TypeCode.EchoRequest, ((uint)identifier << 16) | sequence, s_payload);
        }

        public static byte[] EchoReply(uint source, uint destination, ushort identifier, ushort sequence = 1)
        {
            return Icmp(source, destination, IcmpV4TypeCode.EchoReply, ((uint)identifier << 16) | sequence, s_payload);
        }

        /// <summary>An ICMP error quoting <paramref name="quoted"/> (whole, or its first bytes when <paramref name="quotedLength"/> is given).</summary>
        public static byte[] IcmpError(uint source, uint destination, IcmpV4TypeCode typeCode, byte[] quoted, int quotedLength = -1, uint restOfHeader = 0)
        {
            int n = quotedLength < 0 ? quoted.Length : quotedLength;
            var data = new byte[n];
            Array.Copy(quoted, data, n);
            return Icmp(source, destination, typeCode, restOfHeader, data);
        }

        /// <summary>An IPv4 packet of any protocol around raw payload bytes.</summary>
        public static byte[] Raw(uint source, uint destination, PacketDotNet.ProtocolType protocol, byte[] payload)
        {
            var ip = NewIp(source, destination, 0x0777);
            ip.Protocol = protocol;
            ip.PayloadData = payload;
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>ESP (RFC 4303 section 2): SPI, sequence number, then opaque bytes.</summary>
        public static byte[] Esp(uint source, uint destination, uint spi, uint sequence = 1)
        {
            var esp = new byte[8 + 24];
            WriteUInt32(esp, 0, spi);
            WriteUInt32(esp, 4, sequence);
            for (int i = 8; i < esp.Length; i++)
            {
                esp[i] = (byte)(spi + i);
            }

            return Raw(source, destination, PacketDotNet.ProtocolType.IPSecEncapsulatingSecurityPayload, esp);
        }

        /// <summary>GRE version 0 (RFC 2784, key from RFC 2890) carrying 8 bytes of IPv4-looking payload.</summary>
        public static byte[] Gre(uint source, uint destination, uint? key)
        {
            int header = key.HasValue ? 8 : 4;
            var gre = new byte[header + 8];
            gre[0] = (byte)(key.HasValue ? 0x20 : 0x00);
            gre[1] = 0x00;
            gre[2] = 0x08;
            gre[3] = 0x00;
            if (key.HasValue)
            {
                WriteUInt32(gre, 4, key.Value);
            }

            gre[header] = 0x45;
            return Raw(source, destination, PacketDotNet.ProtocolType.Gre, gre);
        }

        public static void WriteUInt32(byte[] b, int at, uint value)
        {
            b[at] = (byte)(value >> 24);
            b[at + 1] = (byte)(value >> 16);
            b[at + 2] = (byte)(value >> 8);
            b[at + 3] = (byte)value;
        }

        public static uint ReadUInt32(byte[] b, int at) => ((uint)b[at] << 24) | ((uint)b[at + 1] << 16) | ((uint)b[at + 2] << 8) | b[at + 3];

        public static ushort ReadUInt16(byte[] b, int at) => (ushort)((b[at] << 8) | b[at + 1]);
    }
}
