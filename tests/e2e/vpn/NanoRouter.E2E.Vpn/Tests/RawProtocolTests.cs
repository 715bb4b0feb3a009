using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>
    /// Raw ESP and GRE version 0 built with scapy: two LAN hosts talk to one WAN responder at the
    /// same time. (Linux MASQUERADE fails the second host: its conntrack tuple has no SPI or key.)
    /// </summary>
    [TestClass]
    public sealed class RawProtocolTests : VpnTestBase
    {
        private const int Count = 20;

        /// <summary>
        /// Runs one exchange per LAN host, overlapping in time. Host 2 starts 300 ms after host 1,
        /// so each host's first reply arrives while only its own outbound flow is unanswered (as
        /// IKE orders a real IPsec peer's SAs); after that both stream at once.
        /// </summary>
        private static ExchangeResult[] Overlapping(Func<int, ExchangeResult> exchange)
        {
            var first = Task.Run(() => exchange(1));
            Thread.Sleep(300);
            var second = Task.Run(() => exchange(2));
            Task.WaitAll(first, second);
            return new[] { first.Result, second.Result };
        }

        [TestMethod]
        public void RawEsp_TwoLanHostsOneServerDifferentSpis_EachGetsOnlyItsOwnReplies()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var hosts = new[] { RawPeer.Start(lab, lab.LanNs(1), "esp-lan1", false), RawPeer.Start(lab, lab.LanNs(2), "esp-lan2", false) };
            var server = VpnLab.ServerAddress(1);
            var spis = new uint[] { 0x0000_1001, 0x0000_2002 };

            var results = Overlapping(h => hosts[h - 1].Esp(server, spis[h - 1], "lan" + h, Count));

            for (int i = 0; i < 2; i++)
            {
                Expect(lab, results[i].Own == Count && results[i].Foreign == 0,
                    "LAN host " + (i + 1) + " (SPI 0x" + spis[i].ToString("x8") + "): " + results[i], "proto 50");
            }
            lab.Passed = true;
        }

        [TestMethod]
        public void GreV0_TwoLanHostsDifferentKeysOnePeer_EachGetsOnlyItsOwnReplies()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var hosts = new[] { RawPeer.Start(lab, lab.LanNs(1), "gre-lan1", false), RawPeer.Start(lab, lab.LanNs(2), "gre-lan2", false) };
            var server = VpnLab.ServerAddress(1);
            var keys = new uint[] { 1001, 2002 };

            var results = Overlapping(h => hosts[h - 1].Gre(server, keys[h - 1], "lan" + h, Count));

            for (int i = 0; i < 2; i++)
            {
                Expect(lab, results[i].Own == Count && results[i].Foreign == 0,
                    "LAN host " + (i + 1) + " (GRE key " + keys[i] + "): " + results[i], "proto 47");
            }
            lab.Passed = true;
        }

        /// <summary>
        /// Issue 14 section 1: Linux-style tunnels whose keys differ per direction (ikey/okey, RFC
        /// 2890), two LAN hosts to one peer at once. The router maps each by (host, peer, outbound
        /// key) and learns each inbound key as ESP learns SPIs.
        /// </summary>
        [TestMethod]
        public void GreV0_TwoLanHostsAsymmetricKeysOnePeer_EachGetsOnlyItsOwnReplies()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            var responder = RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var hosts = new[] { RawPeer.Start(lab, lab.LanNs(1), "gre-lan1", false), RawPeer.Start(lab, lab.LanNs(2), "gre-lan2", false) };
            var server = VpnLab.ServerAddress(1);
            var outKeys = new uint[] { 1001, 2002 };
            var inKeys = new uint[] { 0x0BAD_1001, 0x0BAD_2002 };
            responder.GreReplyKeys((outKeys[0], inKeys[0]), (outKeys[1], inKeys[1]));

            var results = Overlapping(h => hosts[h - 1].Gre(server, outKeys[h - 1], "lan" + h, Count, inKeys[h - 1]));

            for (int i = 0; i < 2; i++)
            {
                Expect(lab, results[i].Own == Count && results[i].Foreign == 0,
                    "LAN host " + (i + 1) + " (GRE okey " + outKeys[i] + ", ikey 0x" + inKeys[i].ToString("x8") + "): " + results[i], "proto 47");
            }

            // Both tunnels again, now with their inbound keys learned.
            var again = Overlapping(h => hosts[h - 1].Gre(server, outKeys[h - 1], "again" + h, Count, inKeys[h - 1]));
            for (int i = 0; i < 2; i++)
            {
                Expect(lab, again[i].Own == Count && again[i].Foreign == 0, "LAN host " + (i + 1) + " again: " + again[i], "proto 47");
            }

            var admin = lab.Router.Admin;
            if (admin != null)
            {
                admin.Login();
                var gre = admin.Status().Json()?["passthrough"]?["gre"];
                Expect(lab, gre?["mappings"]?.GetValue<int>() == 2 && gre?["packetsIn"]?.GetValue<int>() >= 4 * Count && gre?["drops"]?.GetValue<int>() == 0,
                    "GET /api/status passthrough.gre: " + gre?.ToJsonString());
            }
            lab.Passed = true;
        }

        [TestMethod]
        public void GreV0_NoKey_FirstHostOwnsThePeerAndTheSecondGetsNothing()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var first = RawPeer.Start(lab, lab.LanNs(1), "gre-lan1", false);
            var second = RawPeer.Start(lab, lab.LanNs(2), "gre-lan2", false);
            var server = VpnLab.ServerAddress(1);

            var owner = first.Gre(server, null, "lan1", 5);
            Expect(lab, owner.Own == 5 && owner.Foreign == 0, "the first unkeyed GRE host: " + owner, "proto 47");
            var other = second.Gre(server, null, "lan2", 5);
            Expect(lab, other.Own == 0, "a second LAN host got unkeyed GRE through to a peer the first host owns: " + other, "proto 47");
            var again = first.Gre(server, null, "lan1", 5);
            Expect(lab, again.Own == 5 && again.Foreign == 0, "the owner after the second host tried: " + again, "proto 47");
            lab.Passed = true;
        }
    }
}
