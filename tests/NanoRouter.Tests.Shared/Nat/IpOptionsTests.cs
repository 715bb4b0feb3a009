using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// IPv4 options (issue 15, "IP options"): the router forwards no packet that carries an option
    /// other than End of Option List (0) and No Operation (1), in either direction, and counts it as
    /// Martian. It cannot do what RFC 791 asks of a router that forwards them (record its own address
    /// in Record Route and Timestamp, follow a source route), and on the ESP32 nothing after the core
    /// would drop them: lwIP sends what the core forwards. Packets for the router itself (Local) are
    /// not affected. Option bytes: RFC 791 section 3.1 (type, length, pointer, data) and the IANA
    /// registry (148 Router Alert, RFC 2113; 130 Security, RFC 1108).
    /// </summary>
    [TestClass]
    public class IpOptionsTests
    {
        /// <summary>Record Route with room for 9 addresses (type 7, length 39, pointer 4), as `ping -R` sends it.</summary>
        private static byte[] RecordRoute()
        {
            var option = new byte[39];
            option[0] = 7;
            option[1] = 39;
            option[2] = 4;
            return option;
        }

        private static byte[] Option(int kind)
        {
            switch (kind)
            {
                case 7:
                    return RecordRoute();
                case 68:
                    // Timestamp, timestamps only (flag 0), room for 2.
                    return new byte[] { 68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
                case 131:
                case 137:
                    // Loose / strict source route through one more hop, 198.18.9.1.
                    return new byte[] { (byte)kind, 7, 4, 198, 18, 9, 1 };
                case 148:
                    return new byte[] { 148, 4, 0, 0 };
                default:
                    return new byte[] { (byte)kind, 3, 0 };
            }
        }

        [DataRow(7)]
        [DataRow(68)]
        [DataRow(131)]
        [DataRow(137)]
        [DataRow(148)]
        [DataRow(130)]
        [TestMethod]
        public void Process_OptionFromLan_DroppedAsMartianNoSession(int kind)
        {
            var rig = new NatRig();
            rig.Dropped(Packets.WithIpOptions(Packets.Udp(Net.HostA, 40000, Net.Server, 53), Option(kind)), Side.Lan, DropReason.Martian, "UDP, option " + kind);
            rig.Dropped(Packets.WithIpOptions(Packets.EchoRequest(Net.HostA, Net.Server, 9), Option(kind)), Side.Lan, DropReason.Martian, "echo, option " + kind);
            rig.Dropped(Packets.WithIpOptions(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1460), Option(kind)), Side.Lan, DropReason.Martian, "SYN, option " + kind);
            Assert.AreEqual(0, rig.Engine.ActiveEntries);
        }

        [DataRow(7)]
        [DataRow(68)]
        [DataRow(131)]
        [DataRow(137)]
        [TestMethod]
        public void Process_OptionOnAnEstablishedFlow_DroppedBothWays(int kind)
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.Dropped(Packets.WithIpOptions(Packets.Udp(Net.HostA, 40000, Net.Server, 53), Option(kind)), Side.Lan, DropReason.Martian, "out");
            rig.Dropped(Packets.WithIpOptions(Packets.Udp(Net.Server, 53, Net.Wan, 40000), Option(kind)), Side.Wan, DropReason.Martian, "in");
            rig.In(Packets.Udp(Net.Server, 53, Net.Wan, 40000), "the same reply without the option");
        }

        [TestMethod]
        public void Process_OnlyNoOperationAndEndOfList_Forwarded()
        {
            var rig = new NatRig();
            byte[] sent = rig.Out(Packets.WithIpOptions(Packets.Udp(Net.HostA, 40000, Net.Server, 53), new byte[] { 1, 1, 1, 0, 0, 0, 0, 0 }));
            Assert.AreEqual(28, Check.HeaderLength(sent), "forwarded as it came, padding included");
            rig.In(Packets.WithIpOptions(Packets.Udp(Net.Server, 53, Net.Wan, 40000), new byte[] { 1, 0, 0, 0 }));
        }

        [TestMethod]
        public void Process_OptionToTheRouterItself_StillLocal()
        {
            // IGMP-style Router Alert to a multicast group, and Record Route to the router's LAN
            // address: the router's own stack decides, as before.
            var rig = new NatRig();
            Assert.AreEqual(Verdict.Local, rig.Process(Packets.WithIpOptions(Packets.Udp(Net.HostA, 5353, 0xE00000FB, 5353), Option(148)), Side.Lan));
            Assert.AreEqual(Verdict.Local, rig.Process(Packets.WithIpOptions(Packets.EchoRequest(Net.HostA, Net.RouterLan, 3), RecordRoute()), Side.Lan));
            Assert.AreEqual(Verdict.Local, rig.Process(Packets.WithIpOptions(Packets.EchoRequest(Net.Stranger, Net.Wan, 3), RecordRoute()), Side.Wan));
        }
    }
}
