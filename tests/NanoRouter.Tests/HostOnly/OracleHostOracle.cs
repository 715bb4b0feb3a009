using System;
using System.Net;
using PacketDotNet;
using PacketDotNet.Utils;

namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// PacketDotNet 1.4.8 as the second oracle on the host (in the shared oracle's namespace, as a
    /// partial class must be). Every packet the shared tests build with <see cref="Oracle"/>, read
    /// back with <see cref="Oracle.Reparse"/> or check with Nat's Check comes here: PacketDotNet parses
    /// it and must reach the same verdicts as <see cref="OraclePacket"/> on every checksum it can
    /// judge (IPv4 header; TCP, UDP unless 0, ICMP when the packet is whole and not a fragment) and
    /// read the same addresses and ports. In nanoCLR this file is not compiled and the call vanishes.
    /// </summary>
    internal static partial class Oracle
    {
        /// <summary>How many packets PacketDotNet has judged in this process (the equivalence test checks it is busy).</summary>
        internal static int HostOracleChecks;

        static partial void HostOracle(byte[] packet, string because)
        {
            var mine = new OraclePacket(packet);
            if (!mine.HeaderComplete || mine.Version != 4)
            {
                return;
            }

            because += " (PacketDotNet and the test oracle must agree)";
            bool whole = mine.TotalLength == packet.Length;
            byte[] copy = new byte[Math.Max(packet.Length, mine.TotalLength)];
            Array.Copy(packet, copy, packet.Length);
            IPv4Packet ip;
            try
            {
                ip = new IPv4Packet(new ByteArraySegment(copy));
            }
            catch (Exception e) when (!whole || IsL2tp(mine))
            {
                // PacketDotNet cannot read everything: a quoted packet cut after its first bytes (padded
                // with zeros to its stated length so it will parse), or UDP 1701, which it parses as
                // L2TP and PPP, with a payload that is not. Nothing to compare then.
                _ = e;
                return;
            }

            HostOracleChecks++;
            Assert.AreEqual(mine.ValidIPChecksum, ip.ValidIPChecksum, because + ": IPv4 header checksum valid");
            Assert.AreEqual(mine.HeaderLength, ip.HeaderLength * 4, because + ": header length");
            Assert.AreEqual(mine.SourceAddress, ToUInt(ip.SourceAddress), because + ": source address");
            Assert.AreEqual(mine.DestinationAddress, ToUInt(ip.DestinationAddress), because + ": destination address");
            Assert.AreEqual(mine.TotalLength, (int)ip.TotalLength, because + ": total length");
            if (!whole || mine.FragmentOffset != 0 || (mine.FragmentFlags & 1) != 0 || !mine.TransportComplete)
            {
                return;
            }

            try
            {
                CompareTransport(mine, ip, because);
            }
            catch (Exception e) when (IsL2tp(mine) && !(e is AssertFailedException))
            {
                // PacketDotNet parses UDP 1701 as L2TP and PPP (lazily) and fails on a payload that is not.
                _ = e;
            }
        }

        private static void CompareTransport(OraclePacket mine, IPv4Packet ip, string because)
        {
            switch (ip.PayloadPacket)
            {
                case TcpPacket tcp:
                    Assert.AreEqual(mine.ValidTcpChecksum, tcp.ValidTcpChecksum, because + ": TCP checksum valid");
                    Assert.AreEqual(mine.SourcePort, (int)tcp.SourcePort, because + ": TCP source port");
                    Assert.AreEqual(mine.DestinationPort, (int)tcp.DestinationPort, because + ": TCP destination port");
                    break;
                case UdpPacket udp:
                    if (mine.Checksum != 0)
                    {
                        Assert.AreEqual(mine.ValidUdpChecksum, udp.ValidUdpChecksum, because + ": UDP checksum valid");
                    }

                    Assert.AreEqual(mine.SourcePort, (int)udp.SourcePort, because + ": UDP source port");
                    Assert.AreEqual(mine.DestinationPort, (int)udp.DestinationPort, because + ": UDP destination port");
                    break;
                case IcmpV4Packet icmp:
                    Assert.AreEqual(mine.ValidIcmpChecksum, icmp.ValidIcmpChecksum, because + ": ICMP checksum valid");
                    Assert.AreEqual((mine.IcmpType << 8) | mine.IcmpCode, (int)icmp.TypeCode, because + ": ICMP type and code");
                    break;
            }
        }

        private static bool IsL2tp(OraclePacket packet)
        {
            return packet.Protocol == ProtocolUdp && (packet.SourcePort == 1701 || packet.DestinationPort == 1701);
        }

        private static uint ToUInt(IPAddress address)
        {
            byte[] b = address.GetAddressBytes();
            return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        }
    }
}
