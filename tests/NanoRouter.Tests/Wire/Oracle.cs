using System;
using System.Net;
using PacketDotNet;
using PacketDotNet.Utils;

namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// Builds packets with PacketDotNet 1.4.8, the independent oracle: every checksum in what it
    /// returns was computed by PacketDotNet, and <see cref="Reparse"/> hands bytes back to it.
    /// </summary>
    internal static class Oracle
    {
        internal static IPAddress Address(uint address)
        {
            return new IPAddress(new[] { (byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address });
        }

        internal static uint Address(IPAddress address)
        {
            byte[] b = address.GetAddressBytes();
            return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        }

        internal static PacketDotNet.IPv4Packet NewIp(uint source, uint destination, byte timeToLive, ushort identification, int flags, int differentiatedServices)
        {
            return new PacketDotNet.IPv4Packet(Address(source), Address(destination))
            {
                TimeToLive = timeToLive,
                Id = identification,
                FragmentFlags = flags,
                DifferentiatedServices = differentiatedServices,
            };
        }

        /// <summary>An IPv4/TCP packet; <paramref name="options"/> must be a multiple of 4 bytes.</summary>
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

        internal static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte[] payload, int differentiatedServices = 0)
        {
            var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = payload };
            var ip = NewIp(source, destination, 64, 0x4321, 0, differentiatedServices);
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

        /// <summary>An IPv4/ICMP packet: the 4 bytes after type, code and checksum are <paramref name="restOfHeader"/>.</summary>
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

        /// <summary>PacketDotNet's view of a copy of the bytes.</summary>
        internal static PacketDotNet.IPv4Packet Reparse(byte[] packet)
        {
            return new PacketDotNet.IPv4Packet(new ByteArraySegment((byte[])packet.Clone()));
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
    }
}
