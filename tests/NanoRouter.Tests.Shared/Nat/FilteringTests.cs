using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Address-dependent filtering (RFC 4787 REQ-8, issue #2's default), "replies and ICMP errors
    /// never create entries", and hairpinning (RFC 4787 REQ-9).
    /// </summary>
    [TestClass]
    public class FilteringTests
    {
        [DataRow(17)]
        [DataRow(6)]
        [TestMethod]
        public void Process_ReplyFromContactedRemoteAnyPort_Passes(int protocol)
        {
            var rig = new NatRig();
            rig.Out(NaptTests.Protocol(protocol, Net.HostA, 40000, Net.Server, 1701));
            // L2TP servers answer from another port (RFC 2661 section 8.1): address-dependent, not port-dependent.
            byte[] reply = rig.In(NaptTests.Reply(protocol, Net.Server, 4242, 40000));
            Assert.AreEqual(Net.HostA, Check.Destination(reply));
            Assert.AreEqual((ushort)4242, Check.SourcePort(reply));
        }

        [DataRow(17)]
        [DataRow(6)]
        [TestMethod]
        public void Process_FromAnotherAddress_DroppedFiltered(int protocol)
        {
            var rig = new NatRig();
            rig.Out(NaptTests.Protocol(protocol, Net.HostA, 40000, Net.Server, 80));
            rig.Dropped(NaptTests.Reply(protocol, Net.Stranger, 80, 40000), Side.Wan, DropReason.Filtered, "other address");
            Assert.AreEqual(1, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Process_EchoReplyFromAnotherAddress_DroppedFiltered()
        {
            var rig = new NatRig();
            rig.Out(Packets.EchoRequest(Net.HostA, Net.Server, 0x0777));
            rig.Dropped(Packets.EchoReply(Net.Stranger, Net.Wan, 0x0777), Side.Wan, DropReason.Filtered, "echo reply from a stranger");
        }

        [TestMethod]
        public void Process_FilteredThenContacted_Passes()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 80));
            rig.Dropped(Packets.Udp(Net.Server2, 80, Net.Wan, 40000), Side.Wan, DropReason.Filtered, "before contact");
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server2, 80));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Udp(Net.Server2, 80, Net.Wan, 40000))));
        }

        [DataRow(17, 40000)]
        [DataRow(6, 40000)]
        [DataRow(17, 500)]
        [DataRow(17, 4500)]
        [TestMethod]
        public void Process_Unsolicited_DroppedNoMappingAndCounted(int protocol, int port)
        {
            var rig = new NatRig();
            int total = rig.Engine.TotalDrops;
            rig.Dropped(NaptTests.Reply(protocol, Net.Server, 80, (ushort)port), Side.Wan, DropReason.NoMapping, "unsolicited");
            Assert.AreEqual(total + 1, rig.Engine.TotalDrops);
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Process_UnsolicitedEchoReply_DroppedNoEntry()
        {
            var rig = new NatRig();
            rig.Dropped(Packets.EchoReply(Net.Server, Net.Wan, 0x1234), Side.Wan, DropReason.NoMapping, "unsolicited echo reply");
        }

        [TestMethod]
        public void Process_RepliesAndErrorsFromLan_NeverCreateEntries()
        {
            var rig = new NatRig();
            // An echo reply, a TCP SYN-ACK, an RST and a port unreachable from the LAN with nothing to answer.
            Assert.AreNotEqual(Verdict.Forward, rig.Process(Packets.EchoReply(Net.HostA, Net.Server, 0x0101), Side.Lan));
            Assert.AreNotEqual(Verdict.Forward, rig.Process(Packets.Tcp(Net.HostA, 80, Net.Server, 5555, Packets.Syn | Packets.Ack), Side.Lan));
            Assert.AreNotEqual(Verdict.Forward, rig.Process(Packets.Tcp(Net.HostA, 80, Net.Server, 5555, Packets.Rst), Side.Lan));
            byte[] inbound = Packets.Udp(Net.Server, 53, Net.HostA, 40000);
            Assert.AreNotEqual(Verdict.Forward, rig.Process(Packets.IcmpError(Net.HostA, Net.Server, IcmpV4TypeCode.UnreachablePort, inbound), Side.Lan));
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Process_ErrorsFromWanAboutUnknownFlows_DroppedNoEntry()
        {
            var rig = new NatRig();
            byte[] quoted = Packets.Udp(Net.Wan, 40000, Net.Server, 53);
            rig.Dropped(Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, quoted), Side.Wan, DropReason.IcmpNoMapping, "error about nothing");
        }

        /// <summary>
        /// Hairpinning: A and B both have mappings (from talking to a server). B sends to the WAN
        /// address on A's external port first (so, under address-dependent filtering, B's mapping
        /// accepts traffic from the WAN address); then A reaches B through the WAN address and B's
        /// external port, appearing as the WAN address and A's external port; B answers the same way.
        /// </summary>
        [TestMethod]
        public void Process_HostToHostThroughWanAddress_Hairpinned()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 3478));
            ushort portB = Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 40000, Net.Server, 3478)));
            const ushort portA = 40000;

            // B punches: WAN:portA. Whatever its fate, it opens B's side towards the WAN address.
            rig.Process(Packets.Udp(Net.HostB, 40000, Net.Wan, portA), Side.Lan);

            Verdict verdict = rig.Process(Packets.Udp(Net.HostA, 40000, Net.Wan, portB, new byte[] { 0xAB }), Side.Lan, out byte[] toB);
            Assert.AreEqual(Verdict.Forward, verdict, "A to WAN:portB (last drop " + rig.Engine.LastDrop + ")");
            Assert.AreEqual(Side.Lan, rig.Engine.Egress);
            Check.ChecksumsValid(toB, "hairpinned to B");
            Assert.AreEqual(Net.Wan, Check.Source(toB));
            Assert.AreEqual(portA, Check.SourcePort(toB));
            Assert.AreEqual(Net.HostB, Check.Destination(toB));
            Assert.AreEqual((ushort)40000, Check.DestinationPort(toB));

            verdict = rig.Process(Packets.Udp(Net.HostB, 40000, Net.Wan, portA, new byte[] { 0xCD }), Side.Lan, out byte[] toA);
            Assert.AreEqual(Verdict.Forward, verdict, "B answers to WAN:portA (last drop " + rig.Engine.LastDrop + ")");
            Assert.AreEqual(Side.Lan, rig.Engine.Egress);
            Check.ChecksumsValid(toA, "hairpinned to A");
            Assert.AreEqual(Net.Wan, Check.Source(toA));
            Assert.AreEqual(portB, Check.SourcePort(toA));
            Assert.AreEqual(Net.HostA, Check.Destination(toA));
            Assert.AreEqual((ushort)40000, Check.DestinationPort(toA));
        }

        /// <summary>
        /// Hairpinned datagrams the size of real traffic, again and again: each one must come back
        /// into the LAN, also once a session for it exists (the established path must not send a packet
        /// to the WAN address out of the WAN).
        /// </summary>
        [TestMethod]
        public void Process_HairpinRepeatedFullSizeDatagrams_EachReachesTheOtherHost()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 3478));
            ushort portB = Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 40000, Net.Server, 3478)));
            rig.Process(Packets.Udp(Net.HostB, 40000, Net.Wan, 40000), Side.Lan);
            byte[] payload = new byte[100];
            for (int i = 0; i < 5; i++)
            {
                payload[0] = (byte)i;
                Verdict verdict = rig.Process(Packets.Udp(Net.HostA, 40000, Net.Wan, portB, payload), Side.Lan, out byte[] toB);
                Assert.AreEqual(Verdict.Forward, verdict, "datagram " + i + " (last drop " + rig.Engine.LastDrop + ")");
                Assert.AreEqual(Side.Lan, rig.Engine.Egress, "datagram " + i + " egress");
                Check.ChecksumsValid(toB, "hairpinned datagram " + i);
                Assert.AreEqual(Net.Wan, Check.Source(toB), "datagram " + i + " source");
                Assert.AreEqual(Net.HostB, Check.Destination(toB), "datagram " + i + " destination");
                Assert.AreEqual((ushort)40000, Check.DestinationPort(toB), "datagram " + i + " port");
            }
        }

        [TestMethod]
        public void Process_HairpinToUnmappedPort_NotForwarded()
        {
            var rig = new NatRig();
            Assert.AreNotEqual(Verdict.Forward, rig.Process(Packets.Udp(Net.HostA, 40000, Net.Wan, 61000), Side.Lan));
        }
    }
}
