using NanoRouter.Core.Nat;
using NanoRouter.Core.Router;
using NanoRouter.Hal;
using NanoRouter.Tests.Nat;

namespace NanoRouter.Tests.Router
{
    /// <summary>The packet loop both boards run: verdicts handed back, released fragments sent, the tick kept.</summary>
    [TestClass]
    public class PacketLoopTests
    {
        /// <summary>A port that hands out queued packets and records what comes back.</summary>
        private sealed class QueuePort : IPacketPort
        {
            public byte[] Next;
            public Side NextSide;
            public byte[] NextLinkSource = new byte[6];
            public Verdict LastVerdict = (Verdict)99;
            public Side LastEgress;
            public byte[] LastPacket;
            public int Sent;

            public int Receive(byte[] buffer, int timeoutMs, out Side ingress)
            {
                ingress = NextSide;
                if (Next == null)
                {
                    return 0;
                }

                int n = Next.Length;
                System.Array.Copy(Next, buffer, n);
                if (n + 6 <= buffer.Length)
                {
                    // IPacketPort: the sender's link-layer address right after the packet.
                    System.Array.Copy(NextLinkSource, 0, buffer, n, 6);
                }

                Next = null;
                return n;
            }

            public void Complete(Verdict verdict, byte[] buffer, int length, Side egress)
            {
                LastVerdict = verdict;
                LastEgress = egress;
                LastPacket = new byte[length];
                System.Array.Copy(buffer, LastPacket, length);
            }

            public void Send(byte[] buffer, int length, Side egress)
            {
                Sent++;
            }
        }

        [TestMethod]
        public void RunOnce_ForwardsAndTicks()
        {
            var clock = new ManualClock(1000);
            var engine = new NatEngine(new NatOptions { Capacity = 16, LanAddress = Net.RouterLan, WanAddress = Net.Wan }, clock);
            var port = new QueuePort();
            var loop = new PacketLoop(engine, port, clock, 1600, 100);
            port.Next = Packets.Udp(Net.HostA, 40000, Net.Server, 53);
            port.NextSide = Side.Lan;
            Assert.IsTrue(loop.RunOnce(10) > 0);
            Assert.AreEqual(Verdict.Forward, port.LastVerdict);
            Assert.AreEqual(Side.Wan, port.LastEgress);
            Assert.AreEqual(Net.Wan, Check.Source(port.LastPacket));
            Assert.AreEqual(0, loop.RunOnce(10), "nothing queued");

            // The engine's idle timeouts advance only through the loop's ticks.
            for (int i = 0; i < 3100; i++)
            {
                clock.Advance(100);
                loop.RunOnce(0);
            }

            Assert.AreEqual(0, engine.ActiveEntries, "the UDP mapping expired after 300 s of ticks");
        }

        [TestMethod]
        public void RunOnce_LinkSourceAfterThePacket_ForgedFlowsChargedToTheirSender()
        {
            // The loop's buffer has room for the link-layer address after the largest packet, and the
            // engine charges new sessions to it: host B forging host A's address spends B's quota.
            var clock = new ManualClock(1000);
            var engine = new NatEngine(new NatOptions { Capacity = 16, HostQuota = 4, LanAddress = Net.RouterLan, WanAddress = Net.Wan }, clock);
            var port = new QueuePort();
            var loop = new PacketLoop(engine, port, clock, 1600, 100);
            Assert.IsTrue(engine.LinkSourceAfterPacket);
            int forged = 0;
            for (int i = 0; i < 10; i++)
            {
                port.Next = Packets.Udp(Net.HostA, (ushort)(30000 + i), Net.Server, 53);
                port.NextSide = Side.Lan;
                port.NextLinkSource = new byte[] { 2, 0, 0, 0, 0, 0x0B };
                loop.RunOnce(0);
                forged += port.LastVerdict == Verdict.Forward ? 1 : 0;
            }

            Assert.AreEqual(4, forged);
            for (int i = 0; i < 4; i++)
            {
                port.Next = Packets.Udp(Net.HostA, (ushort)(40000 + i), Net.Server, 53);
                port.NextSide = Side.Lan;
                port.NextLinkSource = new byte[] { 2, 0, 0, 0, 0, 0x0A };
                loop.RunOnce(0);
                Assert.AreEqual(Verdict.Forward, port.LastVerdict, "host A's own flow " + i);
            }
        }

        [TestMethod]
        public void RunOnce_TtlOneFromTheLan_Local()
        {
            var clock = new ManualClock(1000);
            var engine = new NatEngine(new NatOptions { Capacity = 16, LanAddress = Net.RouterLan, WanAddress = Net.Wan }, clock);
            var port = new QueuePort();
            var loop = new PacketLoop(engine, port, clock, 1600, 100);
            byte[] packet = Packets.Udp(Net.HostA, 40000, Net.Server, 53);
            packet[8] = 1;
            port.Next = packet;
            port.NextSide = Side.Lan;
            loop.RunOnce(0);
            Assert.AreEqual(Verdict.Local, port.LastVerdict, "the stack answers with Time Exceeded");
            Assert.AreEqual(0, engine.ActiveEntries);
        }
    }
}
