using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Per-LAN-host quota (issue #2: default a quarter of the capacity; a host at its quota only
    /// recycles its own entries; never another host's live flow; every drop and eviction counted).
    /// </summary>
    [TestClass]
    public class QuotaTests
    {
        /// <summary>Entries held per host, counted from the table's own arrays (not from HostCount).</summary>
        internal static int[] CountByHost(NatTable table)
        {
            var counts = new int[256];
            for (int e = 0; e < table.Capacity; e++)
            {
                if (table.IsUsed(e))
                {
                    counts[table.Inside[e] >> NatTable.HostShift]++;
                }
            }

            return counts;
        }

        [TestMethod]
        public void HostQuota_Default_QuarterOfCapacity()
        {
            Assert.AreEqual(16, new NatRig(64).Engine.HostQuota);
            Assert.AreEqual(128, new NatRig(512).Engine.HostQuota);
        }

        [TestMethod]
        public void Process_HostFloods_CappedAtQuotaAndDropsCounted()
        {
            var rig = new NatRig(64);
            int forwarded = 0;
            for (int i = 0; i < 100; i++)
            {
                if (rig.Process(Packets.Udp(Net.HostA, (ushort)(20000 + i), Net.Server, 53), Side.Lan) == Verdict.Forward)
                {
                    forwarded++;
                }
            }

            Assert.AreEqual(16, forwarded);
            Assert.AreEqual(16, rig.Engine.Table.HostCount(2));
            Assert.AreEqual(16, CountByHost(rig.Engine.Table)[2]);
            Assert.AreEqual(84, rig.Engine.DropCount(DropReason.QuotaExceeded));
            Assert.AreEqual(DropReason.QuotaExceeded, rig.Engine.LastDrop);
        }

        [TestMethod]
        public void Process_FloodWhileOthersIdle_OtherHostsFlowsSurvive()
        {
            var rig = new NatRig(16, o => o.HostQuota = 8);
            for (int i = 0; i < 4; i++)
            {
                rig.Out(Packets.Udp(Net.HostB, (ushort)(30000 + i), Net.Server, 53));
                rig.Out(Packets.Udp(Net.HostC, (ushort)(30000 + i), Net.Server, 53));
            }

            rig.AdvanceSeconds(100); // B's and C's flows idle, but alive (UDP 300 s)
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 50; i++)
                {
                    rig.Process(Packets.Udp(Net.HostA, (ushort)(20000 + (round * 50) + i), Net.Server2, 53), Side.Lan);
                    Assert.IsTrue(rig.Engine.Table.HostCount(2) <= 8);
                    Assert.IsTrue(rig.Engine.Table.Count <= 16);
                }

                rig.AdvanceSeconds(40); // A's own entries become old enough to recycle (B and C: idle 220 s at the end, alive)
            }

            int[] counts = CountByHost(rig.Engine.Table);
            Assert.AreEqual(4, counts[3], "host B keeps its flows");
            Assert.AreEqual(4, counts[4], "host C keeps its flows");
            Assert.IsTrue(counts[2] <= 8);
            for (int i = 0; i < 4; i++)
            {
                Assert.AreEqual(Net.HostB, Check.Destination(rig.In(Packets.Udp(Net.Server, 53, Net.Wan, (ushort)(30000 + i)))));
            }

            Assert.IsTrue(rig.Engine.Table.EvictedQuota > 0, "the flooder recycled its own entries");
            Assert.IsTrue(rig.Engine.DropCount(DropReason.QuotaExceeded) > 0, "and was dropped when it had nothing old enough");
        }

        [TestMethod]
        public void Process_FloodingHostAtQuota_RecyclesOnlyItsOwnOldestAndCountsIt()
        {
            var rig = new NatRig(64);
            for (int i = 0; i < 16; i++)
            {
                rig.Out(Packets.Udp(Net.HostA, (ushort)(20000 + i), Net.Server, 53));
            }

            rig.AdvanceSeconds(60);
            rig.Out(Packets.Udp(Net.HostA, 20001, Net.Server, 53), "refresh one");
            int before = rig.Engine.Table.EvictedQuota;
            rig.Out(Packets.Udp(Net.HostA, 21000, Net.Server, 53), "one more over quota, after its others went idle");
            Assert.AreEqual(before + 1, rig.Engine.Table.EvictedQuota);
            Assert.AreEqual(16, rig.Engine.Table.HostCount(2));
            Assert.IsTrue(rig.Process(Packets.Udp(Net.Server, 53, Net.Wan, 20001), Side.Wan) == Verdict.Forward, "the refreshed flow is not the one recycled");
        }

        [TestMethod]
        public void Process_TableFullOfLiveFlows_NewcomerDroppedTableFull()
        {
            // Four hosts at their quota fill the table with fresh flows: a fifth host evicts nobody.
            var rig = new NatRig(16);
            for (int h = 2; h < 6; h++)
            {
                for (int i = 0; i < 4; i++)
                {
                    rig.Out(Packets.Udp(Net.Host(h), (ushort)(30000 + i), Net.Server, 53));
                }
            }

            Assert.AreEqual(16, rig.Engine.Table.Count);
            rig.Dropped(Packets.Udp(Net.Host(9), 30000, Net.Server, 53), Side.Lan, DropReason.TableFull, "table full of live flows");
            for (int h = 2; h < 6; h++)
            {
                Assert.AreEqual(4, rig.Engine.Table.HostCount(h));
            }
        }

        [TestMethod]
        public void Process_QuotaFreedByExpiry_HostCanOpenAgain()
        {
            var rig = new NatRig(64);
            for (int i = 0; i < 16; i++)
            {
                rig.Out(Packets.Udp(Net.HostA, (ushort)(20000 + i), Net.Server, 53));
            }

            rig.Dropped(Packets.Udp(Net.HostA, 21000, Net.Server, 53), Side.Lan, DropReason.QuotaExceeded, "at quota, nothing idle");
            rig.AdvanceSeconds(301);
            Assert.AreEqual(0, rig.Engine.Table.HostCount(2));
            rig.Out(Packets.Udp(Net.HostA, 21000, Net.Server, 53), "after expiry");
        }
    }
}
