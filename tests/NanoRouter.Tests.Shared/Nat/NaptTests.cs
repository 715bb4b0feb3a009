using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// NAPT for TCP, UDP and ICMP echo (issue #2, "NAT engine"): source rewritten to the WAN address,
    /// endpoint-independent mapping and port preservation (RFC 4787 REQ-1, REQ-3), ports below 1024
    /// within 1-1023, echo identifiers remapped on collision. Every input is built by the oracle and
    /// every output checked by it (and by PacketDotNet, on the host).
    /// </summary>
    [TestClass]
    public class NaptTests
    {
        [TestMethod]
        public void Process_UdpOutThenReply_TranslatedBothWays()
        {
            var rig = new NatRig();
            byte[] output = rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            Assert.AreEqual(Net.Wan, Check.Source(output));
            Assert.AreEqual(Net.Server, Check.Destination(output));
            Assert.AreEqual((ushort)40000, Check.SourcePort(output), "port preserved");
            Assert.AreEqual((ushort)53, Check.DestinationPort(output));
            Assert.AreEqual(1, rig.Engine.Table.Count);

            byte[] reply = rig.In(Packets.Udp(Net.Server, 53, Net.Wan, 40000));
            Assert.AreEqual(Net.Server, Check.Source(reply));
            Assert.AreEqual(Net.HostA, Check.Destination(reply));
            Assert.AreEqual((ushort)40000, Check.DestinationPort(reply));
            Assert.AreEqual(1, rig.Engine.Table.Count, "a reply creates no entry");
        }

        [TestMethod]
        public void Process_TcpHandshakeAndData_TranslatedBothWays()
        {
            var rig = new NatRig();
            byte[] syn = rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1400));
            Assert.AreEqual(Net.Wan, Check.Source(syn));
            Assert.AreEqual((ushort)50000, Check.SourcePort(syn));
            byte[] synAck = rig.In(Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Syn | Packets.Ack, mss: 1400));
            Assert.AreEqual(Net.HostA, Check.Destination(synAck));
            rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Ack));
            byte[] data = rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Ack | Packets.Psh, payload: new byte[] { 1, 2, 3, 4, 5 }));
            Assert.AreEqual(Net.Wan, Check.Source(data));
            byte[] answer = rig.In(Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Ack | Packets.Psh, payload: new byte[] { 9, 8, 7 }));
            Assert.AreEqual(Net.HostA, Check.Destination(answer));
            Assert.AreEqual((ushort)50000, Check.DestinationPort(answer));
            Assert.AreEqual(1, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Process_TcpWithoutSyn_NoSessionCreated()
        {
            var rig = new NatRig();
            rig.Dropped(Packets.Tcp(Net.HostA, 50001, Net.Server, 443, Packets.Ack), Side.Lan, DropReason.NoMapping, "a stray ACK opens nothing");
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Process_IcmpEchoOutThenReply_TranslatedBothWays()
        {
            var rig = new NatRig();
            byte[] request = rig.Out(Packets.EchoRequest(Net.HostA, Net.Server, 0x0042, 7));
            Assert.AreEqual(Net.Wan, Check.Source(request));
            Assert.AreEqual((ushort)0x0042, Check.SourcePort(request), "identifier preserved when free");
            byte[] reply = rig.In(Packets.EchoReply(Net.Server, Net.Wan, 0x0042, 7));
            Assert.AreEqual(Net.HostA, Check.Destination(reply));
            Assert.AreEqual((ushort)0x0042, Check.DestinationPort(reply));
        }

        [TestMethod]
        public void Process_EchoIdentifierCollides_RemappedAndRepliesReachTheirHost()
        {
            var rig = new NatRig();
            byte[] a = rig.Out(Packets.EchoRequest(Net.HostA, Net.Server, 0x0100));
            byte[] b = rig.Out(Packets.EchoRequest(Net.HostB, Net.Server, 0x0100));
            ushort idA = Check.SourcePort(a);
            ushort idB = Check.SourcePort(b);
            Assert.AreEqual((ushort)0x0100, idA);
            Assert.AreNotEqual(idA, idB, "the second host's identifier is remapped");

            byte[] toB = rig.In(Packets.EchoReply(Net.Server, Net.Wan, idB));
            Assert.AreEqual(Net.HostB, Check.Destination(toB));
            Assert.AreEqual((ushort)0x0100, Check.DestinationPort(toB), "identifier restored");
            byte[] toA = rig.In(Packets.EchoReply(Net.Server, Net.Wan, idA));
            Assert.AreEqual(Net.HostA, Check.Destination(toA));
            Assert.AreEqual((ushort)0x0100, Check.DestinationPort(toA));

            // The same remapped flow again (established: the established path) keeps its identifier.
            byte[] again = rig.Out(Packets.EchoRequest(Net.HostB, Net.Server, 0x0100, 2));
            Assert.AreEqual(idB, Check.SourcePort(again));
        }

        [DataRow(17)]
        [DataRow(6)]
        [TestMethod]
        public void Process_SameSourceToTwoRemotes_SameExternalPort(int protocol)
        {
            var rig = new NatRig();
            rig.Out(Protocol(protocol, Net.HostC, 33333, Net.Server, 80)); // host C takes 33333 first
            byte[] first = rig.Out(Protocol(protocol, Net.HostA, 33333, Net.Server, 80));
            byte[] second = rig.Out(Protocol(protocol, Net.HostA, 33333, Net.Server2, 8080));
            Assert.AreNotEqual((ushort)33333, Check.SourcePort(first), "remapped: host C holds 33333");
            Assert.AreEqual(Check.SourcePort(first), Check.SourcePort(second), "endpoint-independent mapping");
        }

        [DataRow(17)]
        [DataRow(6)]
        [TestMethod]
        public void Process_SecondHostSamePort_GetsAnotherPortAndOwnReplies(int protocol)
        {
            var rig = new NatRig();
            byte[] a = rig.Out(Protocol(protocol, Net.HostA, 40000, Net.Server, 80));
            byte[] b = rig.Out(Protocol(protocol, Net.HostB, 40000, Net.Server, 80));
            Assert.AreEqual((ushort)40000, Check.SourcePort(a), "port preservation");
            ushort portB = Check.SourcePort(b);
            Assert.AreNotEqual((ushort)40000, portB);
            Assert.IsTrue(portB >= 1024, "a high port maps to a high port");

            byte[] toB = rig.In(Reply(protocol, Net.Server, 80, portB));
            Assert.AreEqual(Net.HostB, Check.Destination(toB));
            Assert.AreEqual((ushort)40000, Check.DestinationPort(toB));
            byte[] toA = rig.In(Reply(protocol, Net.Server, 80, 40000));
            Assert.AreEqual(Net.HostA, Check.Destination(toA));
            Assert.AreEqual((ushort)40000, Check.DestinationPort(toA));
        }

        [TestMethod]
        public void Process_Ike500_KeptWhenFreeSecondHostGetsAnotherPort()
        {
            var rig = new NatRig();
            byte[] a = rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500));
            byte[] b = rig.Out(Packets.Udp(Net.HostB, 500, Net.Server, 500));
            Assert.AreEqual((ushort)500, Check.SourcePort(a), "IKE keeps 500 when free");
            ushort portB = Check.SourcePort(b);
            Assert.AreNotEqual((ushort)500, portB);
            Assert.IsTrue(portB >= 1 && portB <= 1023, "a port below 1024 maps within 1-1023, got " + portB);

            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Udp(Net.Server, 500, Net.Wan, portB))));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Udp(Net.Server, 500, Net.Wan, 500))));
        }

        [TestMethod]
        public void Process_LowPortsNearlyFull_RemappedToTheLastFreeLowPort()
        {
            // Host A holds every UDP port 1-1023 but 700 (67 and 68 are the router's DHCP ports).
            var rig = new NatRig(2048, o => o.HostQuota = 2048);
            for (int port = 1; port <= 1023; port++)
            {
                if (port != 700 && port != 67 && port != 68)
                {
                    rig.Out(Packets.Udp(Net.HostA, (ushort)port, Net.Server, 9999), "fill " + port);
                }
            }

            byte[] b = rig.Out(Packets.Udp(Net.HostB, 123, Net.Server, 123), "host B from 123");
            Assert.AreEqual((ushort)700, Check.SourcePort(b), "the one free port below 1024");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Udp(Net.Server, 123, Net.Wan, 700))));
        }

        [TestMethod]
        public void Process_LowPortsAllTaken_StillForwardedNotDropped()
        {
            // Issue #2: "Ports below 1024 are mapped within 1-1023, never dropped." With every one of
            // them taken, the packet must still go out (on some free port) rather than be dropped.
            var rig = new NatRig(2048, o => o.HostQuota = 2048);
            for (int port = 1; port <= 1023; port++)
            {
                if (port == 67 || port == 68)
                {
                    continue;
                }

                rig.Out(Packets.Udp(Net.HostA, (ushort)port, Net.Server, 9999), "fill " + port);
            }

            byte[] b = rig.Out(Packets.Udp(Net.HostB, 123, Net.Server, 123), "host B from 123 with 1-1023 all taken");
            ushort mapped = Check.SourcePort(b);
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Udp(Net.Server, 123, Net.Wan, mapped))));
        }

        [TestMethod]
        public void Process_EstablishedFlowRepeated_SameTranslationEveryTime()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 80));
            byte[] b1 = rig.Out(Packets.Udp(Net.HostB, 40000, Net.Server, 80));
            for (int i = 0; i < 5; i++)
            {
                byte[] again = rig.Out(Packets.Udp(Net.HostB, 40000, Net.Server, 80, new byte[] { (byte)i, 1, 2 }));
                CollectionAssert.AreEqual(Check.Slice(b1, 12, 4), Check.Slice(again, 12, 4));
                Assert.AreEqual(Check.SourcePort(b1), Check.SourcePort(again));
                rig.In(Packets.Udp(Net.Server, 80, Net.Wan, Check.SourcePort(b1), new byte[] { (byte)i }));
            }

            Assert.AreEqual(2, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Process_UdpWithoutChecksum_StaysWithoutChecksum()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 80));
            byte[] packet = Packets.Udp(Net.HostB, 40000, Net.Server, 80);
            packet[26] = 0;
            packet[27] = 0;
            byte[] output = rig.Out(packet);
            Assert.AreEqual(0, (int)Packets.ReadUInt16(output, 26), "checksum 0 means none (RFC 768): left 0");
            Assert.AreNotEqual((ushort)40000, Check.SourcePort(output));
            byte[] reply = Packets.Udp(Net.Server, 80, Net.Wan, Check.SourcePort(output));
            reply[26] = 0;
            reply[27] = 0;
            byte[] back = rig.In(reply);
            Assert.AreEqual(0, (int)Packets.ReadUInt16(back, 26));
        }

        [TestMethod]
        public void Process_UdpWithoutChecksumOnAnEstablishedSession_IsTheSessions_WhateverTheRemotePort()
        {
            // Sessions are (host, port, remote address): a datagram to the server's port 500 on a
            // session opened to its port 53 is that session's, with a checksum or without (so the
            // native path, which forwards both, and the engine count it alike).
            var rig = new NatRig();
            byte[] first = rig.Out(Packets.Udp(Net.HostA, 5300, Net.Server, 53));
            rig.In(Packets.Udp(Net.Server, 53, Net.Wan, Check.SourcePort(first)));
            int entries = rig.Engine.Table.Count;
            byte[] withSum = rig.Out(Packets.Udp(Net.HostA, 5300, Net.Server, 500));
            byte[] without = Packets.Udp(Net.HostA, 5300, Net.Server, 500);
            without[26] = 0;
            without[27] = 0;
            byte[] output = rig.Out(without);
            Assert.AreEqual(Check.SourcePort(withSum), Check.SourcePort(output), "the session's external port");
            Assert.AreEqual(0, (int)Packets.ReadUInt16(output, 26), "no checksum stays none");
            Assert.AreEqual(entries, rig.Engine.Table.Count, "no new session");
            Assert.AreEqual(0, rig.Engine.Passthrough.PacketsOut(PassthroughProtocol.Ike), "not counted as IKE");
        }

        [TestMethod]
        public void Process_EthernetPadding_ForwardedIgnoringPad()
        {
            // lwIP hands over frames padded to Ethernet's minimum: bytes after the IPv4 total length.
            var rig = new NatRig();
            byte[] packet = Packets.Udp(Net.HostA, 40000, Net.Server, 80, new byte[] { 1 });
            var padded = new byte[packet.Length + 17];
            packet.CopyTo(padded, 0);
            Assert.AreEqual(Verdict.Forward, rig.Engine.Process(padded, padded.Length, Side.Lan));
            Check.ChecksumsValid(Check.Slice(padded, 0, packet.Length), "padded");
            Assert.AreEqual(Net.Wan, Check.Source(padded));
        }

        [TestMethod]
        public void Process_SpoofedLanSource_DroppedEvenWithAFlowOnTheSameHostByte()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 80));
            // 10.9.9.2 shares host A's last byte, port and remote: it must not ride host A's session.
            rig.Dropped(Packets.Udp(0x0A090902, 40000, Net.Server, 80), Side.Lan, DropReason.Spoofed, "spoofed source, existing session");
            rig.Dropped(Packets.Udp(0x0A090902, 40001, Net.Server, 80), Side.Lan, DropReason.Spoofed, "spoofed source, new session");
        }

        [TestMethod]
        public void Process_ToRouterOrLanAddresses_Local()
        {
            var rig = new NatRig();
            Assert.AreEqual(Verdict.Local, rig.Process(Packets.Udp(Net.HostA, 40000, Net.RouterLan, 53), Side.Lan));
            Assert.AreEqual(Verdict.Local, rig.Process(Packets.Udp(Net.Server, 40000, Net.Server2, 53), Side.Wan), "not for our WAN address");
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }

        internal static byte[] Protocol(int protocol, uint source, ushort sourcePort, uint destination, ushort destinationPort)
        {
            return protocol == 6
                ? Packets.Tcp(source, sourcePort, destination, destinationPort, Packets.Syn, mss: 1400)
                : Packets.Udp(source, sourcePort, destination, destinationPort);
        }

        internal static byte[] Reply(int protocol, uint remote, ushort remotePort, ushort externalPort)
        {
            return protocol == 6
                ? Packets.Tcp(remote, remotePort, Net.Wan, externalPort, Packets.Syn | Packets.Ack, mss: 1400)
                : Packets.Udp(remote, remotePort, Net.Wan, externalPort);
        }
    }
}
