using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Port forwarding (issue 14, section 3): a WAN packet to the WAN address and a rule's external
    /// port opens a session to the rule's LAN host and port (DNAT), whose replies leave from the
    /// external port; ICMP errors about forwarded flows are translated both ways; a LAN host reaches
    /// the rule through the WAN address (hairpin); a rule switched off refuses (drop, counted); the
    /// allocator never hands out a rule's port. Packets are built and checked by the tests' own
    /// oracle (RFC 791/793/768/792 with RFC 1071 checksums).
    /// </summary>
    [TestClass]
    public class PortForwardTests
    {
        private static NatRig WithRules(bool enabled = true)
        {
            var rig = new NatRig();
            var rules = new PortForwards();
            rules.Add(PortForwards.ProtocolTcp, 8022, Net.HostA, 22, enabled);
            rules.Add(PortForwards.ProtocolUdp, 5353, Net.HostB, 53, enabled);
            int bad;
            Assert.IsNull(rig.Engine.CheckForwards(rules, out bad), "the rules are acceptable");
            rig.Engine.SetForwards(rules);
            rig.Engine.Tick();
            Assert.AreEqual(2, rig.Engine.Forwards.Count, "in force after a tick");
            return rig;
        }

        [TestMethod]
        public void Process_TcpSynToForwardedPort_DnatToHostAndRepliesFromExternalPort()
        {
            var rig = WithRules();
            byte[] syn = Packets.Tcp(Net.Server, 40001, Net.Wan, 8022, Packets.Syn, mss: 1460, sequence: 7000);
            byte[] inside = rig.In(syn, "SYN to 8022");
            Assert.AreEqual(Net.Server, Check.Source(inside), "the remote's address stays");
            Assert.AreEqual(Net.HostA, Check.Destination(inside), "to the rule's host");
            Assert.AreEqual(22, (int)Check.DestinationPort(inside), "to the rule's port");
            Assert.AreEqual(40001, (int)Check.SourcePort(inside));
            Assert.AreEqual(1, rig.Engine.ForwardFlows(0), "one flow opened by rule 0");
            Assert.AreEqual(1, rig.Engine.Table.Count);

            byte[] synAck = Packets.Tcp(Net.HostA, 22, Net.Server, 40001, Packets.Syn | Packets.Ack, mss: 1460, sequence: 90000, acknowledgment: 7001);
            byte[] outside = rig.Out(synAck, "SYN-ACK back");
            Assert.AreEqual(Net.Wan, Check.Source(outside), "from the WAN address");
            Assert.AreEqual(8022, (int)Check.SourcePort(outside), "from the external port");
            Assert.AreEqual(Net.Server, Check.Destination(outside));
            Assert.AreEqual(40001, (int)Check.DestinationPort(outside));
            Assert.AreEqual(NatTable.StateEstablished, rig.Engine.Table.Inside[FindOnly(rig)] & NatTable.StateMask, "the host's SYN-ACK makes it established");

            // The rest of the connection takes the established path both ways.
            byte[] data = rig.In(Packets.Tcp(Net.Server, 40001, Net.Wan, 8022, Packets.Ack | Packets.Psh, sequence: 7001, acknowledgment: 90001), "data in");
            Assert.AreEqual(22, (int)Check.DestinationPort(data));
            byte[] reply = rig.Out(Packets.Tcp(Net.HostA, 22, Net.Server, 40001, Packets.Ack | Packets.Psh, sequence: 90001, acknowledgment: 7100), "data out");
            Assert.AreEqual(8022, (int)Check.SourcePort(reply));
            Assert.AreEqual(1, rig.Engine.Table.Count, "one session for the whole connection");
        }

        [TestMethod]
        public void Process_UdpToForwardedPort_DnatAndReplyTranslatedBack()
        {
            var rig = WithRules();
            byte[] inside = rig.In(Packets.Udp(Net.Server2, 33333, Net.Wan, 5353), "query");
            Assert.AreEqual(Net.HostB, Check.Destination(inside));
            Assert.AreEqual(53, (int)Check.DestinationPort(inside));
            byte[] outside = rig.Out(Packets.Udp(Net.HostB, 53, Net.Server2, 33333), "answer");
            Assert.AreEqual(Net.Wan, Check.Source(outside));
            Assert.AreEqual(5353, (int)Check.SourcePort(outside));
            Assert.AreEqual(33333, (int)Check.DestinationPort(outside));

            // A second remote gets its own session on the same rule (no address-dependent filter).
            rig.In(Packets.Udp(Net.Stranger, 44444, Net.Wan, 5353), "another remote");
            Assert.AreEqual(2, rig.Engine.ForwardFlows(1));
        }

        [TestMethod]
        public void Process_TcpNotSynToForwardedPort_DroppedAsStray()
        {
            var rig = WithRules();
            rig.Dropped(Packets.Tcp(Net.Server, 40001, Net.Wan, 8022, Packets.Ack), Side.Wan, DropReason.NoMapping, "ACK without a session");
            Assert.AreEqual(0, rig.Engine.ForwardFlows(0));
        }

        [TestMethod]
        public void Process_DisabledRule_Refuses()
        {
            var rig = WithRules(false);
            rig.Dropped(Packets.Tcp(Net.Server, 40001, Net.Wan, 8022, Packets.Syn), Side.Wan, DropReason.ForwardOff, "TCP to a rule that is off");
            rig.Dropped(Packets.Udp(Net.Server, 40001, Net.Wan, 5353), Side.Wan, DropReason.ForwardOff, "UDP to a rule that is off");
            Assert.AreEqual(1, rig.Engine.ForwardRefused(0));
            Assert.AreEqual(1, rig.Engine.ForwardRefused(1));
            Assert.AreEqual(0, rig.Engine.ForwardFlows(0));
        }

        [TestMethod]
        public void SetForwards_RuleSwitchedOff_EndsItsSessions()
        {
            var rig = WithRules();
            rig.In(Packets.Udp(Net.Server, 33333, Net.Wan, 5353), "query");
            rig.In(Packets.Tcp(Net.Server, 40001, Net.Wan, 8022, Packets.Syn), "SYN");
            Assert.AreEqual(2, rig.Engine.Table.Count);

            var rules = new PortForwards();
            rules.CopyFrom(rig.Engine.Forwards);
            rules.Enabled[1] = false;
            rig.Engine.SetForwards(rules);
            rig.Engine.Tick();
            Assert.AreEqual(1, rig.Engine.Table.Count, "the UDP rule's session ended, the TCP one lives");
            Assert.AreEqual(1, rig.Engine.ForwardFlows(0), "the unchanged rule keeps its counters");
            rig.Dropped(Packets.Udp(Net.Server, 33333, Net.Wan, 5353), Side.Wan, DropReason.ForwardOff, "the next datagram");
        }

        [TestMethod]
        public void Process_IcmpErrorsOfForwardedFlow_TranslatedBothWays()
        {
            var rig = WithRules();
            rig.In(Packets.Udp(Net.Server, 33333, Net.Wan, 5353), "query");
            byte[] answer = Packets.Udp(Net.HostB, 53, Net.Server, 33333, new byte[] { 9, 8, 7, 6, 5, 4, 3, 2, 1 });
            byte[] wire = rig.Out(answer, "answer");
            int count = rig.Engine.Table.Count;

            // From the WAN: the remote's port is closed; the error quotes what left the router.
            byte[] error = Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, wire);
            byte[] back = rig.In(error, "port unreachable from the WAN");
            Assert.AreEqual(Net.HostB, Check.Destination(back), "to the rule's host");
            CollectionAssert.AreEqual(answer, Check.Quoted(back), "the quote is what host B sent");
            Check.QuotedValid(back, 28, "quoted");

            // From the LAN: host B answers a later datagram with an error; it leaves as the router's.
            byte[] query = rig.In(Packets.Udp(Net.Server, 33333, Net.Wan, 5353, new byte[] { 1, 2, 3 }), "second query");
            byte[] lanError = Packets.IcmpError(Net.HostB, Net.Server, IcmpV4TypeCode.UnreachablePort, query);
            byte[] outError = rig.Out(lanError, "port unreachable from host B");
            Assert.AreEqual(Net.Wan, Check.Source(outError));
            byte[] quoted = Check.Quoted(outError);
            Assert.AreEqual(Net.Wan, Check.Destination(quoted), "the quote's destination is the WAN address again");
            Assert.AreEqual(5353, (int)Check.DestinationPort(quoted), "and the external port");
            Check.QuotedValid(outError, 28, "quoted");
            Assert.AreEqual(count, rig.Engine.Table.Count, "errors create no entries");
        }

        [TestMethod]
        public void Process_HairpinFromLanToForwardedPort_ReachesHostAndRepliesComeBack()
        {
            var rig = WithRules();
            uint client = Net.HostC;
            byte[] syn = Packets.Tcp(client, 41000, Net.Wan, 8022, Packets.Syn, sequence: 100);
            Verdict verdict = rig.Process(syn, Side.Lan, out byte[] toHost);
            Assert.AreEqual(Verdict.Forward, verdict, "hairpinned (last drop " + rig.Engine.LastDrop + ")");
            Assert.AreEqual(Side.Lan, rig.Engine.Egress);
            Check.ChecksumsValid(toHost, "hairpinned SYN");
            Assert.AreEqual(Net.HostA, Check.Destination(toHost), "to the rule's host");
            Assert.AreEqual(22, (int)Check.DestinationPort(toHost));
            Assert.AreEqual(Net.Wan, Check.Source(toHost), "from the WAN address, so the reply comes back to the router");
            ushort senderPort = Check.SourcePort(toHost);

            byte[] synAck = Packets.Tcp(Net.HostA, 22, Net.Wan, senderPort, Packets.Syn | Packets.Ack, sequence: 900, acknowledgment: 101);
            verdict = rig.Process(synAck, Side.Lan, out byte[] toClient);
            Assert.AreEqual(Verdict.Forward, verdict, "the reply (last drop " + rig.Engine.LastDrop + ")");
            Check.ChecksumsValid(toClient, "reply");
            Assert.AreEqual(client, Check.Destination(toClient), "back to the client");
            Assert.AreEqual(41000, (int)Check.DestinationPort(toClient));
            Assert.AreEqual(Net.Wan, Check.Source(toClient), "from the address it connected to");
            Assert.AreEqual(8022, (int)Check.SourcePort(toClient), "and the port");
            Assert.AreEqual(1, rig.Engine.ForwardFlows(0));
        }

        [TestMethod]
        public void Process_HairpinToDisabledRule_Refused()
        {
            var rig = WithRules(false);
            rig.Process(Packets.Udp(Net.HostC, 41000, Net.Wan, 5353), Side.Lan);
            Assert.AreEqual(DropReason.ForwardOff, rig.Engine.LastDrop);
            Assert.AreEqual(1, rig.Engine.ForwardRefused(1));
        }

        [TestMethod]
        public void Allocate_LanPortEqualToRulePort_NotPreserved()
        {
            var rig = WithRules();
            byte[] wire = rig.Out(Packets.Udp(Net.HostC, 5353, Net.Server, 5353), "host C from port 5353");
            Assert.AreNotEqual(5353, (int)Check.SourcePort(wire), "the rule's port is not handed out");

            // The rule's own host and port may leave on it (the same mapping as the rule's).
            var rules = new PortForwards();
            rules.Add(PortForwards.ProtocolUdp, 6000, Net.HostB, 6000, true);
            rig.Engine.SetForwards(rules);
            rig.Engine.Tick();
            wire = rig.Out(Packets.Udp(Net.HostB, 6000, Net.Server, 53), "host B from its forwarded port");
            Assert.AreEqual(6000, (int)Check.SourcePort(wire));
        }

        [TestMethod]
        public void CheckForwards_PortHeldByLiveMapping_Refused()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostC, 7000, Net.Server, 53), "host C holds 7000");
            var rules = new PortForwards();
            rules.Add(PortForwards.ProtocolUdp, 7000, Net.HostA, 7000, true);
            int bad;
            string problem = rig.Engine.CheckForwards(rules, out bad);
            Assert.IsNotNull(problem, "held by host C's live mapping");
            Assert.IsTrue(problem.IndexOf("live mapping") >= 0, problem);
            Assert.AreEqual(0, bad);

            // TCP 7000 is free, and so is UDP 7000 for host C's own port 7000.
            rules.Clear();
            rules.Add(PortForwards.ProtocolTcp, 7000, Net.HostA, 7000, true);
            rules.Add(PortForwards.ProtocolUdp, 7000, Net.HostC, 7000, true);
            Assert.IsNull(rig.Engine.CheckForwards(rules, out bad));

            // Once the mapping expires, the port is free for anyone.
            rig.AdvanceSeconds(302);
            rules.Clear();
            rules.Add(PortForwards.ProtocolUdp, 7000, Net.HostA, 7000, true);
            Assert.IsNull(rig.Engine.CheckForwards(rules, out bad));
        }

        [TestMethod]
        [DataRow(6, 8022, 0xC6130402L, 22, "")] // acceptable
        [DataRow(1, 8022, 0xC6130402L, 22, "tcp or udp")]
        [DataRow(6, 0, 0xC6130402L, 22, "1 to 65535")]
        [DataRow(17, 8022, 0xC6130402L, 0, "1 to 65535")]
        [DataRow(6, 8022, 0xC6120702L, 22, "LAN address")] // a WAN host
        [DataRow(6, 8022, 0xC6130401L, 22, "LAN address")] // the router itself
        [DataRow(6, 8022, 0xC6130400L, 22, "LAN address")] // the network address
        [DataRow(6, 8022, 0xC61304FFL, 22, "LAN address")] // the broadcast address
        [DataRow(17, 67, 0xC6130402L, 67, "DHCP")]
        [DataRow(17, 500, 0xC6130402L, 500, "VPN passthrough")]
        [DataRow(17, 4501, 0xC6130402L, 4500, "VPN passthrough")]
        [DataRow(6, 60001, 0xC6130402L, 22, "belongs to the router")] // above the range's end (60000)
        [DataRow(6, 2000, 0xC6130402L, 22, "belongs to the router")] // below its start (4000)
        [DataRow(6, 80, 0xC6130402L, 8080, "")] // below 1024: not the router's
        [DataRow(6, 500, 0xC6130402L, 500, "")] // TCP 500 is no VPN port
        public void Validate_OneRule(int protocol, int externalPort, long host, int port, string expected)
        {
            var options = new NatOptions { LanAddress = Net.RouterLan, LanPrefixLength = 24, PortRangeStart = 4000, PortRangeEnd = 60000 };
            var rules = new PortForwards();
            rules.Add((byte)protocol, externalPort, (uint)host, port, true);
            int bad;
            string problem = rules.Validate(options, out bad);
            if (expected.Length == 0)
            {
                Assert.IsNull(problem, "accepted");
                Assert.AreEqual(-1, bad);
            }
            else
            {
                Assert.IsNotNull(problem, "refused: " + expected);
                Assert.IsTrue(problem.IndexOf(expected) >= 0, problem);
                Assert.AreEqual(0, bad);
            }
        }

        [TestMethod]
        public void Validate_Duplicate_RefusedAtTheSecond()
        {
            var options = new NatOptions { LanAddress = Net.RouterLan, LanPrefixLength = 24 };
            var rules = new PortForwards();
            rules.Add(PortForwards.ProtocolTcp, 8022, Net.HostA, 22, true);
            rules.Add(PortForwards.ProtocolUdp, 8022, Net.HostA, 22, true);
            rules.Add(PortForwards.ProtocolTcp, 8022, Net.HostB, 2222, false);
            int bad;
            string problem = rules.Validate(options, out bad);
            Assert.IsNotNull(problem);
            Assert.IsTrue(problem.IndexOf("Two rules use tcp port 8022") >= 0, problem);
            Assert.AreEqual(2, bad, "TCP and UDP on one port are two rules; the second TCP one repeats");
        }

        [TestMethod]
        public void Add_MoreThanCapacity_Refused()
        {
            var rules = new PortForwards();
            for (int i = 0; i < PortForwards.Capacity; i++)
            {
                Assert.IsTrue(rules.Add(PortForwards.ProtocolTcp, 8000 + i, Net.HostA, 22, true));
            }

            Assert.IsFalse(rules.Add(PortForwards.ProtocolTcp, 9000, Net.HostA, 22, true), "the table is full");
            Assert.AreEqual(PortForwards.Capacity, rules.Count);
            rules.RemoveAt(0);
            Assert.AreEqual(8001, (int)rules.ExternalPort[0], "the later rules move up");
            Assert.AreEqual(PortForwards.Capacity - 1, rules.Count);
        }

        private static int FindOnly(NatRig rig)
        {
            for (int e = 0; e < rig.Engine.Table.Capacity; e++)
            {
                if (rig.Engine.Table.IsUsed(e))
                {
                    return e;
                }
            }

            return -1;
        }
    }
}
