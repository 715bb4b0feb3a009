using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Builds the NAT tests' input packets with the tests' own oracle (<see cref="Oracle"/>: RFC
    /// field layouts, RFC 1071 checksums written in the tests), so every length and checksum in what
    /// these return was computed independently of the core. On the host PacketDotNet also reads
    /// every one of them and must agree (see Oracle), and HostOnly/OracleEquivalenceTests proves they
    /// are the bytes PacketDotNet 1.4.8 built before (except a UDP checksum of 0, sent as 0xFFFF).
    /// ESP and GRE have no builder of their own: their few header bytes are written here from RFC
    /// 4303 section 2 (SPI, sequence) and RFC 2784/2890 (flags C..K.S, version, protocol type,
    /// optional key), inside an IPv4 header from the oracle.
    /// </summary>
    internal static class Packets
    {
        public const ushort Fin = 0x01;
        public const ushort Syn = 0x02;
        public const ushort Rst = 0x04;
        public const ushort Psh = 0x08;
        public const ushort Ack = 0x10;

        /// <summary>24 bytes ("nanoRouter test payload!"): with it UDP, TCP and echo packets are at least
        /// 40 bytes long, which the engine's established path needs (shorter ones take the full path).</summary>
        private static readonly byte[] s_payload = { 0x6E, 0x61, 0x6E, 0x6F, 0x52, 0x6F, 0x75, 0x74, 0x65, 0x72, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x70, 0x61, 0x79, 0x6C, 0x6F, 0x61, 0x64, 0x21 };

        /// <summary>
        /// An L2TP data message (RFC 2661 section 3.1: flags/version 0x0002, tunnel 1, session 1)
        /// carrying a PPP LCP Configure-Request. PacketDotNet parses UDP 1701 as L2TP and PPP, so
        /// packets on that port need a payload it can read (it still reads them on the host).
        /// </summary>
        public static readonly byte[] L2tpPayload = { 0x00, 0x02, 0x00, 0x01, 0x00, 0x01, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04 };

        /// <summary>A UDP datagram (TTL 64, DF set).</summary>
        public static byte[] Udp(uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] payload = null, ushort identification = 0x4321)
        {
            bool l2tp = sourcePort == 1701 || destinationPort == 1701;
            return Oracle.Udp(source, destination, sourcePort, destinationPort, payload ?? (l2tp ? L2tpPayload : s_payload), 64, identification, 2, 0);
        }

        /// <summary>A TCP segment (TTL 64, DF set, window 64240); <paramref name="mss"/> &gt; 0 adds an MSS option (kind 2, length 4).</summary>
        public static byte[] Tcp(uint source, ushort sourcePort, uint destination, ushort destinationPort, ushort flags, int mss = 0,
            uint sequence = 1000, uint acknowledgment = 0, byte[] payload = null)
        {
            byte[] options = mss > 0 ? new byte[] { 2, 4, (byte)(mss >> 8), (byte)mss } : new byte[0];
            if (payload == null)
            {
                payload = (flags & Syn) != 0 ? new byte[0] : s_payload;
            }

            uint ack = (flags & Ack) != 0 && acknowledgment == 0 ? 5000 : acknowledgment;
            return Oracle.Tcp(source, destination, sourcePort, destinationPort, sequence, ack, flags, 64240, 0, options, payload, 64, 0x1234, 2);
        }

        /// <summary>An ICMP message; the 4 bytes after type, code and checksum are <paramref name="restOfHeader"/>.</summary>
        public static byte[] Icmp(uint source, uint destination, IcmpV4TypeCode typeCode, uint restOfHeader, byte[] data)
        {
            return Oracle.Icmp(source, destination, typeCode, restOfHeader, data);
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
            return Icmp(source, destination, typeCode, restOfHeader, Oracle.Slice(quoted, 0, n));
        }

        /// <summary>An IPv4 packet of any protocol around raw payload bytes (TTL 64, DF set).</summary>
        public static byte[] Raw(uint source, uint destination, int protocol, byte[] payload)
        {
            byte[] packet = Oracle.IPv4(source, destination, protocol, payload, 64, 0x0777, 2, 0, 0);
            Oracle.SecondOpinion(packet, "raw IPv4 as built");
            return packet;
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

            return Raw(source, destination, Oracle.ProtocolEsp, esp);
        }

        /// <summary>GRE version 0 (RFC 2784) without a key, carrying 8 bytes of IPv4-looking payload.</summary>
        public static byte[] Gre(uint source, uint destination)
        {
            return Gre(source, destination, false, 0);
        }

        /// <summary>GRE version 0 with the key of RFC 2890, carrying 8 bytes of IPv4-looking payload.</summary>
        public static byte[] Gre(uint source, uint destination, uint key)
        {
            return Gre(source, destination, true, key);
        }

        /// <summary>GRE version 0 of at least 40 bytes in all (the engine's established path takes no shorter
        /// packet), with or without a key and a checksum field (RFC 2784: C, then the key moves 4 on).</summary>
        public static byte[] GreLong(uint source, uint destination, bool keyed, uint key, bool checksumPresent)
        {
            return Gre(source, destination, keyed, key, checksumPresent, 24);
        }

        private static byte[] Gre(uint source, uint destination, bool keyed, uint key)
        {
            return Gre(source, destination, keyed, key, false, 8);
        }

        private static byte[] Gre(uint source, uint destination, bool keyed, uint key, bool checksumPresent, int payload)
        {
            int keyAt = checksumPresent ? 8 : 4;
            int header = keyed ? keyAt + 4 : keyAt;
            var gre = new byte[header + payload];
            gre[0] = (byte)((keyed ? 0x20 : 0x00) | (checksumPresent ? 0x80 : 0x00));
            gre[1] = 0x00;
            gre[2] = 0x08;
            gre[3] = 0x00;
            if (keyed)
            {
                WriteUInt32(gre, keyAt, key);
            }

            gre[header] = 0x45;
            return Raw(source, destination, Oracle.ProtocolGre, gre);
        }

        /// <summary>
        /// The same packet with IPv4 options (RFC 791 section 3.1) inserted after its 20-byte header:
        /// the options are padded with End of Option List to a multiple of 4 bytes, and the header
        /// length, total length and header checksum are recomputed (transport checksums do not cover
        /// the options: their pseudo-header holds addresses, protocol and transport length only).
        /// </summary>
        public static byte[] WithIpOptions(byte[] packet, byte[] options)
        {
            int optionBytes = (options.Length + 3) & ~3;
            var result = new byte[packet.Length + optionBytes];
            System.Array.Copy(packet, 0, result, 0, 20);
            System.Array.Copy(options, 0, result, 20, options.Length);
            System.Array.Copy(packet, 20, result, 20 + optionBytes, packet.Length - 20);
            result[0] = (byte)(0x40 | ((20 + optionBytes) / 4));
            Oracle.Put16(result, 2, result.Length);
            Oracle.Put16(result, 10, 0);
            Oracle.Put16(result, 10, OnesComplement.Checksum(result, 0, 20 + optionBytes));
            Oracle.SecondOpinion(result, "with IPv4 options");
            return result;
        }

        public static void WriteUInt32(byte[] b, int at, uint value)
        {
            Oracle.Put32(b, at, value);
        }

        public static uint ReadUInt32(byte[] b, int at)
        {
            return Oracle.Get32(b, at);
        }

        public static ushort ReadUInt16(byte[] b, int at)
        {
            return Oracle.Get16(b, at);
        }
    }
}
