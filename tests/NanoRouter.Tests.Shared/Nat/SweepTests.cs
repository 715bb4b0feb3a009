using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// The sliced sweep (issue 12, "no stalls"): the table is swept a tenth per 100 ms of clock time,
    /// so no tick looks at the whole table, yet every entry is looked at once a second (never early,
    /// at most about a second late), and a tick after a long gap catches up a whole turn. The
    /// passthrough mapping counts the status page shows are kept without a scan and stay exact.
    /// </summary>
    [TestClass]
    public class SweepTests
    {
        private static NatRig FullRig(int flows)
        {
            var rig = new NatRig(flows, o =>
            {
                o.UdpTimeoutMs = 120000;
                o.HostQuota = flows;
            });
            for (int i = 0; i < flows; i++)
            {
                rig.Out(Packets.Udp(Net.HostA, (ushort)(20000 + i), Net.Server, 53));
            }

            Assert.AreEqual(flows, rig.Engine.ActiveEntries);
            return rig;
        }

        [TestMethod]
        public void Tick_Every100ms_SweepsATenthPerTick_AllGoneWithinASecondOfTheTimeout()
        {
            var rig = FullRig(100);
            int ticks = 0;
            while (rig.Engine.ActiveEntries == 100)
            {
                rig.Advance(100);
                ticks++;
                Assert.IsTrue(ticks <= 1230, "nothing expired by 123 s");
            }

            Assert.IsTrue(ticks * 100 > 120000, "never early: " + ticks * 100 + " ms");
            Assert.IsTrue(100 - rig.Engine.ActiveEntries <= 10, "one tick looks at a tenth of the table, removed " + (100 - rig.Engine.ActiveEntries));
            for (int i = 0; i < 10; i++)
            {
                rig.Advance(100);
            }

            Assert.AreEqual(0, rig.Engine.ActiveEntries, "every entry looked at within a second");
            Assert.IsTrue(ticks * 100 <= 122000, "at most about a second late: " + ticks * 100 + " ms");
        }

        [TestMethod]
        public void Tick_AfterALongGap_CatchesUpAWholeTurn()
        {
            var rig = FullRig(64);
            rig.AdvanceSeconds(121);
            Assert.AreEqual(0, rig.Engine.ActiveEntries);
        }

        [TestMethod]
        public void Tick_SameMillisecond_SweepsNothing()
        {
            var rig = FullRig(32);
            rig.Clock.Advance(130000);
            rig.Engine.Tick();
            Assert.AreEqual(0, rig.Engine.ActiveEntries);
            rig.Out(Packets.Udp(Net.HostA, 30000, Net.Server, 53));
            for (int i = 0; i < 5; i++)
            {
                rig.Engine.Tick();
            }

            Assert.AreEqual(1, rig.Engine.ActiveEntries, "no clock time passed: nothing to expire");
        }

        [TestMethod]
        public void MappingCounts_KeptWithoutAScan_MatchTheTable()
        {
            var rig = new NatRig(64, o => o.UdpTimeoutMs = 120000);
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500));
            rig.Out(Packets.Udp(Net.HostB, 500, Net.Server, 500));
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500));
            rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701));
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.Advance(1000);
            PassthroughRules rules = rig.Engine.Passthrough;
            Assert.AreEqual(2, rules.Mappings(PassthroughProtocol.Ike));
            Assert.AreEqual(1, rules.Mappings(PassthroughProtocol.NatT));
            Assert.AreEqual(1, rules.Mappings(PassthroughProtocol.L2tp));

            rules.SetEnabled(PassthroughProtocol.Ike, false);
            rig.Advance(1000);
            Assert.AreEqual(0, rules.Mappings(PassthroughProtocol.Ike), "switched off: flushed and counted");
            Assert.AreEqual(1, rules.Mappings(PassthroughProtocol.NatT));

            rig.AdvanceSeconds(121);
            Assert.AreEqual(0, rules.Mappings(PassthroughProtocol.NatT), "expired");
            Assert.AreEqual(0, rules.Mappings(PassthroughProtocol.L2tp));
            Assert.AreEqual(0, rig.Engine.ActiveEntries);
        }
    }
}
