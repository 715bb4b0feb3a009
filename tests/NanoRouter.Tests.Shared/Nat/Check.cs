using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Reads the engine's output back with the tests' oracle (<see cref="OraclePacket"/>) and checks
    /// every checksum by the oracle's own RFC 1071 computation: IPv4 header, TCP, UDP (unless 0, "no
    /// checksum"), ICMP; for ICMP errors also the quoted IPv4 header, and the quoted UDP/TCP/ICMP
    /// checksum when the whole quoted packet is there. On the host PacketDotNet reads every packet
    /// checked here too and must agree (<see cref="Oracle.SecondOpinion"/>).
    /// </summary>
    internal static class Check
    {
        public static OraclePacket Parse(byte[] packet)
        {
            return Oracle.Reparse(packet);
        }

        public static void ChecksumsValid(byte[] packet, string because = "")
        {
            OraclePacket ip = Parse(packet);
            Assert.IsTrue(ip.ValidIPChecksum, because + ": IPv4 header checksum");
            Assert.AreEqual(packet.Length, ip.TotalLength, because + ": total length");
            if (ip.FragmentOffset != 0)
            {
                return;
            }

            switch (ip.Protocol)
            {
                case Oracle.ProtocolTcp:
                    Assert.IsTrue(ip.ValidTcpChecksum, because + ": TCP checksum");
                    break;
                case Oracle.ProtocolUdp:
                    if (ip.Checksum != 0)
                    {
                        Assert.IsTrue(ip.ValidUdpChecksum, because + ": UDP checksum");
                    }

                    break;
                case Oracle.ProtocolIcmp:
                    Assert.IsTrue(ip.ValidIcmpChecksum, because + ": ICMP checksum");
                    int type = ip.IcmpType;
                    if (type == 3 || type == 11 || type == 12)
                    {
                        QuotedValid(packet, ip.HeaderLength + 8, because + ": quoted");
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
            Oracle.SecondOpinion(quoted, because + ": quoted packet");
            OraclePacket header = new OraclePacket(quoted);
            Assert.IsTrue(header.HeaderComplete && header.ValidIPChecksum, because + ": quoted IPv4 header checksum");
            if (header.TotalLength == quoted.Length)
            {
                ChecksumsValid(quoted, because);
            }
        }

        public static byte[] Slice(byte[] a, int offset, int length)
        {
            return Oracle.Slice(a, offset, length);
        }

        public static uint Source(byte[] p)
        {
            return Packets.ReadUInt32(p, 12);
        }

        public static uint Destination(byte[] p)
        {
            return Packets.ReadUInt32(p, 16);
        }

        public static int HeaderLength(byte[] p)
        {
            return (p[0] & 0x0F) * 4;
        }

        /// <summary>TCP/UDP source port, or the ICMP echo identifier.</summary>
        public static ushort SourcePort(byte[] p)
        {
            return p[9] == 1 ? Packets.ReadUInt16(p, HeaderLength(p) + 4) : Packets.ReadUInt16(p, HeaderLength(p));
        }

        /// <summary>TCP/UDP destination port, or the ICMP echo identifier.</summary>
        public static ushort DestinationPort(byte[] p)
        {
            return p[9] == 1 ? Packets.ReadUInt16(p, HeaderLength(p) + 4) : Packets.ReadUInt16(p, HeaderLength(p) + 2);
        }

        /// <summary>The packet an ICMP error quotes (what follows the 8-byte ICMP header).</summary>
        public static byte[] Quoted(byte[] p)
        {
            return Slice(p, HeaderLength(p) + 8, p.Length - HeaderLength(p) - 8);
        }

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
