using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// The LAN is not reachable from the WAN: packets arriving on the uplink for the LAN subnet
    /// (the admin page lives on the router's LAN address) or claiming a LAN source are dropped and
    /// counted, never handed to the local stack (on the ESP32, lwIP would accept them).
    /// </summary>
    [TestClass]
    public class WanBoundaryTests
    {
        [TestMethod]
        public void Process_WanPacketToRouterLanAddress_DroppedAsMartian()
        {
            var rig = new NatRig();
            Verdict verdict = rig.Process(Packets.Tcp(Net.Stranger, 40000, Net.RouterLan, 80, 0x02), Side.Wan);
            Assert.AreEqual(Verdict.Drop, verdict);
            Assert.AreEqual(DropReason.Martian, rig.Engine.LastDrop);
            Assert.AreEqual(1, rig.Engine.DropCount(DropReason.Martian));
        }

        [TestMethod]
        public void Process_WanPacketToLanHost_DroppedAsMartian()
        {
            var rig = new NatRig();
            Assert.AreEqual(Verdict.Drop, rig.Process(Packets.Udp(Net.Stranger, 53, Net.HostA, 5353), Side.Wan));
            Assert.AreEqual(DropReason.Martian, rig.Engine.LastDrop);
        }

        [TestMethod]
        public void Process_WanPacketWithLanSource_DroppedAsMartian()
        {
            var rig = new NatRig();
            Assert.AreEqual(Verdict.Drop, rig.Process(Packets.Udp(Net.HostB, 53, Net.Wan, 5353), Side.Wan));
            Assert.AreEqual(DropReason.Martian, rig.Engine.LastDrop);
        }

        [TestMethod]
        public void Process_WanPacketToRouterWanAddressUnmapped_StaysLocalOrDropped()
        {
            // Control: the router's own WAN address still gets ping (Local), so the rule above is
            // about the LAN subnet only.
            var rig = new NatRig();
            Assert.AreEqual(Verdict.Local, rig.Process(Packets.EchoRequest(Net.Stranger, Net.Wan, 7), Side.Wan));
        }
    }
}
