using System.Text.Json.Nodes;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>Traffic a LAN host never asked for does not get in, even from a peer it talks to.</summary>
    [TestClass]
    public sealed class UnsolicitedTests : VpnTestBase
    {
        [TestMethod]
        public void Unsolicited_WanEspGreSynUdp_ReachesNoLanHost()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            var responder = RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var lan1 = RawPeer.Start(lab, lab.LanNs(1), "lan1", false);
            var lan2 = RawPeer.Start(lab, lab.LanNs(2), "lan2", false);
            var server = VpnLab.ServerAddress(1);

            // Legitimate flows first, so the router holds ESP and keyed GRE state for this peer.
            var esp = lan1.Esp(server, 0x0000_1001, "lan1", 3);
            var gre = lan1.Gre(server, 7, "lan1", 3);
            Expect(lab, esp.Own == 3 && gre.Own == 3, "the legitimate flows did not work: ESP " + esp + "; GRE " + gre, "proto 50 or proto 47");

            lan1.SniffStart();
            lan2.SniffStart();
            var target = VpnLab.RouterWanAddress;
            responder.SendUnsolicited(new JsonObject { ["dst"] = target, ["proto"] = "esp", ["spi"] = 0xDEADBEEF, ["count"] = 3 });
            responder.SendUnsolicited(new JsonObject { ["dst"] = target, ["proto"] = "esp", ["spi"] = 0x0000_1001, ["count"] = 3 });
            responder.SendUnsolicited(new JsonObject { ["dst"] = target, ["proto"] = "gre", ["key"] = 999, ["count"] = 3 });
            responder.SendUnsolicited(new JsonObject { ["dst"] = target, ["proto"] = "gre", ["key"] = null, ["count"] = 3 });
            foreach (var port in new[] { 22, 80, 443, 1723 })
            {
                responder.SendUnsolicited(new JsonObject { ["dst"] = target, ["proto"] = "tcp_syn", ["dport"] = port, ["count"] = 2 });
            }
            foreach (var port in new[] { 53, 500, 4500, 1701, 40000 })
            {
                responder.SendUnsolicited(new JsonObject { ["dst"] = target, ["proto"] = "udp", ["dport"] = port, ["count"] = 2 });
            }
            Thread.Sleep(1000);
            var seen1 = lan1.SniffStop();
            var seen2 = lan2.SniffStop();
            Expect(lab, seen1.Count == 0, "LAN host 1 received " + seen1.Count + " unsolicited packets, first: " + seen1.First, "proto 50 or proto 47 or udp");
            Expect(lab, seen2.Count == 0, "LAN host 2 received " + seen2.Count + " unsolicited packets, first: " + seen2.First, "proto 50 or proto 47 or udp");
            lab.Passed = true;
        }
    }
}
