using NanoRouter.Core.Nat;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// The engine with the ESP32's port range (10000-49151: lwIP's own sockets keep 49152-65535):
    /// the VPN ports UDP 500, 4500 and 1701 keep their number when free even though 4500 lies
    /// outside the range, other ports outside it are moved into it, and echo identifiers are kept
    /// whatever their value (the native shim consumes every echo reply and every port below 1024
    /// but UDP 67/68, tests/native test_shim.c).
    /// </summary>
    [TestClass]
    public class DevicePortRangeTests
    {
        private static NatRig DeviceRig()
        {
            return new NatRig(64, o =>
            {
                o.PortRangeStart = 10000;
                o.PortRangeEnd = 49151;
            });
        }

        [TestMethod]
        [DataRow(500)]
        [DataRow(4500)]
        [DataRow(1701)]
        public void Process_VpnPortOutsideTheRange_KeptWhenFree(int port)
        {
            var rig = DeviceRig();
            byte[] output = rig.Out(Packets.Udp(Net.HostA, (ushort)port, Net.Server, (ushort)port));
            Assert.AreEqual((ushort)port, Check.SourcePort(output));
            byte[] reply = rig.In(Packets.Udp(Net.Server, (ushort)port, Net.Wan, (ushort)port));
            Assert.AreEqual(Net.HostA, Check.Destination(reply));
            Assert.AreEqual((ushort)port, Check.DestinationPort(reply));
        }

        [TestMethod]
        public void Process_SecondHostOnPort4500_MovedIntoTheRange()
        {
            var rig = DeviceRig();
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500));
            byte[] second = rig.Out(Packets.Udp(Net.HostB, 4500, Net.Server, 4500));
            int external = Check.SourcePort(second);
            Assert.IsTrue(external >= 10000 && external <= 49151, "external " + external);
            byte[] reply = rig.In(Packets.Udp(Net.Server, 4500, Net.Wan, (ushort)external));
            Assert.AreEqual(Net.HostB, Check.Destination(reply));
            Assert.AreEqual((ushort)4500, Check.DestinationPort(reply));
        }

        [TestMethod]
        [DataRow(5000)]
        [DataRow(50000)]
        public void Process_OtherPortOutsideTheRange_MovedIntoIt(int port)
        {
            var rig = DeviceRig();
            byte[] output = rig.Out(Packets.Udp(Net.HostA, (ushort)port, Net.Server, 53));
            int external = Check.SourcePort(output);
            Assert.IsTrue(external >= 10000 && external <= 49151, "external " + external);
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(123)]
        public void Process_PortBelow1024_KeptBelow1024(int port)
        {
            var rig = DeviceRig();
            byte[] output = rig.Out(Packets.Udp(Net.HostA, (ushort)port, Net.Server, 123));
            Assert.AreEqual((ushort)port, Check.SourcePort(output));
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(60000)]
        public void Process_EchoIdentifierOutsideTheRange_Kept(int identifier)
        {
            var rig = DeviceRig();
            byte[] output = rig.Out(Packets.EchoRequest(Net.HostA, Net.Server, (ushort)identifier));
            Assert.AreEqual((ushort)identifier, Check.SourcePort(output));
            byte[] reply = rig.In(Packets.EchoReply(Net.Server, Net.Wan, (ushort)identifier));
            Assert.AreEqual(Net.HostA, Check.Destination(reply));
        }
    }
}
