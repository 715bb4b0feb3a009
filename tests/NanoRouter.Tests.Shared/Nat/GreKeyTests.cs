using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Plain GRE (version 0) keys per direction (issue 14, section 1): mapped by (LAN host, peer,
    /// outbound key), the inbound key learned as ESP learns SPIs (the learned key first, then the
    /// peer's unbound keyed mapping, symmetric first, else the most recent), with symmetric and
    /// asymmetric keys (RFC 2890 section 2.2), two and three hosts, strangers, the switch and the
    /// counters. In the Control half of the nanoCLR tests (the packet path's half is at its string
    /// table limit).
    /// </summary>
    [TestClass]
    public class GreKeyTests
    {
        [TestMethod]
        public void Gre_AsymmetricKeysTwoHostsOnePeer_EachLearnsItsInboundKeyAndGetsOnlyItsReplies()
        {
            // Issue 14 section 1: Linux style tunnels (ip tunnel ... ikey X okey Y), the keys differ
            // per direction (RFC 2890 section 2.2), two LAN hosts to one peer.
            const uint aOut = 0x0000A001, aIn = 0x0000A002, bOut = 0x0000B001, bIn = 0x0000B002;
            var rig = new NatRig();
            Assert.AreEqual(aOut, Packets.ReadUInt32(rig.Out(Packets.Gre(Net.HostA, Net.Server, aOut), "A keyed"), 24), "key unchanged");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, aIn), "A's first inbound key")));
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Gre(Net.HostB, Net.Server, bOut), "B keyed");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, bIn), "B's first inbound key")));

            uint[] order = { aIn, bIn, bIn, aIn, bIn, aIn };
            for (int i = 0; i < order.Length; i++)
            {
                byte[] delivered = rig.In(Packets.Gre(Net.Server, Net.Wan, order[i]), "inbound " + i);
                Assert.AreEqual(order[i] == aIn ? Net.HostA : Net.HostB, Check.Destination(delivered), "key " + order[i].ToString("X8"));
                Assert.AreEqual(order[i], Packets.ReadUInt32(delivered, 24), "key unchanged");
                byte[] sent = rig.Out(Packets.Gre(i % 2 == 0 ? Net.HostA : Net.HostB, Net.Server, i % 2 == 0 ? aOut : bOut), "outbound " + i);
                Assert.AreEqual(Net.Wan, Check.Source(sent));
            }

            Assert.AreEqual(2, rig.Engine.GreMappings.Count);
            Assert.AreEqual(8, rig.Engine.Passthrough.PacketsOut(PassthroughProtocol.Gre));
            Assert.AreEqual(8, rig.Engine.Passthrough.PacketsIn(PassthroughProtocol.Gre));
            Assert.AreEqual(0, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
            rig.AdvanceSeconds(1);
            Assert.AreEqual(2, rig.Engine.Passthrough.Mappings(PassthroughProtocol.Gre));
        }

        [TestMethod]
        public void Gre_AsymmetricKeysThreeHosts_UnknownKeysBindToMostRecentUnboundInTurn()
        {
            // As ESP SPIs: an unknown inbound key binds to the host whose keyed GRE to the peer is
            // most recent and has no inbound key yet; a bound mapping is never taken over.
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000A001), "A");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Gre(Net.HostB, Net.Server, 0x0000B001), "B, later");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Gre(Net.HostC, Net.Server, 0x0000C001), "C, latest");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000A001), "A again: now the most recent");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000A002))), "most recent: A");
            Assert.AreEqual(Net.HostC, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000C002))), "then C");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000B002))), "then the only unbound one: B");
            rig.Dropped(Packets.Gre(Net.Server, Net.Wan, 0x0000D002), Side.Wan, DropReason.NoMapping, "every keyed mapping of the peer is bound");
            Assert.AreEqual(Net.HostC, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000C002))), "C keeps its key");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000B002))));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000A002))));
            Assert.AreEqual(1, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
        }

        [TestMethod]
        public void Gre_SymmetricKeys_OlderHostsReplyFirst_StillReachesIt()
        {
            // An unbound mapping whose outbound key equals the inbound one wins over the most recent.
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000AAAA), "A");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Gre(Net.HostB, Net.Server, 0x0000BBBB), "B, later");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Gre(Net.HostC, Net.Server, 0x0000C001), "C, latest, asymmetric");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000AAAA))), "A's own key, though C is the most recent");
            Assert.AreEqual(Net.HostC, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000C002))), "an unknown key: the most recent unbound, C");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000BBBB))));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000AAAA))));
        }

        [TestMethod]
        public void Gre_StrangersKey_BindsNothing()
        {
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000A001), "A keyed to the server");
            rig.Out(Packets.Gre(Net.HostB, Net.Server2), "B keyless to server 2");
            rig.Dropped(Packets.Gre(Net.Stranger, Net.Wan, 0x0000A002), Side.Wan, DropReason.NoMapping, "a stranger's key");
            rig.Dropped(Packets.Gre(Net.Stranger, Net.Wan, 0x0000A001), Side.Wan, DropReason.NoMapping, "a stranger with A's outbound key");
            rig.Dropped(Packets.Gre(Net.Server2, Net.Wan, 0x0000A002), Side.Wan, DropReason.NoMapping, "a key from the keyless peer");
            rig.Dropped(Packets.Gre(Net.Server, Net.Wan), Side.Wan, DropReason.NoMapping, "keyless from the keyed peer");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000A002))), "A's peer still binds");
            rig.Dropped(Packets.Gre(Net.Stranger, Net.Wan, 0x0000A002), Side.Wan, DropReason.NoMapping, "A's learned key from a stranger");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server2, Net.Wan))));
            Assert.AreEqual(5, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
        }

        [TestMethod]
        public void Gre_SecondHostOnSameOutboundKey_DroppedGreOwned()
        {
            // The peer could not tell two hosts on one key apart: the first keeps it.
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000A001), "A");
            rig.Dropped(Packets.Gre(Net.HostB, Net.Server, 0x0000A001), Side.Lan, DropReason.GreOwned, "B on A's key");
            rig.Out(Packets.Gre(Net.HostB, Net.Server2, 0x0000A001), "B on that key to another peer");
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000A003), "A's second tunnel to the peer");
            Assert.AreEqual(3, rig.Engine.GreMappings.Count);
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server2, Net.Wan, 0x0000A002))));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000A004))));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000A002))));
            Assert.AreEqual(1, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
        }

        [TestMethod]
        public void Gre_AsymmetricKeys_SwitchOffFlushesLearnedKeysOnAgainRelearns()
        {
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0000A001));
            rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000A002));
            rig.Engine.Passthrough.SetEnabled(PassthroughProtocol.Gre, false);
            rig.AdvanceSeconds(1);
            Assert.AreEqual(0, rig.Engine.GreMappings.Count, "flushed");
            rig.Dropped(Packets.Gre(Net.Server, Net.Wan, 0x0000A002), Side.Wan, DropReason.PassthroughOff, "off: inbound");
            rig.Dropped(Packets.Gre(Net.HostA, Net.Server, 0x0000A001), Side.Lan, DropReason.PassthroughOff, "off: outbound");
            Assert.AreEqual(2, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
            rig.Engine.Passthrough.SetEnabled(PassthroughProtocol.Gre, true);
            rig.AdvanceSeconds(1);
            rig.Dropped(Packets.Gre(Net.Server, Net.Wan, 0x0000A002), Side.Wan, DropReason.NoMapping, "the learned key went with the flush");
            rig.Out(Packets.Gre(Net.HostB, Net.Server, 0x0000B001), "B now");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Gre(Net.Server, Net.Wan, 0x0000B002))), "relearned");
        }

        [TestMethod]
        public void FastPath_AsymmetricKeysTwoHosts_CarriesLearnedTunnelsBothWays()
        {
            // Packets of 40 bytes and more take the engine's established path once the mapping and its
            // inbound key are known; the full path forwarded nothing more after that.
            const uint aOut = 0x0000A001, aIn = 0x0000A002, bOut = 0x0000B001, bIn = 0x0000B002;
            var rig = new NatRig();
            rig.Out(Packets.GreLong(Net.HostA, Net.Server, true, aOut, false), "A new");
            rig.Out(Packets.GreLong(Net.HostB, Net.Server, true, bOut, true), "B new, with a checksum field");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.GreLong(Net.Server, Net.Wan, true, bIn, true), "B's key learned")));
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.GreLong(Net.Server, Net.Wan, true, aIn, false), "A's key learned")));
            int slow = rig.Engine.FullPathForwarded;
            for (int i = 0; i < 3; i++)
            {
                byte[] toA = rig.In(Packets.GreLong(Net.Server, Net.Wan, true, aIn, false), "A in " + i);
                Assert.AreEqual(Net.HostA, Check.Destination(toA));
                Assert.AreEqual(aIn, Packets.ReadUInt32(toA, 24), "key unchanged");
                byte[] toB = rig.In(Packets.GreLong(Net.Server, Net.Wan, true, bIn, true), "B in " + i);
                Assert.AreEqual(Net.HostB, Check.Destination(toB));
                Assert.AreEqual(bIn, Packets.ReadUInt32(toB, 28), "key after the checksum field unchanged");
                Assert.AreEqual(Net.Wan, Check.Source(rig.Out(Packets.GreLong(Net.HostA, Net.Server, true, aOut, false), "A out " + i)));
                Assert.AreEqual(Net.Wan, Check.Source(rig.Out(Packets.GreLong(Net.HostB, Net.Server, true, bOut, true), "B out " + i)));
            }

            Assert.AreEqual(slow, rig.Engine.FullPathForwarded, "all on the established path");
            Assert.AreEqual(8, rig.Engine.Passthrough.PacketsOut(PassthroughProtocol.Gre), "fast packets counted out");
            Assert.AreEqual(8, rig.Engine.Passthrough.PacketsIn(PassthroughProtocol.Gre), "and in");
        }

        [TestMethod]
        public void FastPath_UnknownKeyOwnedKeySwitchOff_GoToTheSlowPathWhichDecides()
        {
            var rig = new NatRig();
            rig.Out(Packets.GreLong(Net.HostA, Net.Server, true, 0x0000A001, false), "A");
            rig.AdvanceSeconds(1);
            rig.Out(Packets.GreLong(Net.HostB, Net.Server, true, 0x0000B001, false), "B, later");
            int slow = rig.Engine.FullPathForwarded;
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.GreLong(Net.Server, Net.Wan, true, 0x0000B002, false))), "an unknown key binds, slow");
            Assert.AreEqual(slow + 1, rig.Engine.FullPathForwarded);
            rig.Dropped(Packets.GreLong(Net.HostB, Net.Server, true, 0x0000A001, false), Side.Lan, DropReason.GreOwned, "B on A's key");
            rig.Dropped(Packets.GreLong(Net.Stranger, Net.Wan, true, 0x0000B002, false), Side.Wan, DropReason.NoMapping, "B's key from a stranger");
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.GreLong(Net.Server, Net.Wan, true, 0x0000A002, false))), "then A's");
            rig.Engine.Passthrough.SetEnabled(PassthroughProtocol.Gre, false);
            rig.Dropped(Packets.GreLong(Net.Server, Net.Wan, true, 0x0000A002, false), Side.Wan, DropReason.PassthroughOff, "off, before the tick flushes");
            rig.Dropped(Packets.GreLong(Net.HostA, Net.Server, true, 0x0000A001, false), Side.Lan, DropReason.PassthroughOff, "off, outbound");
            Assert.AreEqual(4, rig.Engine.Passthrough.Drops(PassthroughProtocol.Gre));
        }

        [TestMethod]
        public void FastPath_Keyless_OwnerBothWaysSecondHostSlowAndDropped()
        {
            var rig = new NatRig();
            rig.Out(Packets.GreLong(Net.HostA, Net.Server, false, 0, false), "A keyless");
            rig.Out(Packets.GreLong(Net.HostB, Net.Server, true, 0x0000B001, false), "B keyed to the same peer");
            int slow = rig.Engine.FullPathForwarded;
            Assert.AreEqual(Net.HostA, Check.Destination(rig.In(Packets.GreLong(Net.Server, Net.Wan, false, 0, false))));
            Assert.AreEqual(Net.Wan, Check.Source(rig.Out(Packets.GreLong(Net.HostA, Net.Server, false, 0, true), "A keyless with a checksum field")));
            Assert.AreEqual(slow, rig.Engine.FullPathForwarded, "keyless on the established path");
            rig.Dropped(Packets.GreLong(Net.HostB, Net.Server, false, 0, false), Side.Lan, DropReason.GreOwned, "B keyless to A's peer");
            Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.GreLong(Net.Server, Net.Wan, true, 0x0000B002, false))), "B's keyed tunnel learns its key");
        }
    }
}
