using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// VPN diagnostics (issue 14 §2) through the whole engine: one row per (LAN client, protocol,
    /// server) with the protocol's state and both counts (the established path's too), and each problem the
    /// router can see. IKE headers (RFC 7296 §3.1), NAT-T markers and keepalives (RFC 3948 §2.2, §2.3)
    /// and L2TP control messages (RFC 2661 §3.1, §4.4.1) are built here byte by byte.
    /// </summary>
    [TestClass]
    public class VpnDiagnosticsTests
    {
        private const uint Spi1 = 0xC1000001;
        private const uint Spi2 = 0xC2000002;

        /// <summary>An IKE header (28 bytes) with the given exchange type, then 8 bytes of payload.</summary>
        private static byte[] Ike(int exchange, bool marker = false)
        {
            int at = marker ? 4 : 0;
            var b = new byte[at + 36];
            b[at + 0] = 0x11; // initiator SPI, nonzero
            b[at + 17] = 0x20; // version 2.0
            b[at + 18] = (byte)exchange;
            b[at + 19] = 0x08; // initiator
            b[at + 27] = 36;
            return b;
        }

        /// <summary>An L2TP control message (T, L, S set, version 2) whose first AVP is Message Type.</summary>
        private static byte[] L2tpControl(int messageType)
        {
            var b = new byte[20];
            b[0] = 0xC8;
            b[1] = 0x02;
            b[3] = 20; // length
            b[12] = 0x80; // M bit, AVP length 8
            b[13] = 0x08;
            b[19] = (byte)messageType;
            return b;
        }

        private static int Row(NatRig rig, uint host, PassthroughProtocol protocol, uint server = Net.Server)
        {
            return rig.Engine.Vpn.Find((int)(host & 0xFF), protocol, server);
        }

        private static int RequireRow(NatRig rig, uint host, PassthroughProtocol protocol, uint server = Net.Server)
        {
            int r = Row(rig, host, protocol, server);
            Assert.IsTrue(r >= 0, "a row for " + PassthroughRules.KeyOf(protocol));
            return r;
        }

        [TestMethod]
        public void Ike_ExchangeOutAndIn_RowWithStateCountsAndPort()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500, Ike(34)));
            rig.In(Packets.Udp(Net.Server, 500, Net.Wan, 500, Ike(34)));
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500, Ike(35)));
            VpnDiagnostics vpn = rig.Engine.Vpn;
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.Ike);
            Assert.AreEqual(Net.HostA, vpn.Client(r));
            Assert.AreEqual(Net.Server, vpn.Server(r));
            Assert.AreEqual("ikeAuth", vpn.StateKey(r));
            Assert.AreEqual(2, vpn.PacketsOut(r));
            Assert.AreEqual(1, vpn.PacketsIn(r));
            Assert.AreEqual(500, vpn.ExternalPort(r));
            Assert.AreEqual(VpnProblem.None, vpn.Problem(r));
            rig.AdvanceSeconds(3);
            Assert.AreEqual(3, vpn.LastSeenSec(r));
        }

        [TestMethod]
        public void NatT_MarkerThenEspInUdp_FloatedThenEspInUdp()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, Ike(35, true)));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.NatT);
            Assert.AreEqual("floated", rig.Engine.Vpn.StateKey(r));
            byte[] espInUdp = { 0xC1, 0, 0, 1, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9 };
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, espInUdp));
            rig.In(Packets.Udp(Net.Server, 4500, Net.Wan, 4500, espInUdp));
            Assert.AreEqual("espInUdp", rig.Engine.Vpn.StateKey(r));
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, Ike(37, true)));
            Assert.AreEqual("espInUdp", rig.Engine.Vpn.StateKey(r), "IKE after ESP does not go back to floated");
            Assert.AreEqual(3, rig.Engine.Vpn.PacketsOut(r));
            Assert.AreEqual(4500, rig.Engine.Vpn.ExternalPort(r));
        }

        [TestMethod]
        public void Esp_BoundThenFastPath_CountsBothWaysWithSpis()
        {
            var rig = new NatRig();
            rig.Out(Packets.Esp(Net.HostA, Net.Server, Spi1));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.Esp);
            VpnDiagnostics vpn = rig.Engine.Vpn;
            Assert.AreEqual("spiSent", vpn.StateKey(r));
            rig.In(Packets.Esp(Net.Server, Net.Wan, Spi2));
            Assert.AreEqual("spiBound", vpn.StateKey(r));
            for (int i = 0; i < 4; i++)
            {
                rig.Out(Packets.Esp(Net.HostA, Net.Server, Spi1, (uint)(i + 2)));
                rig.In(Packets.Esp(Net.Server, Net.Wan, Spi2, (uint)(i + 2)));
            }

            Assert.AreEqual(5, vpn.PacketsOut(r), "the established path counts at the mapping's row");
            Assert.AreEqual(5, vpn.PacketsIn(r));
            uint id;
            Assert.IsTrue(vpn.TryGetIdOut(r, out id));
            Assert.AreEqual(Spi1, id);
            Assert.IsTrue(vpn.TryGetIdIn(r, out id));
            Assert.AreEqual(Spi2, id);
            Assert.AreEqual(0, vpn.ExternalPort(r), "ESP has no port");
            rig.AdvanceSeconds(1);
            rig.AdvanceSeconds(4);
            Assert.AreEqual(4, vpn.LastSeenSec(r), "established-path packets are stamped by the next tick of a new second");
            rig.Out(Packets.Esp(Net.HostA, Net.Server, Spi1, 9));
            rig.AdvanceSeconds(1);
            Assert.AreEqual(0, vpn.LastSeenSec(r), "an established-path packet is stamped at the next second");
        }

        [TestMethod]
        public void Gre_KeyedBothWays_KeyBoundAndFastPathCounted()
        {
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x1111));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.Gre);
            Assert.AreEqual("keySent", rig.Engine.Vpn.StateKey(r));
            rig.In(Packets.Gre(Net.Server, Net.Wan, 0x2222));
            Assert.AreEqual("keyBound", rig.Engine.Vpn.StateKey(r));
            rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x1111));
            rig.In(Packets.Gre(Net.Server, Net.Wan, 0x2222));
            Assert.AreEqual(2, rig.Engine.Vpn.PacketsOut(r));
            Assert.AreEqual(2, rig.Engine.Vpn.PacketsIn(r));
            rig.Out(Packets.Gre(Net.HostB, Net.Server2));
            Assert.AreEqual("keyless", rig.Engine.Vpn.StateKey(RequireRow(rig, Net.HostB, PassthroughProtocol.Gre, Net.Server2)));
        }

        [TestMethod]
        public void L2tp_ControlMessages_TunnelThenCallUp()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701, L2tpControl(1)));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.L2tp);
            Assert.AreEqual("tunnelSetup", rig.Engine.Vpn.StateKey(r));
            rig.In(Packets.Udp(Net.Server, 1701, Net.Wan, 1701, L2tpControl(2)));
            rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701, L2tpControl(3)));
            Assert.AreEqual("tunnelUp", rig.Engine.Vpn.StateKey(r));
            rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701, L2tpControl(10)));
            Assert.AreEqual("callSetup", rig.Engine.Vpn.StateKey(r));
            rig.In(Packets.Udp(Net.Server, 1701, Net.Wan, 1701, L2tpControl(11)));
            rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701, L2tpControl(12)));
            Assert.AreEqual("callUp", rig.Engine.Vpn.StateKey(r));
            rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701, L2tpControl(6)));
            Assert.AreEqual("callUp", rig.Engine.Vpn.StateKey(r), "HELLO changes nothing");
            rig.Out(Packets.Udp(Net.HostA, 1701, Net.Server, 1701));
            Assert.AreEqual("callUp", rig.Engine.Vpn.StateKey(r), "a data message changes nothing");
            Assert.AreEqual(1701, rig.Engine.Vpn.ExternalPort(r));
        }

        [DataRow((int)PassthroughProtocol.Esp)]
        [DataRow((int)PassthroughProtocol.Ike)]
        [DataRow((int)PassthroughProtocol.NatT)]
        [DataRow((int)PassthroughProtocol.L2tp)]
        [DataRow((int)PassthroughProtocol.Gre)]
        [DataRow((int)PassthroughProtocol.Pptp)]
        [TestMethod]
        public void SwitchOff_ClientTries_PassthroughOffForThatClientOnly(int rule)
        {
            var protocol = (PassthroughProtocol)rule;
            var rig = new NatRig();
            rig.Engine.Passthrough.SetEnabled(protocol, false);
            rig.Advance(100);
            rig.Dropped(Attempt(protocol, Net.HostB), Side.Lan, DropReason.PassthroughOff);
            int r = RequireRow(rig, Net.HostB, protocol);
            VpnDiagnostics vpn = rig.Engine.Vpn;
            Assert.AreEqual(VpnProblem.PassthroughOff, vpn.Problem(r));
            Assert.AreEqual("passthroughOff", VpnDiagnostics.ProblemKey(vpn.Problem(r)));
            Assert.AreEqual("blocked", vpn.StateKey(r));
            Assert.AreEqual(0, vpn.PacketsOut(r));
            Assert.AreEqual(-1, Row(rig, Net.HostA, protocol), "no row for a client that tried nothing");
            rig.AdvanceSeconds(20);
            Assert.AreEqual(VpnProblem.PassthroughOff, vpn.Problem(r), "blocked is not mistaken for a silent server");

            if (protocol != PassthroughProtocol.Pptp)
            {
                rig.Engine.Passthrough.SetEnabled(protocol, true);
                rig.Advance(100);
                rig.Out(Attempt(protocol, Net.HostB));
                Assert.AreEqual(VpnProblem.None, vpn.Problem(r), "switched on and forwarded: the problem is gone");
            }
        }

        /// <summary>What a client sends first under each rule (PPTP: the control connection's SYN).</summary>
        private static byte[] Attempt(PassthroughProtocol protocol, uint host)
        {
            switch (protocol)
            {
                case PassthroughProtocol.Esp:
                    return Packets.Esp(host, Net.Server, Spi1);
                case PassthroughProtocol.Ike:
                    return Packets.Udp(host, 500, Net.Server, 500, Ike(34));
                case PassthroughProtocol.NatT:
                    return Packets.Udp(host, 4500, Net.Server, 4500, Ike(35, true));
                case PassthroughProtocol.L2tp:
                    return Packets.Udp(host, 1701, Net.Server, 1701, L2tpControl(1));
                case PassthroughProtocol.Gre:
                    return Packets.Gre(host, Net.Server, 0x1111);
                default:
                    return Packets.Tcp(host, 40000, Net.Server, 1723, Packets.Syn);
            }
        }

        [TestMethod]
        public void NoAnswer_PacketsOutNoneInForTenSeconds_Flagged()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500, Ike(34)));
            ushort external = Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 500, Net.Server2, 500, Ike(34))));
            rig.In(Packets.Udp(Net.Server2, 500, Net.Wan, external, Ike(34)));
            VpnDiagnostics vpn = rig.Engine.Vpn;
            int silent = RequireRow(rig, Net.HostA, PassthroughProtocol.Ike);
            int answered = RequireRow(rig, Net.HostB, PassthroughProtocol.Ike, Net.Server2);
            rig.AdvanceSeconds(VpnDiagnostics.NoAnswerSec - 1);
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500, Ike(34)));
            Assert.AreEqual(VpnProblem.None, vpn.Problem(silent), "not yet");
            rig.AdvanceSeconds(1);
            Assert.AreEqual(VpnProblem.NoAnswer, vpn.Problem(silent));
            Assert.AreEqual(VpnProblem.None, vpn.Problem(answered));
            rig.In(Packets.Udp(Net.Server, 500, Net.Wan, 500, Ike(34)));
            Assert.AreEqual(VpnProblem.None, vpn.Problem(silent), "an answer clears it");
        }

        [TestMethod]
        public void RawEsp_TwoClientsStartTogether_EspAmbiguousNamesTheOther()
        {
            var rig = new NatRig();
            rig.Out(Packets.Esp(Net.HostA, Net.Server, Spi1));
            rig.AdvanceSeconds(2);
            rig.Out(Packets.Esp(Net.HostB, Net.Server, 0xB0000001));
            rig.In(Packets.Esp(Net.Server, Net.Wan, Spi2));
            VpnDiagnostics vpn = rig.Engine.Vpn;
            int a = RequireRow(rig, Net.HostA, PassthroughProtocol.Esp);
            int b = RequireRow(rig, Net.HostB, PassthroughProtocol.Esp);
            Assert.AreEqual(VpnProblem.EspAmbiguous, vpn.Problem(a));
            Assert.AreEqual(VpnProblem.EspAmbiguous, vpn.Problem(b));
            Assert.AreEqual(Net.HostB, vpn.OtherClient(a));
            Assert.AreEqual(Net.HostA, vpn.OtherClient(b));
        }

        [TestMethod]
        public void RawEsp_SecondClientAfterTheFirstIsBound_NoProblem()
        {
            var rig = new NatRig();
            rig.Out(Packets.Esp(Net.HostA, Net.Server, Spi1));
            rig.In(Packets.Esp(Net.Server, Net.Wan, Spi2));
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Esp(Net.HostB, Net.Server, 0xB0000001));
            rig.In(Packets.Esp(Net.Server, Net.Wan, 0xB0000002));
            Assert.AreEqual(VpnProblem.None, rig.Engine.Vpn.Problem(RequireRow(rig, Net.HostA, PassthroughProtocol.Esp)));
            Assert.AreEqual(VpnProblem.None, rig.Engine.Vpn.Problem(RequireRow(rig, Net.HostB, PassthroughProtocol.Esp)));
        }

        [TestMethod]
        public void RawEsp_OtherClientIdleBeyondTheWindow_NoProblem()
        {
            var rig = new NatRig();
            rig.Out(Packets.Esp(Net.HostA, Net.Server, Spi1));
            rig.AdvanceSeconds(VpnDiagnostics.EspBindWindowSec + 2);
            rig.Out(Packets.Esp(Net.HostB, Net.Server, 0xB0000001));
            rig.In(Packets.Esp(Net.Server, Net.Wan, Spi2));
            Assert.AreEqual(VpnProblem.None, rig.Engine.Vpn.Problem(RequireRow(rig, Net.HostB, PassthroughProtocol.Esp)));
        }

        [TestMethod]
        public void KeylessGre_PeerOwnedByAnotherHost_GreOwnedNamesTheOwner()
        {
            var rig = new NatRig();
            rig.Out(Packets.Gre(Net.HostA, Net.Server));
            rig.Dropped(Packets.Gre(Net.HostB, Net.Server), Side.Lan, DropReason.GreOwned);
            VpnDiagnostics vpn = rig.Engine.Vpn;
            int b = RequireRow(rig, Net.HostB, PassthroughProtocol.Gre);
            Assert.AreEqual(VpnProblem.GreOwned, vpn.Problem(b));
            Assert.AreEqual(Net.HostA, vpn.OtherClient(b));
            Assert.AreEqual("keyless", vpn.StateKey(b));
            Assert.AreEqual(VpnProblem.None, vpn.Problem(RequireRow(rig, Net.HostA, PassthroughProtocol.Gre)));
        }

        [TestMethod]
        public void NatTKeepalive_FurtherApartThanUdpTimeout_KeepaliveTooSlow()
        {
            var rig = new NatRig(64, o => o.UdpTimeoutMs = 120000);
            byte[] keepalive = { 0xFF };
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, Ike(35, true)));
            rig.In(Packets.Udp(Net.Server, 4500, Net.Wan, 4500, Ike(35, true)));
            rig.AdvanceSeconds(20);
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, keepalive));
            VpnDiagnostics vpn = rig.Engine.Vpn;
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.NatT);
            Assert.AreEqual(VpnProblem.None, vpn.Problem(r), "20 s apart is fine");
            rig.AdvanceSeconds(130);
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, keepalive));
            Assert.AreEqual(VpnProblem.KeepaliveTooSlow, vpn.Problem(r));
            Assert.AreEqual(130, vpn.ProblemValue(r));
            Assert.AreEqual(120, vpn.ProblemLimit(r));
        }

        [TestMethod]
        public void LaterFragments_HeldSlotsFull_FragmentsDroppedOnTheServersRows()
        {
            var rig = new NatRig(64, o => o.FragmentHeldSlots = 1);
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500, Ike(34)));
            rig.Out(Packets.Udp(Net.HostB, 500, Net.Server2, 500, Ike(34)));
            var piece = new byte[64];
            byte[] first = Oracle.IPv4(Net.Server, Net.Wan, Oracle.ProtocolUdp, piece, 64, 0x0101, 0, 8, 0);
            byte[] second = Oracle.IPv4(Net.Server, Net.Wan, Oracle.ProtocolUdp, piece, 64, 0x0202, 0, 8, 0);
            rig.Process(first, Side.Wan);
            Assert.AreEqual(DropReason.FragmentHeld, rig.Engine.LastDrop);
            VpnDiagnostics vpn = rig.Engine.Vpn;
            int a = RequireRow(rig, Net.HostA, PassthroughProtocol.Ike);
            Assert.AreEqual(VpnProblem.None, vpn.Problem(a), "one held fragment is no problem");
            rig.Process(second, Side.Wan);
            Assert.AreEqual(VpnProblem.FragmentsDropped, vpn.Problem(a));
            Assert.AreEqual(1, vpn.ProblemValue(a));
            Assert.AreEqual(VpnProblem.None, vpn.Problem(RequireRow(rig, Net.HostB, PassthroughProtocol.Ike, Net.Server2)), "another server's rows");
        }

        [TestMethod]
        public void PptpControl_MessageThatDoesNotParse_PptpControlBad()
        {
            var rig = new NatRig();
            byte[] syn = rig.Out(Packets.Tcp(Net.HostA, 40000, Net.Server, 1723, Packets.Syn, 0, 1000));
            ushort external = Check.SourcePort(syn);
            rig.In(Packets.Tcp(Net.Server, 1723, Net.Wan, external, Packets.Syn | Packets.Ack, 0, 7000, 1001));
            rig.Out(Packets.Tcp(Net.HostA, 40000, Net.Server, 1723, Packets.Ack, 0, 1001, 7001, new byte[0]));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.Pptp);
            VpnDiagnostics vpn = rig.Engine.Vpn;
            Assert.AreEqual("control", vpn.StateKey(r));
            Assert.AreEqual(VpnProblem.None, vpn.Problem(r));
            Assert.AreEqual(external, (ushort)vpn.ExternalPort(r));

            // A Start-Control-Connection-Request (156 bytes, RFC 2637 §2.1) with a wrong magic cookie.
            var sccrq = new byte[156];
            sccrq[1] = 156;
            sccrq[3] = 1;
            sccrq[4] = 0xDE;
            sccrq[5] = 0xAD;
            sccrq[6] = 0xBE;
            sccrq[7] = 0xEF;
            sccrq[9] = 1;
            rig.Out(Packets.Tcp(Net.HostA, 40000, Net.Server, 1723, Packets.Ack | Packets.Psh, 0, 1001, 7001, sccrq));
            Assert.AreEqual(VpnProblem.PptpControlBad, vpn.Problem(r));
        }

        [TestMethod]
        public void FragmentationNeeded_ForANatTSession_PathMtuWithTheMtu()
        {
            var rig = new NatRig();
            byte[] sent = rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, Ike(35, true)));
            rig.In(Packets.IcmpError(Net.HopRouter, Net.Wan, IcmpV4TypeCode.UnreachableFragmentationNeeded, sent, 28, 1400));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.NatT);
            Assert.AreEqual(VpnProblem.PathMtu, rig.Engine.Vpn.Problem(r));
            Assert.AreEqual(1400, rig.Engine.Vpn.ProblemValue(r));
        }

        [TestMethod]
        public void FragmentationNeeded_ForEsp_PathMtuOnTheEspRow()
        {
            var rig = new NatRig();
            byte[] sent = rig.Out(Packets.Esp(Net.HostA, Net.Server, Spi1));
            rig.In(Packets.IcmpError(Net.HopRouter, Net.Wan, IcmpV4TypeCode.UnreachableFragmentationNeeded, sent, 28, 1280));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.Esp);
            Assert.AreEqual(VpnProblem.PathMtu, rig.Engine.Vpn.Problem(r));
            Assert.AreEqual(1280, rig.Engine.Vpn.ProblemValue(r));
        }

        [TestMethod]
        public void DontFragmentPacketLargerThanUplinkMtu_PathMtu()
        {
            var rig = new NatRig();
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, new byte[1400]));
            int r = RequireRow(rig, Net.HostA, PassthroughProtocol.NatT);
            Assert.AreEqual(VpnProblem.None, rig.Engine.Vpn.Problem(r), "1428 bytes fit");
            rig.Out(Packets.Udp(Net.HostA, 4500, Net.Server, 4500, new byte[1600]));
            Assert.AreEqual(VpnProblem.PathMtu, rig.Engine.Vpn.Problem(r));
            Assert.AreEqual(VpnDiagnostics.UplinkMtu, rig.Engine.Vpn.ProblemValue(r));
            Assert.AreEqual(1628, rig.Engine.Vpn.ProblemLimit(r));
        }

        [TestMethod]
        public void Table_MoreSessionsThanRows_OldestIdleReplacedAndUnlinked()
        {
            var rig = new NatRig(256);
            VpnDiagnostics vpn = rig.Engine.Vpn;
            rig.Out(Packets.Esp(Net.Host(10), Net.Server, Spi1));
            rig.In(Packets.Esp(Net.Server, Net.Wan, Spi2));
            for (int i = 1; i < VpnDiagnostics.Rows; i++)
            {
                rig.AdvanceSeconds(1);
                rig.Out(Packets.Udp(Net.Host(10 + i), 500, Net.Server, 500, Ike(34)));
            }

            Assert.AreEqual(0, vpn.Replaced);
            rig.AdvanceSeconds(1);
            rig.Out(Packets.Udp(Net.Host(50), 500, Net.Server, 500, Ike(34)));
            Assert.AreEqual(1, vpn.Replaced);
            Assert.AreEqual(-1, Row(rig, Net.Host(10), PassthroughProtocol.Esp), "the row idle longest went");
            int newest = RequireRow(rig, Net.Host(50), PassthroughProtocol.Ike);
            int used = 0;
            for (int r = 0; r < VpnDiagnostics.Rows; r++)
            {
                used += vpn.IsUsed(r) ? 1 : 0;
            }

            Assert.AreEqual(VpnDiagnostics.Rows, used);

            // The replaced row's ESP mapping still forwards on the established path, into no shown row.
            rig.Out(Packets.Esp(Net.Host(10), Net.Server, Spi1, 2));
            rig.In(Packets.Esp(Net.Server, Net.Wan, Spi2, 2));
            Assert.AreEqual(1, vpn.PacketsOut(newest));
            Assert.AreEqual(0, vpn.PacketsIn(newest));
        }
    }
}
