using System;
using System.Net;
using PacketDotNet;
using PacketDotNet.Utils;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// The PacketDotNet 1.4.8 builders the tests used before they had their own oracle, kept word for
    /// word (except as noted) so <see cref="OracleEquivalenceTests"/> can prove the shared builders
    /// write the same bytes: Wire/Oracle's Tcp, Udp and Icmp; Nat/Packets' defaults around them; the
    /// PPTP fixtures' TCP segments; the fragments of FragmentTests and FragmentTrackerTests.
    /// They write PacketDotNet's UDP checksum as it computes it, 0x0000 included.
    /// </summary>
    internal static class PacketDotNetBuilders
    {
        internal static IPAddress Address(uint address)
        {
            return new IPAddress(new[] { (byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address });
        }

        internal static IPv4Packet NewIp(uint source, uint destination, byte timeToLive, ushort identification, int flags, int differentiatedServices)
        {
            return new IPv4Packet(Address(source), Address(destination))
            {
                TimeToLive = timeToLive,
                Id = identification,
                FragmentFlags = flags,
                DifferentiatedServices = differentiatedServices,
            };
        }

        /// <summary>Wire/Oracle.Tcp as it was.</summary>
        internal static byte[] Tcp(uint source, uint destination, ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment,
            ushort flags, ushort window, ushort urgent, byte[] options, byte[] payload, byte timeToLive = 64, ushort identification = 0x1234, int ipFlags = 2)
        {
            var raw = new byte[20 + options.Length + payload.Length];
            raw[12] = (byte)(((20 + options.Length) / 4) << 4);
            var tcp = new TcpPacket(new ByteArraySegment(raw))
            {
                SourcePort = sourcePort,
                DestinationPort = destinationPort,
                SequenceNumber = sequence,
                AcknowledgmentNumber = acknowledgment,
                Flags = flags,
                WindowSize = window,
                UrgentPointer = urgent,
            };
            if (options.Length > 0)
            {
                tcp.Options = options;
            }

            tcp.PayloadData = payload;
            var ip = NewIp(source, destination, timeToLive, identification, ipFlags, 0);
            ip.PayloadPacket = tcp;
            ip.UpdateCalculatedValues();
            tcp.UpdateTcpChecksum();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>Wire/Oracle.Udp as it was (and Nat/Packets.Udp with <paramref name="identification"/> and DF).</summary>
        internal static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte[] payload, int differentiatedServices = 0,
            byte timeToLive = 64, ushort identification = 0x4321, int ipFlags = 0)
        {
            var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = payload };
            var ip = NewIp(source, destination, timeToLive, identification, ipFlags, differentiatedServices);
            ip.PayloadPacket = udp;
            ip.UpdateCalculatedValues();
            udp.UpdateCalculatedValues();
            udp.UpdateUdpChecksum();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>Wire/Oracle.Icmp (and Nat/Packets.Icmp) as it was.</summary>
        internal static byte[] Icmp(uint source, uint destination, IcmpV4TypeCode typeCode, uint restOfHeader, byte[] data)
        {
            var raw = new byte[8 + data.Length];
            raw[4] = (byte)(restOfHeader >> 24);
            raw[5] = (byte)(restOfHeader >> 16);
            raw[6] = (byte)(restOfHeader >> 8);
            raw[7] = (byte)restOfHeader;
            Array.Copy(data, 0, raw, 8, data.Length);
            var icmp = new IcmpV4Packet(new ByteArraySegment(raw)) { TypeCode = typeCode };
            var ip = NewIp(source, destination, 64, 0x0101, 0, 0);
            ip.PayloadPacket = icmp;
            icmp.UpdateIcmpChecksum();
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>Nat/Packets.Raw as it was (ESP and GRE went through it).</summary>
        internal static byte[] Raw(uint source, uint destination, PacketDotNet.ProtocolType protocol, byte[] payload)
        {
            var ip = NewIp(source, destination, 64, 0x0777, 2, 0);
            ip.Protocol = protocol;
            ip.PayloadData = payload;
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>PptpFixtures.TcpSegment as it was.</summary>
        internal static byte[] PptpSegment(uint source, uint destination, ushort sourcePort, ushort destinationPort, uint seq, uint ack, bool syn, bool hasAck, byte[] payload)
        {
            var tcp = new TcpPacket(sourcePort, destinationPort)
            {
                SequenceNumber = seq,
                AcknowledgmentNumber = ack,
                Synchronize = syn,
                Acknowledgment = hasAck,
                Push = payload.Length > 0,
                WindowSize = 64240,
                PayloadData = payload,
            };
            var ip = new IPv4Packet(Address(source), Address(destination))
            {
                TimeToLive = 64,
                Id = 0x4242,
                PayloadPacket = tcp,
            };
            ip.UpdateCalculatedValues();
            tcp.UpdateTcpChecksum();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>One fragment as FragmentTests (TTL 64) and FragmentTrackerTests (TTL 50) built them; MF is PacketDotNet's flag 1.</summary>
        internal static byte[] Fragment(uint source, uint destination, byte timeToLive, ushort identification, byte[] slice, int offsetBytes, bool more)
        {
            var ip = new IPv4Packet(Address(source), Address(destination))
            {
                Protocol = PacketDotNet.ProtocolType.Udp,
                TimeToLive = timeToLive,
                Id = identification,
                FragmentFlags = more ? 1 : 0,
                FragmentOffset = offsetBytes / 8,
                PayloadData = slice,
            };
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>FragmentTrackerTests' UDP datagram (header and data, checksummed towards <paramref name="destination"/>).</summary>
        internal static byte[] UdpDatagram(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte[] data)
        {
            var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = data };
            var ip = new IPv4Packet(Address(source), Address(destination)) { PayloadPacket = udp };
            ip.UpdateCalculatedValues();
            udp.UpdateUdpChecksum();
            return udp.Bytes;
        }
    }
}
