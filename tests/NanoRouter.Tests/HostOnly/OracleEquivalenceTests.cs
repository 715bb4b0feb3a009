using CsCheck;
using NanoRouter.Tests.Nat;
using NanoRouter.Tests.Passthrough;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// Proves, over many random packets, that the shared oracle's builders (Wire/Oracle, Nat/Packets,
    /// the PPTP fixtures' segments, the fragment builders) write exactly the bytes PacketDotNet 1.4.8
    /// wrote for the same fields when it built them (<see cref="PacketDotNetBuilders"/>). The one
    /// difference allowed, and required: where the UDP checksum computes to 0, PacketDotNet writes
    /// 0x0000 ("no checksum") and the oracle 0xFFFF, as RFC 768 says.
    /// </summary>
    [TestClass]
    public class OracleEquivalenceTests
    {
        private static readonly byte[][] s_tcpOptions =
        {
            new byte[0], new byte[] { 2, 4, 0x05, 0xB4 }, new byte[] { 2, 4, 0x05, 0xB4, 1, 1, 4, 2 }, new byte[] { 1, 1, 1, 0 },
            new byte[] { 3, 3, 7, 2, 4, 0x23, 0x28, 0 }, new byte[] { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 },
        };

        private static readonly IcmpV4TypeCode[] s_icmpTypes =
        {
            IcmpV4TypeCode.EchoReply, IcmpV4TypeCode.UnreachableHost, IcmpV4TypeCode.UnreachablePort, IcmpV4TypeCode.UnreachableFragmentationNeeded,
            IcmpV4TypeCode.EchoRequest, IcmpV4TypeCode.TimeExceeded, IcmpV4TypeCode.Timestamp,
        };

        /// <summary>The same bytes, except a UDP checksum PacketDotNet wrote as 0x0000, which must be 0xFFFF in ours.</summary>
        private static void SameAsPacketDotNet(byte[] ours, byte[] theirs, int udpChecksumAt, string what)
        {
            if (udpChecksumAt >= 0 && theirs.Length > udpChecksumAt + 1 && theirs[udpChecksumAt] == 0 && theirs[udpChecksumAt + 1] == 0)
            {
                Assert.AreEqual(0xFF, ours[udpChecksumAt], what + ": a UDP checksum that computes to 0 is sent as 0xFFFF");
                Assert.AreEqual(0xFF, ours[udpChecksumAt + 1], what + ": a UDP checksum that computes to 0 is sent as 0xFFFF");
                theirs = (byte[])theirs.Clone();
                theirs[udpChecksumAt] = 0xFF;
                theirs[udpChecksumAt + 1] = 0xFF;
            }

            CollectionAssert.AreEqual(theirs, ours, what + ": the oracle's bytes are PacketDotNet's");
        }

        [TestMethod]
        public void OracleTcp_RandomFields_SameBytesAsPacketDotNet()
        {
            Gen<(uint, uint, ushort, ushort, uint, uint)> addressesPortsNumbers = Gen.Select(Gen.UInt, Gen.UInt, Gen.UShort, Gen.UShort, Gen.UInt, Gen.UInt);
            Gen<(byte, ushort, ushort, int, byte[], byte)> rest = Gen.Select(Gen.Byte, Gen.UShort, Gen.UShort, Gen.Int[0, s_tcpOptions.Length - 1], Gen.Byte.Array[0, 64], Gen.Byte);
            CsCheckRuns.Sample(Gen.Select(addressesPortsNumbers, rest, Gen.UShort, Gen.Int[0, 7]), (a, b, identification, ipFlags) =>
            {
                (uint source, uint destination, ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment) = a;
                (byte flags, ushort window, ushort urgent, int options, byte[] payload, byte timeToLive) = b;
                ushort tcpFlags = (ushort)(s_tcpOptions[options].Length > 0 ? flags & 0xDF : flags); // PacketDotNet throws on options with URG
                SameAsPacketDotNet(
                    Oracle.Tcp(source, destination, sourcePort, destinationPort, sequence, acknowledgment, tcpFlags, window, urgent, s_tcpOptions[options], payload, timeToLive, identification, ipFlags),
                    PacketDotNetBuilders.Tcp(source, destination, sourcePort, destinationPort, sequence, acknowledgment, tcpFlags, window, urgent, s_tcpOptions[options], payload, timeToLive, identification, ipFlags),
                    -1, "TCP");
            }, 3000);
        }

        [TestMethod]
        public void OracleUdp_RandomFields_SameBytesAsPacketDotNet()
        {
            CsCheckRuns.Sample(Gen.Select(Gen.UInt, Gen.UInt, Gen.UShort, Gen.UShort, Gen.Byte.Array[0, 80], Gen.Byte), (source, destination, sourcePort, destinationPort, payload, differentiatedServices) =>
            {
                SameAsPacketDotNet(Oracle.Udp(source, destination, sourcePort, destinationPort, payload, differentiatedServices),
                    PacketDotNetBuilders.Udp(source, destination, sourcePort, destinationPort, payload, differentiatedServices), 26, "UDP");
            }, 5000);
        }

        [TestMethod]
        public void OracleIcmp_RandomFields_SameBytesAsPacketDotNet()
        {
            CsCheckRuns.Sample(Gen.Select(Gen.UInt, Gen.UInt, Gen.Int[0, s_icmpTypes.Length - 1], Gen.UInt, Gen.Byte.Array[0, 80]), (source, destination, type, restOfHeader, data) =>
            {
                SameAsPacketDotNet(Oracle.Icmp(source, destination, s_icmpTypes[type], restOfHeader, data),
                    PacketDotNetBuilders.Icmp(source, destination, (PacketDotNet.IcmpV4TypeCode)(int)s_icmpTypes[type], restOfHeader, data), -1, "ICMP " + s_icmpTypes[type]);
            }, 3000);
        }

        [TestMethod]
        public void Packets_EveryBuilder_SameBytesAsPacketDotNet()
        {
            byte[] payload24 = Packets.Tcp(1, 2, 3, 4, Packets.Ack);
            payload24 = Oracle.Slice(payload24, 40, payload24.Length - 40); // the builders' default payload
            CsCheckRuns.Sample(Gen.Select(Gen.UInt, Gen.UShort, Gen.UInt, Gen.UShort, Gen.Int[0, 5], Gen.UInt), (host, port, remote, remotePort, flagChoice, number) =>
            {
                ushort[] flagSets = { Packets.Syn, Packets.Syn | Packets.Ack, Packets.Ack, Packets.Ack | Packets.Psh, Packets.Fin | Packets.Ack, Packets.Rst };
                ushort flags = flagSets[flagChoice];
                bool l2tp = port == 1701 || remotePort == 1701;
                SameAsPacketDotNet(Packets.Udp(host, port, remote, remotePort),
                    PacketDotNetBuilders.Udp(host, remote, port, remotePort, l2tp ? Packets.L2tpPayload : payload24, 0, 64, 0x4321, 2), 26, "Packets.Udp");
                SameAsPacketDotNet(Packets.Udp(host, port, remote, remotePort, new byte[] { 1, 2, 3 }, (ushort)number),
                    PacketDotNetBuilders.Udp(host, remote, port, remotePort, new byte[] { 1, 2, 3 }, 0, 64, (ushort)number, 2), 26, "Packets.Udp with payload and identification");
                int mss = (int)(number % 3) == 0 ? 0 : 536 + (int)(number % 9000);
                byte[] options = mss > 0 ? new byte[] { 2, 4, (byte)(mss >> 8), (byte)mss } : new byte[0];
                byte[] tcpPayload = (flags & Packets.Syn) != 0 ? new byte[0] : payload24;
                uint ack = (flags & Packets.Ack) != 0 ? 5000u : 0u;
                SameAsPacketDotNet(Packets.Tcp(host, port, remote, remotePort, flags, mss),
                    PacketDotNetBuilders.Tcp(host, remote, port, remotePort, 1000, ack, flags, 64240, 0, options, tcpPayload), -1, "Packets.Tcp");
                uint rest = ((uint)port << 16) | remotePort;
                SameAsPacketDotNet(Packets.EchoRequest(host, remote, port, remotePort),
                    PacketDotNetBuilders.Icmp(host, remote, PacketDotNet.IcmpV4TypeCode.EchoRequest, rest, payload24), -1, "Packets.EchoRequest");
                SameAsPacketDotNet(Packets.EchoReply(host, remote, port, remotePort),
                    PacketDotNetBuilders.Icmp(host, remote, PacketDotNet.IcmpV4TypeCode.EchoReply, rest, payload24), -1, "Packets.EchoReply");
                byte[] quoted = Packets.Udp(remote, remotePort, host, port);
                SameAsPacketDotNet(Packets.IcmpError(host, remote, IcmpV4TypeCode.UnreachableFragmentationNeeded, quoted, 28, 1400),
                    PacketDotNetBuilders.Icmp(host, remote, PacketDotNet.IcmpV4TypeCode.UnreachableFragmentationNeeded, 1400, Oracle.Slice(quoted, 0, 28)), -1, "Packets.IcmpError");
                var esp = new byte[32];
                Packets.WriteUInt32(esp, 0, number);
                Packets.WriteUInt32(esp, 4, 1);
                for (int i = 8; i < esp.Length; i++)
                {
                    esp[i] = (byte)(number + i);
                }

                SameAsPacketDotNet(Packets.Esp(host, remote, number),
                    PacketDotNetBuilders.Raw(host, remote, PacketDotNet.ProtocolType.IPSecEncapsulatingSecurityPayload, esp), -1, "Packets.Esp");
                byte[] keyed = { 0x20, 0, 0x08, 0, (byte)(number >> 24), (byte)(number >> 16), (byte)(number >> 8), (byte)number, 0x45, 0, 0, 0, 0, 0, 0, 0 };
                SameAsPacketDotNet(Packets.Gre(host, remote, number), PacketDotNetBuilders.Raw(host, remote, PacketDotNet.ProtocolType.Gre, keyed), -1, "Packets.Gre keyed");
                byte[] keyless = { 0, 0, 0x08, 0, 0x45, 0, 0, 0, 0, 0, 0, 0 };
                SameAsPacketDotNet(Packets.Gre(host, remote), PacketDotNetBuilders.Raw(host, remote, PacketDotNet.ProtocolType.Gre, keyless), -1, "Packets.Gre keyless");
            }, 1500);
        }

        [TestMethod]
        public void PptpSegmentsAndFragments_RandomFields_SameBytesAsPacketDotNet()
        {
            CsCheckRuns.Sample(Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.Int[0, 3], Gen.Byte.Array[0, 200], Gen.Int[0, 20]), (source, sequence, acknowledgment, flagChoice, payload, offsetUnits) =>
            {
                bool syn = (flagChoice & 1) != 0;
                bool hasAck = (flagChoice & 2) != 0;
                uint server = PptpFixtures.ServerAddress;
                SameAsPacketDotNet(PptpFixtures.TcpSegment(source, server, 40000, 1723, sequence, acknowledgment, syn, hasAck, payload),
                    PacketDotNetBuilders.PptpSegment(source, server, 40000, 1723, sequence, acknowledgment, syn, hasAck, payload), -1, "PPTP segment");

                // A fragment (its payload any bytes, MF as chosen) as FragmentTests and FragmentTrackerTests build them.
                bool more = syn;
                foreach (byte timeToLive in new byte[] { 64, 50 })
                {
                    SameAsPacketDotNet(Oracle.IPv4(source, server, Oracle.ProtocolUdp, payload, timeToLive, (int)(sequence & 0xFFFF), more ? 1 : 0, offsetUnits, 0),
                        PacketDotNetBuilders.Fragment(source, server, timeToLive, (ushort)sequence, payload, offsetUnits * 8, more), -1, "fragment");
                }

                SameAsPacketDotNet(Oracle.UdpDatagram(source, server, 500, 4500, payload), PacketDotNetBuilders.UdpDatagram(source, server, 500, 4500, payload), 6, "UDP datagram");
            }, 2000);
        }

        [TestMethod]
        public void Udp_ChecksumComputesToZero_Oracle0xFFFFWherePacketDotNetWrites0()
        {
            // With a zero data word the datagram sums to S and its checksum is ~S; a data word of ~S
            // makes the sum 0xFFFF, so the checksum computes to 0 (RFC 1071): the case CsCheck seed
            // 92PyN_zr1CX2 ran into.
            const uint source = 0xC6130402;
            const uint destination = 0xC612000A;
            byte[] probe = Oracle.UdpDatagram(source, destination, 1000, 2000, new byte[2]);
            byte[] payload = { probe[6], probe[7] };
            byte[] ours = Oracle.Udp(source, destination, 1000, 2000, payload);
            byte[] theirs = PacketDotNetBuilders.Udp(source, destination, 1000, 2000, payload);

            Assert.AreEqual(0, Packets.ReadUInt16(theirs, 26), "PacketDotNet writes the computed 0 as 0x0000");
            Assert.AreEqual(0xFFFF, Packets.ReadUInt16(ours, 26), "the oracle sends it as 0xFFFF (RFC 768)");
            Assert.IsTrue(Oracle.Reparse(ours).ValidUdpChecksum);
            var reparsed = new PacketDotNet.IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(ours));
            Assert.IsTrue(((PacketDotNet.UdpPacket)reparsed.PayloadPacket).ValidUdpChecksum, "PacketDotNet accepts 0xFFFF");
            SameAsPacketDotNet(ours, theirs, 26, "UDP whose checksum computes to 0");
        }

        [TestMethod]
        public void SecondOpinion_OnTheHost_PacketDotNetReadsWhatTheOracleBuilds()
        {
            int before = Oracle.HostOracleChecks;
            Packets.Udp(Net.HostA, 40000, Net.Server, 53);
            Packets.Tcp(Net.HostA, 40000, Net.Server, 80, Packets.Syn, mss: 1460);
            Nat.Check.ChecksumsValid(Packets.EchoRequest(Net.HostA, Net.Server, 7));
            Assert.IsTrue(Oracle.HostOracleChecks >= before + 4, "PacketDotNet judged every packet built or checked");
        }
    }
}
