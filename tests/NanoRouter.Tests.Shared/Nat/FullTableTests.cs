using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// A full table (issue #2): expired entries go first, then the least recently used entries of a
    /// host holding its whole quota; the flows of hosts under their quota are never taken.
    /// </summary>
    [TestClass]
    public class FullTableTests
    {
        private static void Fill(NatRig rig, int hosts, int perHost)
        {
            for (int h = 0; h < hosts; h++)
            {
                for (int i = 0; i < perHost; i++)
                {
                    rig.Out(Packets.Udp(Net.Host(10 + h), (ushort)(30000 + i), Net.Server, 53), "fill " + h + "/" + i);
                }
            }
        }

        [TestMethod]
        public void MakeRoom_FullOfHostsUnderQuota_NewcomerDroppedOthersKept()
        {
            var rig = new NatRig(8, o => o.HostQuota = 4);
            Fill(rig, 4, 2);
            Assert.AreEqual(8, rig.Engine.ActiveEntries);
            rig.AdvanceSeconds(60);
            Verdict verdict = rig.Process(Packets.Udp(Net.Host(30), 40000, Net.Server, 53), Side.Lan);
            Assert.AreEqual(Verdict.Drop, verdict, "no host holds its whole quota: nobody's flow may be taken");
            Assert.AreEqual(DropReason.TableFull, rig.Engine.LastDrop);
            for (int h = 0; h < 4; h++)
            {
                Assert.AreEqual(2, rig.Engine.Table.HostCount(10 + h), "host " + h + " keeps its flows");
            }
        }

        [TestMethod]
        public void MakeRoom_FullOfHostsAtQuota_NewcomerTakesAnIdleEntryOfOne()
        {
            var rig = new NatRig(8, o => o.HostQuota = 2);
            Fill(rig, 4, 2);
            rig.AdvanceSeconds(60);
            rig.Out(Packets.Udp(Net.Host(30), 40000, Net.Server, 53), "newcomer under its quota");
            Assert.AreEqual(8, rig.Engine.ActiveEntries);
            Assert.AreEqual(1, rig.Engine.Table.HostCount(30));
            Assert.AreEqual(1, rig.Engine.Table.EvictedIdle);
        }

        [TestMethod]
        public void MakeRoom_FullOfHostsAtQuotaButBusy_NewcomerDropped()
        {
            var rig = new NatRig(8, o => o.HostQuota = 2);
            Fill(rig, 4, 2);
            rig.AdvanceSeconds(5);
            Assert.AreEqual(Verdict.Drop, rig.Process(Packets.Udp(Net.Host(30), 40000, Net.Server, 53), Side.Lan), "flows used 5 s ago are live");
            Assert.AreEqual(DropReason.TableFull, rig.Engine.LastDrop);
        }
    }
}
