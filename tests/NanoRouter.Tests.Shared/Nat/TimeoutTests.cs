using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Idle timeouts at or above the RFC minima (issue #2): UDP 300 s by default (RFC 4787 REQ-5:
    /// never under 120 s), TCP established 7440 s and transitory 240 s (RFC 5382 REQ-5), ICMP query
    /// 60 s (RFC 5508 REQ-1); configurable; time from an int millisecond clock, wrap-safe.
    /// A session is "alive" when the remote's reply still reaches the LAN host.
    /// </summary>
    [TestClass]
    public class TimeoutTests
    {
        private static bool ReplyPasses(NatRig rig, byte[] reply)
        {
            return rig.Process(reply, Side.Wan) == Verdict.Forward;
        }

        [TestMethod]
        public void Udp_DefaultTimeout_AliveAt299sGoneAfter300s()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.AdvanceSeconds(299);
            Assert.AreEqual(1, rig.Engine.Table.Count);
            Assert.IsTrue(ReplyPasses(rig, Packets.Udp(Net.Server, 53, Net.Wan, 40000)), "alive at 299 s");

            rig.AdvanceSeconds(299); // idle 299 s since the reply refreshed it
            Assert.AreEqual(1, rig.Engine.Table.Count, "a reply refreshes the session");
            rig.AdvanceSeconds(2); // idle 301 s
            Assert.AreEqual(0, rig.Engine.Table.Count, "gone after 300 s");
            Assert.AreEqual(Verdict.Drop, rig.Process(Packets.Udp(Net.Server, 53, Net.Wan, 40000), Side.Wan));
            Assert.AreEqual(DropReason.NoMapping, rig.Engine.LastDrop);
        }

        [TestMethod]
        public void Udp_ConfiguredAtRfcMinimum_NeverExpiresBefore120sOfIdle()
        {
            // RFC 4787 REQ-5: a UDP mapping timer MUST NOT expire in less than two minutes. The packet
            // comes 900 ms into a second; 119.6 s later the mapping must still be there.
            var rig = new NatRig(configure: o => o.UdpTimeoutMs = 120000);
            rig.Advance(900);
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.Advance(119600);
            Assert.IsTrue(ReplyPasses(rig, Packets.Udp(Net.Server, 53, Net.Wan, 40000)), "idle 119.6 s < 120 s");
        }

        [TestMethod]
        public void Udp_SetTimeouts_Shorter()
        {
            var rig = new NatRig();
            rig.Engine.SetTimeouts(150000, 7440000, 240000, 60000);
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.AdvanceSeconds(149);
            Assert.AreEqual(1, rig.Engine.Table.Count);
            rig.AdvanceSeconds(2);
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Udp_OptionsLonger_Kept()
        {
            var rig = new NatRig(configure: o => o.UdpTimeoutMs = 600000);
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.AdvanceSeconds(500);
            Assert.IsTrue(ReplyPasses(rig, Packets.Udp(Net.Server, 53, Net.Wan, 40000)));
        }

        [TestMethod]
        public void Udp_OutboundTrafficRefreshes_KeptPastTimeout()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            for (int i = 0; i < 10; i++)
            {
                rig.AdvanceSeconds(100);
                rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            }

            rig.AdvanceSeconds(250);
            Assert.IsTrue(ReplyPasses(rig, Packets.Udp(Net.Server, 53, Net.Wan, 40000)), "1250 s of life, 250 s idle");
        }

        [TestMethod]
        public void Icmp_Timeout60s()
        {
            var rig = new NatRig();
            rig.Out(Packets.EchoRequest(Net.HostA, Net.Server, 0x0909));
            rig.AdvanceSeconds(59);
            Assert.IsTrue(ReplyPasses(rig, Packets.EchoReply(Net.Server, Net.Wan, 0x0909)), "alive at 59 s");
            rig.AdvanceSeconds(61);
            Assert.AreEqual(0, rig.Engine.Table.Count, "gone after 60 s idle");
        }

        /// <summary>A coherent handshake (RFC 793): the LAN host's ISN 1000, the server's 4999; after it
        /// the LAN host sends from 1001 and the server from 5000.</summary>
        private static NatRig Established(out byte[] data)
        {
            var rig = new NatRig();
            rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1400, sequence: 1000));
            rig.In(Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Syn | Packets.Ack, mss: 1400, sequence: 4999, acknowledgment: 1001));
            rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Ack, sequence: 1001, acknowledgment: 5000));
            data = Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Ack | Packets.Psh, sequence: 5000, acknowledgment: 1001);
            return rig;
        }

        [TestMethod]
        public void Tcp_Established_AliveAt7439sGoneAfter7440s()
        {
            NatRig rig = Established(out byte[] data);
            rig.AdvanceSeconds(7439);
            Assert.IsTrue(ReplyPasses(rig, data), "established, idle 7439 s");
            rig.AdvanceSeconds(7439);
            Assert.AreEqual(1, rig.Engine.Table.Count);
            rig.AdvanceSeconds(2);
            Assert.AreEqual(0, rig.Engine.Table.Count, "gone after 7440 s idle");
        }

        [TestMethod]
        public void Tcp_SynOnly_Transitory240s()
        {
            var rig = new NatRig();
            rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1400));
            rig.AdvanceSeconds(239);
            Assert.AreEqual(1, rig.Engine.Table.Count, "alive at 239 s");
            rig.AdvanceSeconds(2);
            Assert.AreEqual(0, rig.Engine.Table.Count, "a SYN that got no answer is gone after 240 s");
        }

        [DataRow(Packets.Fin | Packets.Ack, 1)] // 1 = from the LAN: DataRow takes int/long/string only
        [DataRow(Packets.Fin | Packets.Ack, 0)]
        [DataRow((int)Packets.Rst, 1)]
        [DataRow((int)Packets.Rst, 0)]
        [TestMethod]
        public void Tcp_AfterFinOrRst_Transitory240s(int flags, int fromLanSide)
        {
            bool fromLan = fromLanSide != 0;
            NatRig rig = Established(out byte[] unused);
            // At the receiver's next expected sequence number, as a real FIN or RST is.
            if (fromLan)
            {
                rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, (ushort)flags, sequence: 1001, acknowledgment: 5000));
            }
            else
            {
                rig.In(Packets.Tcp(Net.Server, 443, Net.Wan, 50000, (ushort)flags, sequence: 5000, acknowledgment: 1001));
            }

            rig.AdvanceSeconds(239);
            Assert.AreEqual(1, rig.Engine.Table.Count, "alive at 239 s");
            rig.AdvanceSeconds(2);
            Assert.AreEqual(0, rig.Engine.Table.Count, "closing sessions are transitory: gone after 240 s");
        }

        [TestMethod]
        public void Tcp_EstablishedWithoutFin_OutlivesTransitory()
        {
            NatRig rig = Established(out byte[] data);
            rig.AdvanceSeconds(1000);
            Assert.IsTrue(ReplyPasses(rig, data));
        }

        [TestMethod]
        public void Clock_MillisecondCounterWraps_SessionsSurvive()
        {
            // The int millisecond clock passes 0xFFFFFFFF -> 0 (49.7 days of uptime as an unsigned tick count).
            var rig = new NatRig(startMs: -3000);
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.AdvanceSeconds(5);
            Assert.AreEqual(1, rig.Engine.Table.Count, "5 s later, across the wrap");
            Assert.IsTrue(ReplyPasses(rig, Packets.Udp(Net.Server, 53, Net.Wan, 40000)));
            rig.AdvanceSeconds(301);
            Assert.AreEqual(0, rig.Engine.Table.Count, "still expires after the wrap");
        }

        [TestMethod]
        public void Clock_SignedWrap_SessionsSurvive()
        {
            // int.MaxValue -> int.MinValue.
            var rig = new NatRig(startMs: int.MaxValue - 2000);
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.AdvanceSeconds(5);
            Assert.AreEqual(1, rig.Engine.Table.Count, "5 s later, across the sign change");
            Assert.IsTrue(ReplyPasses(rig, Packets.Udp(Net.Server, 53, Net.Wan, 40000)));
            rig.AdvanceSeconds(301);
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Clock_NegativeAtConstructionNoTickYet_SessionsSurviveFirstTick()
        {
            var rig = new NatRig(startMs: -50000, tickFirst: false);
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
            rig.AdvanceSeconds(1);
            Assert.AreEqual(1, rig.Engine.Table.Count, "a session made before the first tick survives it");
        }
    }
}
