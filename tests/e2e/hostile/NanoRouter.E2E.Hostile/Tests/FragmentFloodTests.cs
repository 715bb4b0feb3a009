using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>
    /// Issue 15, "fragment slots": the IKE server (server 1, scapy peers/rawpeer.py) sends a LAN
    /// host 20 genuine 3,000-byte UDP datagrams to its port 500, each cut into 3 fragments sent last
    /// first (the router must hold the two later ones until the first comes), their fragments spread
    /// over 3 ms or over 40 ms, while another WAN host (server 2, its own address: no spoofing) floods
    /// the router with later fragments that belong to no datagram (hostile.py frag-flood) at a given
    /// rate. A datagram counts when the LAN host's kernel reassembled it whole (SHA-256 compared).
    /// Measured at several flood rates, then once more with the flooder being a remote a LAN host
    /// talks to (so it may hold fragments, to its fair share of the slots). Every figure is printed
    /// before anything is asserted.
    /// </summary>
    [TestClass]
    [DoNotParallelize]
    public sealed class FragmentFloodTests : HostileTestBase
    {
        private const int IkePort = 500;
        private const int Datagrams = 20;
        private const int DatagramSize = 3000;

        private int _run;

        [TestMethod]
        public void FragmentFlood_UnmatchedLaterFragments_GenuineOutOfOrderIkeDatagramsSurvive()
        {
            using var lab = HostileLab.Create(TestContext.TestName, lanHosts: 1, servers: 2);
            string server = VpnLab.ServerAddress(1);
            string flooder = VpnLab.ServerAddress(2);
            var responder = RawPeer.Start(lab.Lab, lab.Lab.ServerNs(1), "responder", respond: true);
            var host = RawPeer.Start(lab.Lab, lab.Lab.LanNs(1), "ike-lan1", false);
            host.UdpListen(IkePort);
            host.UdpSend(IkePort, server, IkePort, "hello-ike");
            Expect(lab, WaitUntil(() => host.UdpReceived(IkePort).Any(d => d.Head == "hello-ike"), TimeSpan.FromSeconds(5)), "the IKE session did not come up", "udp");

            var results = new List<(int SpreadMs, int Rate, bool Mapped, int Received, string Flood)>();
            foreach (int spread in new[] { 3, 40 })
            {
                foreach (int rate in new[] { 0, 100, 1000, 5000, 20000 })
                {
                    var (received, flood) = Measure(lab, responder, host, server, flooder, spread, rate);
                    results.Add((spread, rate, false, received, flood));
                    Figure("spread " + spread + " ms, flood " + rate + "/s from a stranger: " + received + "/" + Datagrams + " datagrams whole (" + flood + ")");
                }
            }

            // The flooder becomes a remote of a live mapping: LAN host 1 talks to it.
            host.UdpListen(5353);
            host.UdpSend(5353, flooder, 53, "a query to the flooder");
            Thread.Sleep(200);
            foreach (int rate in new[] { 1000, 20000 })
            {
                var (received, flood) = Measure(lab, responder, host, server, flooder, 3, rate);
                results.Add((3, rate, true, received, flood));
                Figure("spread 3 ms, flood " + rate + "/s from a remote with a mapping: " + received + "/" + Datagrams + " datagrams whole (" + flood + ")");
            }

            var nat = lab.Admin(1);
            nat.Login();
            Figure("after: " + nat.Nat());
            foreach (var r in results.Where(r => r.Rate <= 5000))
            {
                Expect(lab, r.Received == Datagrams, "spread " + r.SpreadMs + " ms, flood " + r.Rate + "/s" + (r.Mapped ? " from a remote with a mapping" : "") + ": only "
                    + r.Received + "/" + Datagrams + " datagrams got through whole");
            }

            Expect(lab, !lab.Board.HasExited, "the board exited");
            lab.Passed = true;
        }

        /// <summary>One round: the flood (if any) runs while the 20 datagrams go out; returns how many the LAN host reassembled.</summary>
        private (int Received, string Flood) Measure(HostileLab lab, RawPeer responder, RawPeer host, string server, string flooder, int spreadMs, int rate)
        {
            int run = ++_run;
            Agent flood = null;
            if (rate > 0)
            {
                flood = lab.Agent("frag-flood-" + run, lab.Lab.ServerNs(2), "frag-flood", "--src", flooder, "--dst", VpnLab.RouterWanAddress,
                    "--rate", rate.ToString(), "--duration", "30", "--seed", run.ToString());
                flood.WaitReady(TimeSpan.FromSeconds(20));
                Thread.Sleep(500);
            }

            var datagrams = new JsonArray();
            var order = new JsonArray();
            for (int k = 0; k < Datagrams; k++)
            {
                datagrams.Add(RawPeer.Datagram(server, VpnLab.RouterWanAddress, IkePort, IkePort, 0x4000 + (run * 32) + k, DatagramSize, "run" + run + "-" + k));
                for (int i = 2; i >= 0; i--)
                {
                    order.Add(new JsonArray(k, i));
                }
            }

            // Three fragments per datagram, one every spread/2 ms: the datagram's spread.
            var sent = responder.Send(new JsonObject
            {
                ["op"] = "frag_send", ["datagrams"] = datagrams, ["order"] = order, ["fragsize"] = 1480, ["gap"] = spreadMs / 2000.0,
            }, TimeSpan.FromSeconds(60));
            var digests = new HashSet<string>(sent["sha256"].AsArray().Select(n => n.GetValue<string>()));
            Thread.Sleep(500);
            string floodFigure = "no flood";
            if (flood != null)
            {
                flood.Terminate();
                var done = flood.WaitDone(TimeSpan.FromSeconds(10));
                floodFigure = done == null ? "flood summary missing" : done["sent"] + " flood fragments in " + done["elapsed"] + " s";
            }

            int received = host.UdpReceived(IkePort).Count(d => d.Length == DatagramSize && digests.Contains(d.Sha256));
            return (received, floodFigure);
        }
    }
}
