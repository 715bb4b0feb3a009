using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using PacketDotNet;
using PacketDotNet.Utils;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Reads the engine's output back with PacketDotNet and checks every checksum by PacketDotNet's
    /// own computation: IPv4 header, TCP, UDP (unless 0, "no checksum"), ICMP; for ICMP errors also
    /// the quoted IPv4 header, and the quoted UDP/TCP/ICMP checksum when the whole quoted packet is there.
    /// </summary>
    internal static class Check
    {
        public static PacketDotNet.IPv4Packet Parse(byte[] packet)
        {
            return new PacketDotNet.IPv4Packet(new ByteArraySegment((byte[])packet.Clone()));
        }

        public static void ChecksumsValid(byte[] packet, string because = "")
        {
            PacketDotNet.IPv4Packet ip = Parse(packet);
            Assert.IsTrue(ip.ValidIPChecksum, because + ": IPv4 header checksum (PacketDotNet)");
            Assert.AreEqual(packet.Length, (int)ip.TotalLength, because + ": total length");
            if (ip.FragmentOffset != 0)
            {
                return;
            }

            switch (ip.PayloadPacket)
            {
                case TcpPacket tcp:
                    Assert.IsTrue(tcp.ValidTcpChecksum, because + ": TCP checksum (PacketDotNet)");
                    break;
                case UdpPacket udp:
                    if (udp.Checksum != 0)
                    {
                        Assert.IsTrue(udp.ValidUdpChecksum, because + ": UDP checksum (PacketDotNet)");
                    }

                    break;
                case IcmpV4Packet icmp:
                    Assert.IsTrue(icmp.ValidIcmpChecksum, because + ": ICMP checksum (PacketDotNet)");
                    // PacketDotNet's HeaderLength counts 32-bit words (the IHL field), not bytes.
                    int type = packet[ip.HeaderLength * 4];
                    if (type == 3 || type == 11 || type == 12)
                    {
                        QuotedValid(packet, (ip.HeaderLength * 4) + 8, because + ": quoted");
                    }

                    break;
            }
        }

        /// <summary>The quoted packet inside an ICMP error: its header checksum always; its transport
        /// checksum when it is quoted whole.</summary>
        public static void QuotedValid(byte[] packet, int at, string because)
        {
            byte[] quoted = Slice(packet, at, packet.Length - at);
            Assert.IsTrue(quoted.Length >= 20, because + ": quoted header present");
            int headerLength = (quoted[0] & 0x0F) * 4;
            Assert.IsTrue(HeaderChecksumValid(quoted, headerLength), because + ": quoted IPv4 header checksum (PacketDotNet)");
            int totalLength = Packets.ReadUInt16(quoted, 2);
            if (totalLength == quoted.Length)
            {
                ChecksumsValid(quoted, because);
            }
        }

        /// <summary>PacketDotNet's header checksum verdict on a header alone (the quoted packet is
        /// often cut after 8 bytes of its payload, which PacketDotNet will not parse as a whole).</summary>
        private static bool HeaderChecksumValid(byte[] quoted, int headerLength)
        {
            // Pad the cut packet with zeros to its stated total length so PacketDotNet parses it; the
            // header checksum covers the header only, so the padding does not change the verdict.
            int totalLength = Packets.ReadUInt16(quoted, 2);
            var padded = new byte[Math.Max(totalLength, quoted.Length)];
            Array.Copy(quoted, padded, quoted.Length);
            return new PacketDotNet.IPv4Packet(new ByteArraySegment(padded)).ValidIPChecksum;
        }

        public static byte[] Slice(byte[] a, int offset, int length)
        {
            var result = new byte[length];
            Array.Copy(a, offset, result, 0, length);
            return result;
        }

        public static uint Source(byte[] p) => Packets.ReadUInt32(p, 12);

        public static uint Destination(byte[] p) => Packets.ReadUInt32(p, 16);

        public static int HeaderLength(byte[] p) => (p[0] & 0x0F) * 4;

        /// <summary>TCP/UDP source port, or the ICMP echo identifier.</summary>
        public static ushort SourcePort(byte[] p) => p[9] == 1 ? Packets.ReadUInt16(p, HeaderLength(p) + 4) : Packets.ReadUInt16(p, HeaderLength(p));

        /// <summary>TCP/UDP destination port, or the ICMP echo identifier.</summary>
        public static ushort DestinationPort(byte[] p) => p[9] == 1 ? Packets.ReadUInt16(p, HeaderLength(p) + 4) : Packets.ReadUInt16(p, HeaderLength(p) + 2);

        /// <summary>The packet an ICMP error quotes (what follows the 8-byte ICMP header).</summary>
        public static byte[] Quoted(byte[] p) => Slice(p, HeaderLength(p) + 8, p.Length - HeaderLength(p) - 8);

        /// <summary>The MSS option of a TCP segment, or -1.</summary>
        public static int Mss(byte[] p)
        {
            int l4 = HeaderLength(p);
            int dataOffset = (p[l4 + 12] >> 4) * 4;
            int i = l4 + 20;
            while (i < l4 + dataOffset)
            {
                byte kind = p[i];
                if (kind == 0)
                {
                    break;
                }

                if (kind == 1)
                {
                    i++;
                    continue;
                }

                if (kind == 2)
                {
                    return Packets.ReadUInt16(p, i + 2);
                }

                i += p[i + 1];
            }

            return -1;
        }
    }
}
