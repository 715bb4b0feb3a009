using System;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>
    /// VPN diagnostics (issue 14 §2) with real peers: GET /api/vpn shows one row per (LAN client,
    /// protocol, server) with the protocol's own state (strongSwan's IKE exchange and its float to
    /// NAT-T, raw ESP bound to an SPI, a GRE key bound, xl2tpd's call up, pptpd's call with its
    /// remapped call ID), and the problems a user meets: a switch off while that client tries it, and
    /// keyless GRE to a peer another host owns. The kernel reference router has no admin API
    /// (inconclusive there).
    /// </summary>
    [TestClass]
    public sealed class VpnDiagnosticsTests : VpnTestBase
    {
        private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(20);

        /// <summary>The admin client, logged in; null (and the test inconclusive) for the kernel router.</summary>
        private static AdminClient Admin(VpnLab lab)
        {
            var admin = lab.Router.Admin;
            if (admin == null)
            {
                lab.Passed = true;
                Assert.Inconclusive("the " + lab.Kind + " router has no admin API");
            }
            admin.Login();
            return admin;
        }

        private static JsonArray Sessions(VpnLab lab, AdminClient admin)
        {
            var reply = admin.Vpn();
            Expect(lab, reply.Status == 200, "GET /api/vpn returned " + reply);
            var sessions = reply.Json()?["sessions"] as JsonArray;
            Expect(lab, sessions != null, "GET /api/vpn has no sessions array: " + reply);
            return sessions;
        }

        private static JsonNode Find(JsonArray sessions, string client, string protocol, string server)
        {
            return sessions.FirstOrDefault(s => Text(s, "client") == client && Text(s, "protocol") == protocol && Text(s, "server") == server);
        }

        private static string Text(JsonNode node, string key)
        {
            var value = node?[key];
            return value is JsonValue v && v.TryGetValue(out string text) ? text : null;
        }

        private static long Number(JsonNode node, string key)
        {
            var value = node?[key];
            return value is JsonValue v && v.TryGetValue(out long n) ? n : -1;
        }

        /// <summary>Waits until a row matches (the API is read while traffic settles), then returns the last answer.</summary>
        private static JsonNode WaitForRow(VpnLab lab, AdminClient admin, string client, string protocol, string server, Func<JsonNode, bool> ready, out JsonArray last)
        {
            JsonNode row = null;
            JsonArray sessions = null;
            WaitUntil(() =>
            {
                sessions = Sessions(lab, admin);
                row = Find(sessions, client, protocol, server);
                return row != null && ready(row);
            }, TimeSpan.FromSeconds(5), 500);
            last = sessions;
            return row;
        }

        [TestMethod]
        public void Diagnostics_StrongSwan_IkeExchangeRowAndNatTRowFloatedToEspInUdp()
        {
            using var lab = NewLab(lanHosts: 1, servers: 1);
            var admin = Admin(lab);
            Charon.StartServer(lab, 1);
            var client = Charon.StartClient(lab, 1, 1);
            var up = client.Initiate();
            Expect(lab, up.Succeeded, "the IPsec tunnel did not come up: " + up.Output, "udp port 500 or udp port 4500");
            var ping = Ping(lab.LanNs(1), VpnLab.ProtectedAddress);
            Expect(lab, ping.Succeeded, "ping through the tunnel failed:\n" + ping.Output, "udp port 4500");

            string lan = VpnLab.LanAddress(1);
            string server = VpnLab.ServerAddress(1);
            var natt = WaitForRow(lab, admin, lan, "natt", server, r => Text(r, "state") == "espInUdp" && Number(r, "packetsIn") >= 3, out var sessions);
            Expect(lab, natt != null, "no natt row in espInUdp with replies for " + lan + ": " + sessions.ToJsonString());
            Expect(lab, Number(natt, "externalPort") == 4500 && Number(natt, "packetsOut") >= 3 && natt["problem"] == null && natt["hint"] == null,
                "the natt row: " + natt.ToJsonString());
            var ike = Find(sessions, lan, "ike", server);
            Expect(lab, ike != null && Text(ike, "state") == "ikeSaInit" && Number(ike, "externalPort") == 500 && Number(ike, "packetsIn") >= 1 && ike["problem"] == null,
                "the ike row (IKE_SA_INIT on 500, then the float): " + (ike?.ToJsonString() ?? sessions.ToJsonString()));
            lab.Passed = true;
        }

        [TestMethod]
        public void Diagnostics_L2tpAndPptp_CallUpRowsWithPortAndRemappedCallId()
        {
            using var lab = NewLab(lanHosts: 2, servers: 2);
            var admin = Admin(lab);
            var lns = Xl2tpd.StartServer(lab, 1);
            var lac = Xl2tpd.StartClient(lab, 1, 1);
            Pptp.StartServer(lab, 2);
            var pptp = Pptp.StartClient(lab, 2, 2);
            bool up = WaitUntil(() => lns.CallsEstablished() >= 1 && lac.Ppp().Any(p => p.Opened && p.EchoRepliesReceived >= 2)
                && pptp.EstablishedCall() != null && pptp.Ppp().Any(p => p.Opened && p.EchoRepliesReceived >= 2), s_callTimeout);
            Expect(lab, up, "the L2TP and PPTP calls did not both carry PPP. LNS:\n" + lns.Log() + "\nPPTP:\n" + pptp.Log(), "udp port 1701 or tcp port 1723 or proto 47");

            var l2tp = WaitForRow(lab, admin, VpnLab.LanAddress(1), "l2tp", VpnLab.ServerAddress(1), r => Text(r, "state") == "callUp", out var sessions);
            Expect(lab, l2tp != null && Number(l2tp, "externalPort") == 1701 && Number(l2tp, "packetsIn") > 0 && l2tp["problem"] == null,
                "the l2tp row (ICCN seen): " + (l2tp?.ToJsonString() ?? sessions.ToJsonString()));
            var call = Find(sessions, VpnLab.LanAddress(2), "pptp", VpnLab.ServerAddress(2));
            Expect(lab, call != null && Text(call, "state") == "callUp" && (Text(call, "detail") ?? "").Contains("remapped to")
                && Number(call, "packetsOut") > 3 && Number(call, "packetsIn") > 3 && Number(call, "externalPort") > 0 && call["problem"] == null,
                "the pptp row (a call with its remapped call ID, control and GRE counted): " + (call?.ToJsonString() ?? sessions.ToJsonString()));
            lab.Passed = true;
        }

        [TestMethod]
        public void Diagnostics_RawEspAndKeyedGre_SpiBoundAndKeyBoundWithCounts()
        {
            using var lab = NewLab(lanHosts: 1, servers: 1);
            var admin = Admin(lab);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var lan1 = RawPeer.Start(lab, lab.LanNs(1), "diag-lan1", false);
            string server = VpnLab.ServerAddress(1);
            var esp = lan1.Esp(server, 0x0000_7001, "esp", 5);
            var gre = lan1.Gre(server, 7002, "gre", 5);
            Expect(lab, esp.Own == 5 && gre.Own == 5, "the exchanges: ESP " + esp + ", GRE " + gre, "proto 50 or proto 47");

            var espRow = WaitForRow(lab, admin, VpnLab.LanAddress(1), "esp", server, r => Number(r, "packetsIn") == 5, out var sessions);
            Expect(lab, espRow != null && Text(espRow, "state") == "spiBound" && Number(espRow, "packetsOut") == 5 && espRow["externalPort"] == null
                && (Text(espRow, "detail") ?? "").StartsWith("SPI out 0x00007001, in 0x"), "the esp row: " + (espRow?.ToJsonString() ?? sessions.ToJsonString()));
            var greRow = Find(sessions, VpnLab.LanAddress(1), "gre", server);
            Expect(lab, greRow != null && Text(greRow, "state") == "keyBound" && Number(greRow, "packetsOut") == 5 && Number(greRow, "packetsIn") == 5,
                "the gre row: " + (greRow?.ToJsonString() ?? sessions.ToJsonString()));
            lab.Passed = true;
        }

        [TestMethod]
        public void Diagnostics_IkeSwitchedOff_PassthroughOffForTheClientThatTriesIt()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            var admin = Admin(lab);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var lan1 = RawPeer.Start(lab, lab.LanNs(1), "diag-lan1", false);
            var lan2 = RawPeer.Start(lab, lab.LanNs(2), "diag-lan2", false);
            string server = VpnLab.ServerAddress(1);
            var off = admin.SetPassthrough("ike", false);
            Expect(lab, off.Status == 200, "PUT /api/passthrough {\"ike\":false} returned " + off);

            var blocked = lan2.Udp(server, 500, 500, "ike", 3);
            Expect(lab, blocked.Own == 0, "IKE got through with its switch off: " + blocked, "udp port 500");
            var other = lan1.Udp(server, 4500, 4500, "natt", 3);
            Expect(lab, other.Own == 3, "NAT-T from the other client should pass: " + other, "udp port 4500");

            var row = WaitForRow(lab, admin, VpnLab.LanAddress(2), "ike", server, r => Text(r, "problem") == "passthroughOff", out var sessions);
            Expect(lab, row != null && Text(row, "state") == "blocked" && Number(row, "packetsOut") == 0
                && (Text(row, "hint") ?? "").Contains("switch is off"), "the blocked client's ike row: " + (row?.ToJsonString() ?? sessions.ToJsonString()));
            Expect(lab, Find(sessions, VpnLab.LanAddress(1), "ike", server) == null, "a row for a client that sent no IKE: " + sessions.ToJsonString());
            var fine = Find(sessions, VpnLab.LanAddress(1), "natt", server);
            Expect(lab, fine != null && fine["problem"] == null && Number(fine, "packetsIn") == 3, "the other client's natt row: " + (fine?.ToJsonString() ?? sessions.ToJsonString()));

            Expect(lab, admin.SetPassthrough("ike", true).Status == 200, "switching ike back on failed");
            var again = lan2.Udp(server, 500, 500, "ike", 3);
            Expect(lab, again.Own == 3, "IKE after switching it on: " + again, "udp port 500");
            row = WaitForRow(lab, admin, VpnLab.LanAddress(2), "ike", server, r => r["problem"] == null, out sessions);
            Expect(lab, row != null && Number(row, "packetsIn") == 3, "the ike row once switched on: " + (row?.ToJsonString() ?? sessions.ToJsonString()));
            lab.Passed = true;
        }

        [TestMethod]
        public void Diagnostics_KeylessGreToAnOwnedPeer_GreOwnedNamesTheOwner()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            var admin = Admin(lab);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var first = RawPeer.Start(lab, lab.LanNs(1), "gre-lan1", false);
            var second = RawPeer.Start(lab, lab.LanNs(2), "gre-lan2", false);
            string server = VpnLab.ServerAddress(1);
            var owner = first.Gre(server, null, "lan1", 3);
            var refused = second.Gre(server, null, "lan2", 3);
            Expect(lab, owner.Own == 3 && refused.Own == 0, "keyless GRE: owner " + owner + ", second " + refused, "proto 47");

            var row = WaitForRow(lab, admin, VpnLab.LanAddress(2), "gre", server, r => Text(r, "problem") == "greOwned", out var sessions);
            Expect(lab, row != null && Text(row, "otherClient") == VpnLab.LanAddress(1) && (Text(row, "hint") ?? "").Contains("(" + VpnLab.LanAddress(1) + ")"),
                "the second client's gre row: " + (row?.ToJsonString() ?? sessions.ToJsonString()));
            var ownerRow = Find(sessions, VpnLab.LanAddress(1), "gre", server);
            Expect(lab, ownerRow != null && Text(ownerRow, "state") == "keyless" && ownerRow["problem"] == null && Number(ownerRow, "packetsIn") == 3,
                "the owner's gre row: " + (ownerRow?.ToJsonString() ?? sessions.ToJsonString()));
            lab.Passed = true;
        }
    }
}
