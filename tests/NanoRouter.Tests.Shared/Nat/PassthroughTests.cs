using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// VPN passthrough on the engine (issue #3): the switches (off = dropped and counted, mappings
    /// flushed; on again = works), the counters, ESP by SPI with two hosts on one peer, GRE v0 by key
    /// and keyless ownership, IKE/NAT-T/L2TP port preservation and lifetimes, TCP MSS clamping.
    /// </summary>
    [TestClass]
    public class PassthroughTests
    {
        private static byte[] OutPacket(PassthroughProtocol rule, uint host)
        {
            switch (rule)
            {
                case PassthroughProtocol.Esp:
                    return Packets.Esp(host, Net.Server, 0x10000000 | (host & 0xFF));
                case PassthroughProtocol.Ike:
                    return Packets.Udp(host, 500, Net.Server, 500);
                case PassthroughProtocol.NatT:
                    return Packets.Udp(host, 4500, Net.Server, 4500);
                case PassthroughProtocol.L2tp:
                    return Packets.Udp(host, 1701, Net.Server, 1701);
                default:
                    return Packets.Gre(host, Net.Server, 0x00770000 | (host & 0xFF));
            }
        }

        /// <summary>The remote's answer to host A's <see cref="OutPacket"/> (host A keeps its port: it is first).</summary>
        private static byte[] InPacket(PassthroughProtocol rule)
        {
            switch (rule)
            {
                case PassthroughProtocol.Esp:
                    return Packets.Esp(Net.Server, Net.Wan, 0x20000002);
                case PassthroughProtocol.Ike:
                    return Packets.Udp(Net.Server, 500, Net.Wan, 500);
                case PassthroughProtocol.NatT:
                    return Packets.Udp(Net.Server, 4500, Net.Wan, 4500);
                case PassthroughProtocol.L2tp:
                    return Packets.Udp(Net.Server, 1701, Net.Wan, 1701);
                default:
                    return Packets.Gre(Net.Server, Net.Wan, 0x00770002);
            }
        }

        private static int Mappings(NatRig rig, PassthroughProtocol rule)
        {
            return rig.Engine.Passthrough.Mappings(rule);
        }

        private static readonly PassthroughProtocol[] s_switchable =
        {
            PassthroughProtocol.Esp, PassthroughProtocol.Ike, PassthroughProtocol.NatT, PassthroughProtocol.L2tp, PassthroughProtocol.Gre,
        };

        [DataRow((int)PassthroughProtocol.Esp)] // as int: nanoCLR cannot decode an enum DataRow argument
        [DataRow((int)PassthroughProtocol.Ike)]
        [DataRow((int)PassthroughProtocol.NatT)]
        [DataRow((int)PassthroughProtocol.L2tp)]
        [DataRow((int)PassthroughProtocol.Gre)]
        [TestMethod]
        public void Switch_OffThenOn_DroppedCountedFlushedThenWorks(int protocol)
        {
            var rule = (PassthroughProtocol)protocol;
            var rig = new NatRig();
            PassthroughRules rules = rig.Engine.Passthrough;

            // On: both directions pass and are counted.
            byte[] output = rig.Out(OutPacket(rule, Net.HostA), "on, out");
            Assert.AreEqual(Net.Wan, Check.Source(output));
            byte[] input = rig.In(InPacket(rule), "on, in");
            Assert.AreEqual(Net.HostA, Check.Destination(input));
            Assert.AreEqual(1, rules.PacketsOut(rule));
            Assert.AreEqual(1, rules.PacketsIn(rule));
            rig.AdvanceSeconds(1);
            Assert.AreEqual(1, Mappings(rig, rule), "one active mapping");
            int entries = rig.Engine.Table.Count;

            // Off: both directions dropped and counted under the rule and PassthroughOff.
            rules.SetEnabled(rule, false);
            int drops = rules.Drops(rule);
            Assert.AreEqual(Verdict.Drop, rig.Process(OutPacket(rule, Net.HostA), Side.Lan), "off, out");
            Assert.AreEqual(DropReason.PassthroughOff, rig.Engine.LastDrop);
            Assert.AreEqual(Verdict.Drop, rig.Process(InPacket(rule), Side.Wan), "off, in");
            Assert.AreEqual(drops + 2, rules.Drops(rule));
            Assert.AreEqual(1, rules.PacketsOut(rule));
            Assert.AreEqual(1, rules.PacketsIn(rule));

            // The others are unaffected, and so is plain traffic.
            foreach (PassthroughProtocol other in s_switchable)
            {
                if (other != rule)
                {
                    int otherDrops = rules.Drops(other);
                    rig.Out(OutPacket(other, Net.HostC), "other rule " + other + " while " + rule + " is off");
                    Assert.AreEqual(otherDrops, rules.Drops(other));
                }
            }

            rig.Out(Packets.Udp(Net.HostB, 40000, Net.Server, 80), "plain UDP while " + rule + " is off");

            // The next tick flushes the rule's mappings (host A had nothing else).
            rig.AdvanceSeconds(1);
            Assert.AreEqual(0, Mappings(rig, rule), "flushed");
            Assert.AreEqual(0, QuotaTests.CountByHost(rig.Engine.Table)[2], "host A's " + rule + " session is gone");
            if (rule == PassthroughProtocol.Esp)
            {
                Assert.AreEqual(0, rig.Engine.EspMappings.Count, "ESP mappings flushed");
            }
            else if (rule == PassthroughProtocol.Gre)
            {
                Assert.AreEqual(0, rig.Engine.GreMappings.Count, "GRE mappings flushed");
            }

            // Switched back on, the old mapping is not there any more: the remote's packet finds nothing.
            rules.SetEnabled(rule, true);
            rig.AdvanceSeconds(1);
            Assert.AreEqual(Verdict.Drop, rig.Process(InPacket(rule), Side.Wan), "host A's mapping was flushed");
            Assert.AreEqual(1, rules.PacketsIn(rule));

            // On again: works from scratch.
            rig.Out(OutPacket(rule, Net.HostA), "on again, out");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(InPacket(rule), "on again, in")));
            Assert.AreEqual(2, rules.PacketsOut(rule));
            Assert.AreEqual(2, rules.PacketsIn(rule));
        }

        [DataRow((int)PassthroughProtocol.Ike)]
        [DataRow((int)PassthroughProtocol.NatT)]
        [DataRow((int)PassthroughProtocol.L2tp)]
        [TestMethod]
        public void Switch_Off_UdpSessionsOfThatRuleLeaveTheTable(int protocol)
        {
            var rule = (PassthroughProtocol)protocol;
            var rig = new NatRig();
            rig.Out(OutPacket(rule, Net.HostA));
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 80));
            Assert.AreEqual(2, rig.Engine.Table.Count);
            rig.Engine.Passthrough.SetEnabled(rule, false);
            rig.AdvanceSeconds(1);
            Assert.AreEqual(1, rig.Engine.Table.Count, "the " + rule + " session is flushed, the plain one stays");
            Assert.AreEqual(Verdict.Forward, rig.Process(Packets.Udp(Net.Server, 80, Net.Wan, 40000), Side.Wan));
        }

        [TestMethod]
        public void Switch_Pptp_Off_DoesNotTouchOtherRules()
        {
            var rig = new NatRig();
            rig.Engine.Passthrough.SetEnabled(PassthroughProtocol.Pptp, false);
            rig.AdvanceSeconds(1);
            foreach (PassthroughProtocol rule in s_switchable)
            {
                rig.Out(OutPacket(rule, Net.HostA), rule + " with PPTP off");
            }

            int drops = rig.Engine.Passthrough.Drops(PassthroughProtocol.Pptp);
            Assert.AreEqual(Verdict.Drop, rig.Process(Packets.Tcp(Net.HostB, 50000, Net.Server, 1723, Packets.Syn, mss: 1400), Side.Lan), "PPTP control off");
            Assert.AreEqual(drops + 1, rig.Engine.Passthrough.Drops(PassthroughProtocol.Pptp));
        }

        [TestMethod]
        public void Esp_TwoHostsOnePeer_EachGetsOnlyItsOwnReplies()
        {
            const uint aOut = 0xA0000001, aIn = 0xA1000001, bOut = 0xB0000001, bIn = 0xB1000001;
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500), "A IKE");
            rig.In(Packets.Udp(Net.Server, 500, Net.Wan, 500), "A IKE reply");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Esp(Net.HostA, Net.Server, aOut), "A ESP");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Esp(Net.Server, Net.Wan, aIn), "first inbound SPI for A")));

            rig.AdvanceSeconds(1);
            ushort bIke = Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 500, Net.Server, 500), "B IKE"));
            rig.In(Packets.Udp(Net.Server, 500, Net.Wan, bIke), "B IKE reply");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Esp(Net.HostB, Net.Server, bOut), "B ESP");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Esp(Net.Server, Net.Wan, bIn), "first inbound SPI for B")));

            uint[] order = { aIn, bIn, bIn, aIn, bIn, aIn };
            for (int i = 0; i < order.Length; i++)
            {
                byte[] delivered = rig.In(Packets.Esp(Net.Server, Net.Wan, order[i], (uint)(10 + i)), "inbound " + i);
                Assert.AreEqual(order[i] == aIn ? Net.HostA : Net.HostB, Check.Destination(delivered), "SPI " + order[i].ToString("X8"));
                Assert.AreEqual(order[i], Packets.ReadUInt32(delivered, 20), "SPI unchanged");
                byte[] sent = rig.Out(Packets.Esp(i % 2 == 0 ? Net.HostA : Net.HostB, Net.Server, i % 2 == 0 ? aOut : bOut, (uint)(10 + i)), "outbound " + i);
                Assert.AreEqual(Net.Wan, Check.Source(sent));
            }

            Assert.AreEqual(2, rig.Engine.EspMappings.Count);
            rig.AdvanceSeconds(1);
            Assert.AreEqual(2, rig.Engine.Passthrough.Mappings(PassthroughProtocol.Esp));
        }

        [TestMethod]
        public void Esp_FirstInboundSpi_BindsToMostRecentUnboundHost()
        {
            // Issue #3: an unknown SPI binds to the LAN host whose IKE/outbound ESP to that peer is most recent and still unbound.
            var rig = new NatRig();
            rig.Out(Packets.Esp(Net.HostA, Net.Server, 0xA0000001), "A ESP");
            rig.AdvanceSeconds(3);
            rig.Out(Packets.Esp(Net.HostB, Net.Server, 0xB0000001), "B ESP, later");
            rig.AdvanceSeconds(1);
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Esp(Net.Server, Net.Wan, 0xB1000001))), "most recent: B");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Esp(Net.Server, Net.Wan, 0xA1000001))), "then the only unbound one: A");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Esp(Net.Server, Net.Wan, 0xB1000001))));
        }

        [TestMethod]
        public void Esp_UnknownSpi_DroppedAndCounted()
        {
            var rig = new NatRig();
            rig.Dropped(Packets.Esp(Net.Server, Net.Wan, 0x12345678), Side.Wan, DropReason.UnknownSpi, "nobody talks to this peer");
            Assert.AreEqual(1, rig.Engine.Passthrough.Drops(PassthroughProtocol.Esp));

            rig.Out(Packets.Esp(Net.HostA, Net.Server, 0xA0000001));
            rig.In(Packets.Esp(Net.Server, Net.Wan, 0xA1000001));
            rig.Dropped(Packets.Esp(Net.Server, Net.Wan, 0x0BADBAD0), Side.Wan, DropReason.UnknownSpi, "every mapping of the peer is bound");
            rig.Dropped(Packets.Esp(Net.Stranger, Net.Wan, 0xA1000001), Side.Wan, DropReason.UnknownSpi, "a known SPI from another peer");
            Assert.AreEqual(3, rig.Engine.Passthrough.Drops(PassthroughProtocol.Esp));
            Assert.AreEqual(3, rig.Engine.DropCount(DropReason.UnknownSpi));
        }

        [TestMethod]
        public void Esp_IdleMapping_ExpiresAfterUdpTimeout()
        {
            var rig = new NatRig();
            rig.Out(Packets.Esp(Net.HostA, Net.Server, 0xA0000001));
            rig.In(Packets.Esp(Net.Server, Net.Wan, 0xA1000001));
            rig.AdvanceSeconds(299);
            rig.In(Packets.Esp(Net.Server, Net.Wan, 0xA1000001), "alive after 299 s");
            rig.AdvanceSeconds(301);
            Assert.AreEqual(0, rig.Engine.EspMappings.Count);
        }

        [TestMethod]
        public void Gre_TwoHostsDifferentKeysOnePeer_EachGetsItsOwn()
        {
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000AAAA), "A keyed");
            rig.Out(Packets.Gre(Net.HostB, Net.Server, 0x0000BBBB), "B keyed");
            for (int i = 0; i < 3; i++)
            {
                byte[] toB = rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000BBBB), "key B");
                Assert.AreEqual(Net.HostB, Check.Destination(toB));
                Assert.AreEqual(0x0000BBBBu, Packets.ReadUInt32(toB, 24), "key unchanged");
                Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000AAAA), "key A")));
            }

            rig.Dropped(Packets.Gre(Net.Server, Net.Wan, 0x0000CCCC), Side.Wan, DropReason.NoMapping, "unknown key");
        }

        [TestMethod]
        public void Gre_Keyless_FirstHostOwnsPeerSecondDroppedGreOwned()
        {
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server), "A keyless");
            int drops = rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre);
            rig.Dropped(Packets.Gre(Net.HostB, Net.Server), Side.Lan, DropReason.GreOwned, "B keyless to A's peer");
            Assert.AreEqual(drops + 1, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan), "keyless inbound")));
            rig.Out(Packets.Gre(Net.HostB, Net.Server2), "B keyless to another peer");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server2, Net.Wan))));
        }

        [TestMethod]
        public void Gre_UnsolicitedKeyless_Dropped()
        {
            var rig = new NatRig();
            Assert.AreEqual(Verdict.Drop, rig.Process(Packets.Gre(Net.Server, Net.Wan), Side.Wan));
            Assert.AreEqual(1, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
        }

        [TestMethod]
        public void L2tp_TwoClients_ServerAnswersFromAnotherPort()
        {
            var rig = new NatRig();
            Assert.AreEqual((ushort)1701, Check.SourcePort(rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701))), "keeps 1701 when free");
            ushort portB = Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 1701, Net.Server, 1701)));
            Assert.AreNotEqual((ushort)1701, portB);

            // RFC 2661 section 8.1: the server may answer from a port other than 1701.
            byte[] toA = rig.In(Packets.Udp(Net.Server, 33001, Net.Wan, 1701, Packets.L2tpPayload));
            Assert.AreEqual(Net.HostA, Check.Destination(toA));
            Assert.AreEqual((ushort)1701, Check.DestinationPort(toA));
            byte[] toB = rig.In(Packets.Udp(Net.Server, 33002, Net.Wan, portB, Packets.L2tpPayload));
            Assert.AreEqual(Net.HostB, Check.Destination(toB));
            Assert.AreEqual((ushort)1701, Check.DestinationPort(toB));

            // And both clients follow the server to its new port.
            Assert.AreEqual(Net.Wan, Check.Source(rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 33001, Packets.L2tpPayload))));
            Assert.AreEqual(portB, Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 1701, Net.Server, 33002, Packets.L2tpPayload))), "same mapping (endpoint-independent)");
            Assert.AreEqual(4, rig.Engine.Passthrough.PacketsOut(PassthroughProtocol.L2tp));
            Assert.AreEqual(2, rig.Engine.Passthrough.PacketsIn(PassthroughProtocol.L2tp));
        }

        [TestMethod]
        public void NatT_KeepalivesEvery20s_MappingSurvivesIdleTunnel()
        {
            // RFC 3948 keepalive: one 0xFF byte. With the UDP timeout at RFC 4787's 120 s minimum,
            // keepalives every 20 s keep the mapping through 400 s without any other traffic.
            var rig = new NatRig(configure: o => o.UdpTimeoutMs = 120000);
            Assert.AreEqual((ushort)4500, Check.SourcePort(rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500))), "keeps 4500 when free");
            for (int t = 0; t < 20; t++)
            {
                rig.AdvanceSeconds(20);
                byte[] keepalive = rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, new byte[] { 0xFF }), "keepalive " + t);
                Assert.AreEqual((ushort)4500, Check.SourcePort(keepalive));
            }

            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Udp(Net.Server, 4500, Net.Wan, 4500), "after 400 s of keepalives")));
            ushort portB = Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 4500, Net.Server, 4500)));
            Assert.AreNotEqual((ushort)4500, portB, "a second client gets another port");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Udp(Net.Server, 4500, Net.Wan, portB))));
        }

        [TestMethod]
        public void Ike_Mapping_LivesAsLongAsUdpTimeout()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500));
            rig.AdvanceSeconds(299);
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Udp(Net.Server, 500, Net.Wan, 500), "299 s idle")));
        }

        [DataRow(0, 8960, 1460)]
        [DataRow(0, 1460, 1460)]
        [DataRow(0, 1200, 1200)]
        [DataRow(1400, 1460, 1400)]
        [DataRow(1400, 536, 536)]
        [DataRow(-1, 8960, 8960)]
        [TestMethod]
        public void Mss_SynOut_ClampedWithValidChecksum(int clamp, int mss, int expected)
        {
            // clamp 0: the default (1460, a 1500-byte MTU minus 40); -1: clamping off (MssClamp = 0).
            var rig = new NatRig(configure: o =>
            {
                if (clamp > 0)
                {
                    o.MssClamp = clamp;
                }
                else if (clamp < 0)
                {
                    o.MssClamp = 0;
                }
            });
            byte[] syn = rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: mss), "SYN");
            Assert.AreEqual(expected, Check.Mss(syn));
            Assert.AreEqual(expected != mss ? 1 : 0, rig.Engine.MssClamped);
        }

        [TestMethod]
        public void Mss_SynAckIn_Clamped()
        {
            var rig = new NatRig(configure: o => o.MssClamp = 1400);
            rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1400));
            byte[] synAck = rig.In(Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Syn | Packets.Ack, mss: 1460));
            Assert.AreEqual(1400, Check.Mss(synAck));
        }

        [TestMethod]
        public void Mss_RemappedSyn_ClampedAndPortTranslatedChecksumValid()
        {
            var rig = new NatRig(configure: o => o.MssClamp = 1400);
            rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1400));
            byte[] syn = rig.Out(Packets.Tcp(Net.HostB, 50000, Net.Server, 443, Packets.Syn, mss: 1460));
            Assert.AreEqual(1400, Check.Mss(syn));
            Assert.AreNotEqual((ushort)50000, Check.SourcePort(syn));
        }
    }
}
