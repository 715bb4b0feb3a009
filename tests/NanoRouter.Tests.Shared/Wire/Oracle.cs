using System;

namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// The tests' independent packet oracle: builds IPv4 packets field by field from RFC 791 (IPv4),
    /// RFC 793 (TCP), RFC 768 (UDP) and RFC 792 (ICMP), with every checksum computed by
    /// <see cref="OnesComplement"/> (RFC 1071, written here, not the core's InternetChecksum), and
    /// reads packets back with <see cref="OraclePacket"/>. It replaces PacketDotNet 1.4.8 so the tests
    /// run in nanoCLR too; the method names and parameters are the ones the PacketDotNet version had.
    /// <para>
    /// PacketDotNet stays in the loop on the host: every packet built here or read back through
    /// <see cref="Reparse"/> is also handed to <see cref="SecondOpinion"/>, which on .NET parses it
    /// with PacketDotNet and requires the same verdicts (HostOnly/OracleHostOracle.cs), and
    /// HostOnly/OracleEquivalenceTests proves these builders write exactly PacketDotNet's bytes. One
    /// deliberate difference: a UDP checksum that computes to 0 is written as 0xFFFF (RFC 768), where
    /// PacketDotNet writes 0x0000, which means "no checksum".
    /// </para>
    /// </summary>
    internal static partial class Oracle
    {
        public const int ProtocolIcmp = 1;
        public const int ProtocolTcp = 6;
        public const int ProtocolUdp = 17;
        public const int ProtocolGre = 47;
        public const int ProtocolEsp = 50;

        /// <summary>On the host: PacketDotNet parses the packet and must agree with <see cref="OraclePacket"/>. Not in nanoCLR.</summary>
        static partial void HostOracle(byte[] packet, string because);

        /// <summary>Asks for PacketDotNet's second opinion on the host (see the class summary); does nothing in nanoCLR.</summary>
        internal static void SecondOpinion(byte[] packet, string because)
        {
            HostOracle(packet, because);
        }

        /// <summary>
        /// An IPv4 packet (20-byte header, RFC 791 section 3.1) around <paramref name="payload"/>:
        /// <paramref name="flags"/> are the three flag bits (2 = DF, 1 = MF), <paramref name="fragmentOffset"/>
        /// is in 8-byte units; total length and header checksum are computed.
        /// </summary>
        internal static byte[] IPv4(uint source, uint destination, int protocol, byte[] payload, int timeToLive, int identification, int flags, int fragmentOffset, int differentiatedServices)
        {
            var p = new byte[20 + payload.Length];
            p[0] = 0x45;
            p[1] = (byte)differentiatedServices;
            Put16(p, 2, p.Length);
            Put16(p, 4, identification);
            Put16(p, 6, (flags << 13) | (fragmentOffset & 0x1FFF));
            p[8] = (byte)timeToLive;
            p[9] = (byte)protocol;
            Put32(p, 12, source);
            Put32(p, 16, destination);
            Put16(p, 10, OnesComplement.Checksum(p, 0, 20));
            Array.Copy(payload, 0, p, 20, payload.Length);
            return p;
        }

        /// <summary>An IPv4/TCP packet; <paramref name="options"/> must be a multiple of 4 bytes.</summary>
        internal static byte[] Tcp(uint source, uint destination, ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment,
            ushort flags, ushort window, ushort urgent, byte[] options, byte[] payload, byte timeToLive = 64, ushort identification = 0x1234, int ipFlags = 2)
        {
            int headerLength = 20 + options.Length;
            var tcp = new byte[headerLength + payload.Length];
            Put16(tcp, 0, sourcePort);
            Put16(tcp, 2, destinationPort);
            Put32(tcp, 4, sequence);
            Put32(tcp, 8, acknowledgment);
            tcp[12] = (byte)(((headerLength / 4) << 4) | ((flags >> 8) & 0x01));
            tcp[13] = (byte)flags;
            Put16(tcp, 14, window);
            Put16(tcp, 18, urgent);
            Array.Copy(options, 0, tcp, 20, options.Length);
            Array.Copy(payload, 0, tcp, headerLength, payload.Length);
            Put16(tcp, 16, TransportChecksum(source, destination, ProtocolTcp, tcp));
            return Built(IPv4(source, destination, ProtocolTcp, tcp, timeToLive, identification, ipFlags, 0, 0), "TCP");
        }

        internal static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte[] payload, int differentiatedServices = 0)
        {
            return Udp(source, destination, sourcePort, destinationPort, payload, 64, 0x4321, 0, differentiatedServices);
        }

        /// <summary>An IPv4/UDP packet with every IPv4 field chosen. A checksum that computes to 0 is sent as 0xFFFF (RFC 768).</summary>
        internal static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte[] payload,
            int timeToLive, int identification, int ipFlags, int differentiatedServices)
        {
            return Built(IPv4(source, destination, ProtocolUdp, UdpDatagram(source, destination, sourcePort, destinationPort, payload), timeToLive, identification, ipFlags, 0, differentiatedServices), "UDP");
        }

        /// <summary>The UDP header and data alone (what an IPv4 packet carries), checksummed over the pseudo-header.</summary>
        internal static byte[] UdpDatagram(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte[] payload)
        {
            var udp = new byte[8 + payload.Length];
            Put16(udp, 0, sourcePort);
            Put16(udp, 2, destinationPort);
            Put16(udp, 4, udp.Length);
            Array.Copy(payload, 0, udp, 8, payload.Length);
            ushort checksum = TransportChecksum(source, destination, ProtocolUdp, udp);
            Put16(udp, 6, checksum == 0 ? 0xFFFF : checksum);
            return udp;
        }

        /// <summary>An IPv4/ICMP packet: the 4 bytes after type, code and checksum are <paramref name="restOfHeader"/>.</summary>
        internal static byte[] Icmp(uint source, uint destination, IcmpV4TypeCode typeCode, uint restOfHeader, byte[] data)
        {
            var icmp = new byte[8 + data.Length];
            icmp[0] = (byte)((int)typeCode >> 8);
            icmp[1] = (byte)typeCode;
            Put32(icmp, 4, restOfHeader);
            Array.Copy(data, 0, icmp, 8, data.Length);
            Put16(icmp, 2, OnesComplement.Checksum(icmp, 0, icmp.Length));
            return Built(IPv4(source, destination, ProtocolIcmp, icmp, 64, 0x0101, 0, 0, 0), "ICMP");
        }

        /// <summary>The oracle's reading of a copy of the bytes (and, on the host, PacketDotNet's agreement with it).</summary>
        internal static OraclePacket Reparse(byte[] packet)
        {
            SecondOpinion(packet, "reparsed");
            return new OraclePacket(packet);
        }

        /// <summary>The checksum of a TCP or UDP segment whose checksum field is still zero.</summary>
        internal static ushort TransportChecksum(uint source, uint destination, int protocol, byte[] segment)
        {
            uint sum = OnesComplement.AddPseudoHeader(0, source, destination, protocol, segment.Length);
            return OnesComplement.Checksum(OnesComplement.Add(sum, segment, 0, segment.Length));
        }

        private static byte[] Built(byte[] packet, string what)
        {
            SecondOpinion(packet, what + " as built by the oracle");
            return packet;
        }

        internal static byte[] Concat(byte[] a, byte[] b)
        {
            var result = new byte[a.Length + b.Length];
            Array.Copy(a, result, a.Length);
            Array.Copy(b, 0, result, a.Length, b.Length);
            return result;
        }

        internal static byte[] Slice(byte[] a, int offset, int length)
        {
            var result = new byte[length];
            Array.Copy(a, offset, result, 0, length);
            return result;
        }

        internal static ushort Get16(byte[] b, int at)
        {
            return (ushort)((b[at] << 8) | b[at + 1]);
        }

        internal static uint Get32(byte[] b, int at)
        {
            return ((uint)b[at] << 24) | ((uint)b[at + 1] << 16) | ((uint)b[at + 2] << 8) | b[at + 3];
        }

        internal static void Put16(byte[] b, int at, int value)
        {
            b[at] = (byte)(value >> 8);
            b[at + 1] = (byte)value;
        }

        internal static void Put32(byte[] b, int at, uint value)
        {
            b[at] = (byte)(value >> 24);
            b[at + 1] = (byte)(value >> 16);
            b[at + 2] = (byte)(value >> 8);
            b[at + 3] = (byte)value;
        }
    }
}
