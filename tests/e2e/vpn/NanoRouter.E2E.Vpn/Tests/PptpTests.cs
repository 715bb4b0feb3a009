using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>pptp-linux on two LAN hosts to one pptpd, with PPP (stand-in pppd) over GRE v1.</summary>
    [TestClass]
    public sealed class PptpTests : VpnTestBase
    {
        private const string OutgoingCallRequest = "pptp.control_message_type == 7";
        private const string OutgoingCallReply = "pptp.control_message_type == 8";
        private const string GreV1 = "gre && gre.flags.version == 1";

        private static bool CarriesData(Pptp client) => client.EstablishedCall() != null && client.Ppp().Any(p => p.Opened && p.EchoRepliesReceived >= 3);

        [TestMethod]
        public void Pptp_TwoClients_CallIdsRemappedWithoutCollisionAndGreV1FlowsBothWays()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            Pptp.StartServer(lab, 1);
            var clients = new[] { Pptp.StartClient(lab, 1, 1), Pptp.StartClient(lab, 2, 1) };

            bool ok = WaitUntil(() => clients.All(CarriesData), TimeSpan.FromSeconds(20));
            for (int i = 0; i < 2; i++)
            {
                Expect(lab, CarriesData(clients[i]), "PPTP client " + (i + 1) + " has no call carrying PPP both ways: PPP " +
                    string.Join("; ", clients[i].Ppp()) + "\n" + clients[i].Log(), "tcp port 1723 or proto 47");
            }

            var lanPcap = lab.CapturePath(wan: false);
            var wanPcap = lab.CapturePath(wan: true);
            // Call IDs each client chose (LAN side) and what the server was told (WAN side).
            var lanRequests = Pcap.Fields(lanPcap, OutgoingCallRequest, "ip.src", "pptp.call_id");
            var wanRequests = Pcap.Fields(wanPcap, OutgoingCallRequest, "ip.src", "pptp.call_id");
            var lanCallId = new Dictionary<string, string>();
            foreach (var row in lanRequests)
            {
                lanCallId[row[0]] = row[1];
            }
            var wanCallIds = wanRequests.Select(r => r[1]).ToList();
            Expect(lab, lanCallId.Count == 2 && wanCallIds.Count == 2, "expected one Outgoing-Call-Request per client on each side; LAN: " +
                string.Join(", ", lanRequests.Select(r => r[0] + " id " + r[1])) + "; WAN: " + string.Join(", ", wanCallIds), "tcp port 1723");
            Expect(lab, wanCallIds.Distinct().Count() == 2, "the two calls collide on the WAN side: call IDs " + string.Join(", ", wanCallIds), "tcp port 1723");

            // Each Outgoing-Call-Reply reaches its client with the client's own call ID as peer call ID.
            var lanReplies = Pcap.Fields(lanPcap, OutgoingCallReply, "ip.dst", "pptp.peer_call_id", "pptp.call_id");
            foreach (var host in lanCallId.Keys)
            {
                var replies = lanReplies.Where(r => r[0] == host).ToList();
                Expect(lab, replies.Count == 1 && replies[0][1] == lanCallId[host], "the Outgoing-Call-Reply to " + host + " carries peer call ID " +
                    string.Join(",", replies.Select(r => r[1])) + ", its own call ID is " + lanCallId[host], "tcp port 1723");
            }

            // GRE v1 from the server names a WAN-side call ID; on the LAN it names each client's own.
            var wanGreIn = Pcap.Fields(wanPcap, GreV1 + " && ip.dst == " + VpnLab.RouterWanAddress, "gre.key.call_id");
            Expect(lab, wanGreIn.Count > 0 && wanGreIn.All(r => wanCallIds.Contains(r[0])), "GRE v1 from the server carries call IDs " +
                string.Join(",", wanGreIn.Select(r => r[0]).Distinct()) + "; the server was given " + string.Join(",", wanCallIds), "proto 47");
            foreach (var host in lanCallId.Keys)
            {
                var toHost = Pcap.Fields(lanPcap, GreV1 + " && ip.dst == " + host, "gre.key.call_id");
                Expect(lab, toHost.Count > 0 && toHost.All(r => r[0] == lanCallId[host]), "GRE v1 to " + host + " carries call IDs " +
                    string.Join(",", toHost.Select(r => r[0]).Distinct()) + " (" + toHost.Count + " packets); its call ID is " + lanCallId[host], "proto 47");
            }
            lab.Passed = true;
        }
    

        /// <summary>
        /// Two LAN hosts that pick the same PPTP call ID (scripted clients, so the collision is
        /// certain): the server must be given two different call IDs, each Outgoing-Call-Reply must
        /// come back with the host's own call ID, and each host gets only its own GRE v1 echoes.
        /// </summary>
        [TestMethod]
        public void Pptp_TwoClientsSameCallId_RemappedApartAndEachGetsOnlyItsOwnGre()
        {
            const int CallId = 0x4242;
            using var lab = NewLab(lanHosts: 2, servers: 1);
            Pptp.StartServer(lab, 1);
            var hosts = new[] { RawPeer.Start(lab, lab.LanNs(1), "pptp-lan1", false), RawPeer.Start(lab, lab.LanNs(2), "pptp-lan2", false) };
            var server = VpnLab.ServerAddress(1);

            var calls = new[] { 1, 2 }.Select(h => System.Threading.Tasks.Task.Run(() => hosts[h - 1].PptpCall(server, CallId, "lan" + h + "-pptp", 15))).ToArray();
            System.Threading.Tasks.Task.WaitAll(calls);

            var wanCallIds = Pcap.Fields(lab.CapturePath(wan: true), OutgoingCallRequest, "pptp.call_id").Select(r => r[0]).ToList();
            Expect(lab, wanCallIds.Count == 2 && wanCallIds.Distinct().Count() == 2, "both hosts asked for call ID " + CallId + "; the server was given " + string.Join(", ", wanCallIds), "tcp port 1723");
            for (int i = 0; i < 2; i++)
            {
                var r = calls[i].Result;
                Expect(lab, r["ocrp_peer_call_id"].GetValue<int>() == CallId, "host " + (i + 1) + "'s Outgoing-Call-Reply names peer call ID " + r["ocrp_peer_call_id"] + ", not its own " + CallId, "tcp port 1723");
                Expect(lab, r["own"].GetValue<int>() >= 10 && r["foreign"].GetValue<int>() == 0,
                    "host " + (i + 1) + " GRE v1 echoes: " + r.ToJsonString(), "proto 47");
            }
            lab.Passed = true;
        }
    }
}
