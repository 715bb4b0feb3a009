using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// RST and FIN change a TCP session's state (and so its idle timeout: 7440 s established, 240 s
    /// closing) only when the receiver would accept them (issue 15, item 1). A blind attacker who
    /// spoofs the server and sends RST or FIN with a guessed sequence number must not cut the
    /// mapping's life; the segment itself is forwarded unchanged (the endpoint decides).
    /// <para>
    /// The rule, in the spirit of RFC 5961 and Linux conntrack (tcp_in_window, and the exact-match RST
    /// of nf_conntrack_proto_tcp since Linux 5.17): a RST counts when its sequence number is exactly the
    /// receiver's RCV.NXT (the last ACK the receiver sent); a FIN counts when the segment reaches RCV.NXT
    /// and starts within the window the receiver last advertised (scaled by its window scale), and its
    /// ACK is within the sender's own window of the sender's last ACK (RFC 5961 section 5). Both only in
    /// the established state; SYN-sent and closing are transitory already.
    /// </para>
    /// </summary>
    [TestClass]
    public class TcpSequenceTests
    {
        private const int FromLan = 1;
        private const int FromRemote = 0;

        private static TcpFlow Flow(uint lanIsn = 1000, uint remoteIsn = 700000, int lanShift = 7, int remoteShift = 7)
        {
            return new TcpFlow(new NatRig(), lanIsn, remoteIsn, lanShift, remoteShift).Handshake();
        }

        /// <summary>A segment from one side with the given flags, sequence and acknowledgment numbers.</summary>
        private static byte[] From(TcpFlow flow, int side, int flags, uint sequence, uint acknowledgment, int payloadBytes = 0)
        {
            return side == FromLan ? flow.Lan(flags, sequence, acknowledgment, payloadBytes) : flow.Remote(flags, sequence, acknowledgment, payloadBytes);
        }

        /// <summary>The receiver's RCV.NXT for a segment from <paramref name="side"/>: the sender's own next sequence number.</summary>
        private static uint Next(TcpFlow flow, int side)
        {
            return side == FromLan ? flow.LanNext : flow.RemoteNext;
        }

        /// <summary>What the sender has acknowledged: the other side's next sequence number.</summary>
        private static uint Acked(TcpFlow flow, int side)
        {
            return side == FromLan ? flow.RemoteNext : flow.LanNext;
        }

        [DataRow(FromRemote)]
        [DataRow(FromLan)]
        [TestMethod]
        public void Rst_ExactlyAtRcvNxt_ClosesTheSession(int side)
        {
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Rst, Next(flow, side), 0), side == FromLan, "exact RST");
            Assert.IsFalse(flow.OutlivesTransitoryTimeout(), "an acceptable RST makes the session transitory");
        }

        [DataRow(FromRemote)]
        [DataRow(FromLan)]
        [TestMethod]
        public void RstAck_ExactlyAtRcvNxt_ClosesTheSession(int side)
        {
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Rst | Packets.Ack, Next(flow, side), Acked(flow, side)), side == FromLan, "exact RST|ACK");
            Assert.IsFalse(flow.OutlivesTransitoryTimeout());
        }

        [DataRow(FromRemote, 1)]
        [DataRow(FromRemote, 1000)]
        [DataRow(FromRemote, 60000)]
        [DataRow(FromLan, 1)]
        [DataRow(FromLan, 1000)]
        [TestMethod]
        public void Rst_InWindowButNotExact_ForwardedSessionStaysEstablished(int side, int ahead)
        {
            // RFC 5961 3.2: the receiver answers such a RST with a challenge ACK and keeps the connection.
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Rst, Next(flow, side) + (uint)ahead, 0), side == FromLan, "in-window RST");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout(), "RST " + ahead + " beyond RCV.NXT");
        }

        [DataRow(FromRemote, -1)]
        [DataRow(FromRemote, -70000)]
        [DataRow(FromRemote, 9000000)]
        [DataRow(FromRemote, int.MinValue)]
        [DataRow(FromLan, -1)]
        [DataRow(FromLan, 9000000)]
        [TestMethod]
        public void Rst_OutOfWindow_ForwardedSessionStaysEstablished(int side, int offset)
        {
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Rst | Packets.Ack, Next(flow, side) + (uint)offset, Acked(flow, side)), side == FromLan, "out-of-window RST");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout(), "RST at RCV.NXT " + offset);
        }

        [DataRow(FromRemote, 0, 0)]
        [DataRow(FromRemote, 0, 24)]
        [DataRow(FromRemote, 5000, 0)]     // data still in flight ahead of the FIN
        [DataRow(FromRemote, -10, 24)]     // a retransmission that overlaps RCV.NXT
        [DataRow(FromLan, 0, 0)]
        [DataRow(FromLan, 3000, 100)]
        [TestMethod]
        public void Fin_InWindowWithAcceptableAck_ClosesTheSession(int side, int offset, int payloadBytes)
        {
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Fin | Packets.Ack, Next(flow, side) + (uint)offset, Acked(flow, side), payloadBytes), side == FromLan, "FIN");
            Assert.IsFalse(flow.OutlivesTransitoryTimeout(), "FIN at RCV.NXT + " + offset);
        }

        [DataRow(FromRemote, -100, 24)]     // wholly before RCV.NXT: old data
        [DataRow(FromRemote, 9000000, 0)]   // beyond 65535 << 7
        [DataRow(FromRemote, int.MinValue, 0)]
        [DataRow(FromLan, -25, 24)]
        [DataRow(FromLan, 9000000, 0)]
        [TestMethod]
        public void Fin_OutOfWindow_ForwardedSessionStaysEstablished(int side, int offset, int payloadBytes)
        {
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Fin | Packets.Ack, Next(flow, side) + (uint)offset, Acked(flow, side), payloadBytes), side == FromLan, "FIN");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout(), "FIN at RCV.NXT + " + offset);
        }

        [DataRow(FromRemote, 9000000)]
        [DataRow(FromRemote, -9000000)]
        [DataRow(FromRemote, int.MinValue)]
        [DataRow(FromLan, 9000000)]
        [TestMethod]
        public void Fin_InWindowWithUnacceptableAck_ForwardedSessionStaysEstablished(int side, int ackOffset)
        {
            // RFC 5961 section 5: the ACK of a segment must lie within what the receiver sent.
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Fin | Packets.Ack, Next(flow, side), Acked(flow, side) + (uint)ackOffset), side == FromLan, "FIN, bad ACK");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout(), "FIN with ACK " + ackOffset + " off");
        }

        [DataRow(FromRemote)]
        [DataRow(FromLan)]
        [TestMethod]
        public void Fin_WithoutAck_ForwardedSessionStaysEstablished(int side)
        {
            TcpFlow flow = Flow();
            flow.Forwarded(From(flow, side, Packets.Fin, Next(flow, side), 0), side == FromLan, "bare FIN");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout());
        }

        [DataRow(FromRemote, 7, 7, 100000, 1)]   // window 2000 << 7 = 256,000 bytes
        [DataRow(FromRemote, 7, 7, 300000, 0)]
        [DataRow(FromRemote, 7, -1, 100000, 0)]  // the remote sent no Window Scale: no scaling either way
        [DataRow(FromRemote, -1, 7, 1500, 1)]    // unscaled: 2000 bytes
        [DataRow(FromRemote, -1, 7, 3000, 0)]
        [DataRow(FromRemote, 0, 7, 100000, 0)]   // the LAN host's window is not scaled (shift 0)
        [DataRow(FromLan, 7, 7, 100000, 1)]
        [DataRow(FromLan, 7, 0, 100000, 0)]
        [TestMethod]
        public void Fin_AheadOfRcvNxt_AcceptedOnlyWithinTheReceiversScaledWindow(int side, int lanShift, int remoteShift, int ahead, int accepted)
        {
            // The receiver advertises a raw window of 2000 (the LAN host in an ACK, the remote in data).
            TcpFlow flow = Flow(lanShift: lanShift, remoteShift: remoteShift);
            flow.LanWindow = 2000;
            flow.RemoteWindow = 2000;
            flow.RemoteSends(10);
            flow.LanSends(10);
            flow.Forwarded(From(flow, side, Packets.Fin | Packets.Ack, Next(flow, side) + (uint)ahead, Acked(flow, side)), side == FromLan, "FIN");
            Assert.AreEqual(accepted == 0, flow.OutlivesTransitoryTimeout(), "FIN " + ahead + " ahead");
        }

        [TestMethod]
        public void Fin_AfterTheReceiverShrankItsWindow_JudgedByTheNewWindow()
        {
            TcpFlow flow = Flow();
            flow.LanWindow = 2000;
            flow.RemoteSends(10);
            flow.LanWindow = 100; // 100 << 7 = 12,800 bytes
            flow.RemoteSends(10);
            flow.Forwarded(flow.Remote(Packets.Fin | Packets.Ack, flow.RemoteNext + 100000, flow.LanNext), false, "FIN beyond the new window");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout());
            flow.Forwarded(flow.Remote(Packets.Fin | Packets.Ack, flow.RemoteNext + 10000, flow.LanNext), false, "FIN inside it");
            Assert.IsFalse(flow.OutlivesTransitoryTimeout());
        }

        [TestMethod]
        public void Tracking_FollowsDataBothWaysThroughTheFastPath()
        {
            // After data both ways (the ACKs go through the established path), only the new RCV.NXT counts.
            TcpFlow flow = Flow();
            uint oldRemote = flow.RemoteNext;
            for (int i = 0; i < 50; i++)
            {
                flow.RemoteSends(1400);
                flow.LanSends(100);
            }

            flow.Forwarded(flow.Remote(Packets.Rst, oldRemote, 0), false, "the old RCV.NXT");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout(), "a RST at the RCV.NXT of before the data is not exact any more");
            flow.Forwarded(flow.Remote(Packets.Rst, flow.RemoteNext, 0), false, "the RCV.NXT after the data");
            Assert.IsFalse(flow.OutlivesTransitoryTimeout());
        }

        [TestMethod]
        public void Tracking_AcrossTheSequenceWrap()
        {
            TcpFlow flow = Flow(0xFFFFFF00, 0xFFFFFFF0);
            flow.RemoteSends(1000);
            flow.LanSends(1000);
            Assert.IsTrue(flow.RemoteNext < 0x10000 && flow.LanNext < 0x10000, "both sides wrapped");
            flow.Forwarded(flow.Remote(Packets.Rst, 0xFFFFFFF0, 0), false, "before the wrap");
            Assert.IsTrue(flow.OutlivesTransitoryTimeout());
            flow.Forwarded(flow.Lan(Packets.Fin | Packets.Ack, flow.LanNext, flow.RemoteNext), true, "FIN after the wrap");
            Assert.IsFalse(flow.OutlivesTransitoryTimeout());
        }

        [DataRow(FromRemote, (int)Packets.Rst)]
        [DataRow(FromRemote, Packets.Rst | Packets.Ack)]
        [DataRow(FromRemote, Packets.Fin | Packets.Ack)]
        [DataRow(FromLan, (int)Packets.Rst)]
        [DataRow(FromLan, Packets.Fin | Packets.Ack)]
        [TestMethod]
        public void RandomSequenceNumbers_ThousandSegments_SessionStaysEstablished(int side, int flags)
        {
            var random = new TestRandom((uint)(5961 + side * 7 + flags));
            TcpFlow flow = Flow(random.NextUInt(), random.NextUInt());
            for (int i = 0; i < 1000; i++)
            {
                flow.Forwarded(From(flow, side, flags, random.NextUInt(), random.NextUInt()), side == FromLan, "random " + i);
            }

            Assert.IsTrue(flow.OutlivesTransitoryTimeout(), "1000 random segments, none acceptable");
            flow.RemoteSends(10);
            Assert.IsTrue(flow.OutlivesTransitoryTimeout());
        }

        [TestMethod]
        public void BlindRstSweep_EveryExternalPort_IdleConnectionOutlivesTheTransitoryTimeout()
        {
            // The attack of issue 15: spoof the server, send a RST with any sequence number to every
            // port of the router's range (28,232 segments), then wait. The LAN host ignores them; the
            // mapping must last as long as the connection does.
            var random = new TestRandom(28232);
            TcpFlow flow = Flow(random.NextUInt(), random.NextUInt());
            for (int port = 65535 - 28231; port <= 65535; port++)
            {
                flow.Rig.Process(TcpFlow.RemoteTo((ushort)port, Packets.Rst, random.NextUInt(), 0), Side.Wan);
            }

            flow.Rig.Process(TcpFlow.RemoteTo(flow.External, Packets.Fin | Packets.Ack, random.NextUInt(), random.NextUInt()), Side.Wan);
            Assert.IsTrue(flow.OutlivesTransitoryTimeout(), "the idle connection's mapping survives the sweep");
            flow.LanSends(10);
        }

        [TestMethod]
        public void SynSent_RstOrFinChangeNothing_StillTransitory()
        {
            // An unanswered SYN is transitory either way: a RST (connection refused) keeps it so.
            var rig = new NatRig();
            var flow = new TcpFlow(rig, 1000, 5000, 7, 7);
            rig.Out(flow.Lan(Packets.Syn, 1000, 0));
            rig.In(TcpFlow.RemoteTo(TcpFlow.LanPort, Packets.Rst | Packets.Ack, 0, 1001));
            rig.AdvanceSeconds(239);
            Assert.AreEqual(1, rig.Engine.Table.Count);
            rig.AdvanceSeconds(2);
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void NewConnectionOnTheSamePorts_AfterAClose_TrackedAfresh()
        {
            TcpFlow flow = Flow();
            flow.Forwarded(flow.Lan(Packets.Fin | Packets.Ack, flow.LanNext, flow.RemoteNext), true, "FIN");
            flow.Rig.AdvanceSeconds(10);
            var again = new TcpFlow(flow.Rig, 90000000, 123456789, 5, 6).Handshake();
            Assert.AreEqual(flow.External, again.External);
            again.Forwarded(again.Remote(Packets.Rst, flow.RemoteNext, 0), false, "the old connection's RCV.NXT");
            Assert.IsTrue(again.OutlivesTransitoryTimeout(), "established again, tracked from the new SYNs");
            again.Forwarded(again.Remote(Packets.Rst, again.RemoteNext, 0), false, "the new one's");
            Assert.IsFalse(again.OutlivesTransitoryTimeout());
        }
    }
}
