using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>
    /// IP fragments and path MTU discovery through the router with real kernels at both ends
    /// (issue 3: "IKE packets are often fragmented ... out-of-order fragments must work" and "ICMP
    /// fragmentation needed translated back to the right LAN host").
    /// <para>
    /// Fragments: scapy (peers/rawpeer.py frag_send) cuts 3000-byte UDP datagrams to port 500 into
    /// three fragments (1480 + 1480 + 48 payload bytes) and sends them on a raw socket in a chosen
    /// order; the receiving side is a plain kernel UDP socket, so a datagram counts only when the
    /// receiver's kernel reassembled all of it (SHA-256 of the payload compared with the sender's).
    /// </para>
    /// <para>
    /// Path MTU: the upstream namespace's link to the server gets MTU 1280, so the upstream kernel
    /// answers a 1400-byte DF packet with ICMP type 3 code 4 (next-hop MTU 1280) quoting the packet
    /// as the router sent it (WAN address, external port or SPI). The LAN hosts use real sockets
    /// with IP_PMTUDISC_DO: the right host's kernel must take the error (its route cache shows
    /// mtu 1280, a second send of the same size fails with EMSGSIZE) and its sniffer must see its
    /// own address and port (or SPI) quoted; the other host must see no error at all.
    /// </para>
    /// </summary>
    [TestClass]
    public sealed class FragmentAndPmtuTests : VpnTestBase
    {
        private const int IkePort = 500;
        private const int DatagramSize = 3000;
        private const int FragmentPayload = 1480;
        private const int FragmentsPerDatagram = 3;
        private const int PathMtu = 1280;
        private const int ProbeSize = 1400;
        private const string FragmentFilter = "udp or icmp or ip[6:2] & 0x3fff != 0";

        [TestMethod]
        public void Fragments_OutboundUdp500InReverseOrder_ServerReassemblesItFromTheWanAddress()
        {
            using var lab = NewLab(lanHosts: 1, servers: 1);
            var responder = RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var host = RawPeer.Start(lab, lab.LanNs(1), "frag-lan1", false);
            var server = VpnLab.ServerAddress(1);
            const int id = 0x4A01;

            // The responder echoes UDP 500: the echo (fragmented in order by the server's kernel)
            // comes back to this socket.
            host.UdpListen(IkePort);
            var sent = host.SendFragments(
                new JsonArray { RawPeer.Datagram(VpnLab.LanAddress(1), server, IkePort, IkePort, id, DatagramSize, "lan1-out") },
                "reverse", FragmentPayload);
            Expect(lab, sent["fragments"][0].GetValue<int>() == FragmentsPerDatagram,
                "the datagram should be cut into " + FragmentsPerDatagram + " fragments: " + sent.ToJsonString());
            string digest = sent["sha256"][0].GetValue<string>();

            JsonArray row = null;
            WaitUntil(() => (row = ServerDatagrams(responder).FirstOrDefault(r => r[3].GetValue<int>() == DatagramSize)) != null, TimeSpan.FromSeconds(5));
            Expect(lab, row != null, "the server's UDP socket on port 500 never received the whole " + DatagramSize + "-byte datagram "
                + "(fragments sent last first); it saw: " + string.Join(", ", ServerDatagrams(responder).Select(r => r.ToJsonString())), FragmentFilter);
            Expect(lab, row[0].GetValue<string>() == VpnLab.RouterWanAddress && row[1].GetValue<int>() == IkePort,
                "the reassembled datagram should come from " + VpnLab.RouterWanAddress + ":" + IkePort + " (port 500 kept while free): " + row.ToJsonString(), FragmentFilter);
            Expect(lab, row[4].GetValue<string>() == digest, "the server reassembled other bytes than were sent: " + row.ToJsonString(), FragmentFilter);

            // Every fragment crossed the WAN separately with the router's address as its source.
            var onWan = Pcap.Fields(lab.CapturePath(wan: true), "ip.id == 0x" + id.ToString("x4"), "ip.src", "ip.frag_offset", "ip.flags.mf");
            Expect(lab, onWan.Count == FragmentsPerDatagram && onWan.All(f => f[0] == VpnLab.RouterWanAddress),
                "on the WAN, expected " + FragmentsPerDatagram + " fragments of id 0x" + id.ToString("x4") + " all from " + VpnLab.RouterWanAddress
                + ", saw: " + string.Join("; ", onWan.Select(f => string.Join(" ", f))), FragmentFilter);

            // The echo came back through the router (inbound, in order) whole.
            ReceivedDatagram echo = null;
            WaitUntil(() => (echo = host.UdpReceived(IkePort).FirstOrDefault(d => d.Length == DatagramSize)) != null, TimeSpan.FromSeconds(5));
            Expect(lab, echo != null && echo.Source == server && echo.SourcePort == IkePort && echo.Sha256 == digest,
                "the server's echo of the datagram (fragmented in order) should reach the LAN host whole; it got: "
                + string.Join("; ", host.UdpReceived(IkePort).Select(d => d.ToString())), FragmentFilter);
            lab.Passed = true;
        }

        [TestMethod]
        public void Fragments_InboundLaterFragmentsFirstTwoHostsInterleaved_EachHostReassemblesOnlyItsOwn()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            var responder = RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var hosts = new[] { RawPeer.Start(lab, lab.LanNs(1), "frag-lan1", false), RawPeer.Start(lab, lab.LanNs(2), "frag-lan2", false) };
            var server = VpnLab.ServerAddress(1);

            // Two IKE-like sessions 500 -> server:500; the second host gets another external port.
            var external = new int[2];
            for (int h = 0; h < 2; h++)
            {
                string hello = "hello-lan" + (h + 1);
                hosts[h].UdpListen(IkePort);
                hosts[h].UdpSend(IkePort, server, IkePort, hello);
                JsonArray seen = null;
                WaitUntil(() => (seen = ServerDatagrams(responder).FirstOrDefault(r => r[5].GetValue<string>() == hello)) != null, TimeSpan.FromSeconds(5));
                Expect(lab, seen != null, "the server never saw LAN host " + (h + 1) + "'s hello: " + string.Join(", ", ServerDatagrams(responder).Select(r => r.ToJsonString())), "udp");
                Expect(lab, seen[0].GetValue<string>() == VpnLab.RouterWanAddress, "hello from the wrong source: " + seen.ToJsonString(), "udp");
                external[h] = seen[1].GetValue<int>();
                int host = h;
                Expect(lab, WaitUntil(() => hosts[host].UdpReceived(IkePort).Any(d => d.Head == hello), TimeSpan.FromSeconds(5)),
                    "LAN host " + (h + 1) + " never got the echo of its hello", "udp");
            }
            Expect(lab, external[0] != external[1], "both LAN hosts were given external port " + external[0], "udp");

            // The server sends each host a 3000-byte datagram, interleaved, later fragments first and
            // each first fragment last: the router must hold four fragments until their firsts come
            // (the host board holds four, the device two: see NatOptions.FragmentHeldSlots).
            var datagrams = new JsonArray
            {
                RawPeer.Datagram(server, VpnLab.RouterWanAddress, IkePort, external[0], 0x5101, DatagramSize, "to-lan1"),
                RawPeer.Datagram(server, VpnLab.RouterWanAddress, IkePort, external[1], 0x5202, DatagramSize, "to-lan2"),
            };
            // Order: (lan1 #3, lan2 #3, lan1 #2, lan2 #2, lan1 #1, lan2 #1).
            var order = new JsonArray();
            for (int i = FragmentsPerDatagram - 1; i >= 0; i--)
            {
                order.Add(Pair(0, i));
                order.Add(Pair(1, i));
            }
            var sent = responder.SendFragments(datagrams, order, FragmentPayload);
            Expect(lab, sent["fragments"][0].GetValue<int>() == FragmentsPerDatagram && sent["fragments"][1].GetValue<int>() == FragmentsPerDatagram,
                "each datagram should be cut into " + FragmentsPerDatagram + " fragments: " + sent.ToJsonString());
            var digests = new[] { sent["sha256"][0].GetValue<string>(), sent["sha256"][1].GetValue<string>() };

            WaitUntil(() => Enumerable.Range(0, 2).All(h => hosts[h].UdpReceived(IkePort).Any(d => d.Length == DatagramSize)), TimeSpan.FromSeconds(5));
            // A little longer, so a stray datagram for the wrong host would have arrived too.
            System.Threading.Thread.Sleep(300);
            for (int h = 0; h < 2; h++)
            {
                var got = hosts[h].UdpReceived(IkePort).Where(d => d.Length == DatagramSize).ToArray();
                string what = "LAN host " + (h + 1) + " (external port " + external[h] + "), fragment ids 0x5101 (lan1) / 0x5202 (lan2); its socket got: "
                    + (got.Length == 0 ? "no " + DatagramSize + "-byte datagram" : string.Join("; ", got.Select(d => d.ToString())))
                    + "\nfragments on the router's LAN side: " + FragmentsOnLan(lab);
                Expect(lab, got.Count(d => d.Sha256 == digests[h]) == 1, what, FragmentFilter);
                Expect(lab, got.All(d => d.Sha256 == digests[h] && d.Source == server && d.SourcePort == IkePort), what, FragmentFilter);
            }
            lab.Passed = true;
        }

        [TestMethod]
        public void Pmtu_UdpFlowsFromTwoHosts_FragNeededReachesTheRightHostWithItsPortQuoted()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var hosts = new[] { RawPeer.Start(lab, lab.LanNs(1), "pmtu-lan1", false), RawPeer.Start(lab, lab.LanNs(2), "pmtu-lan2", false) };
            var server = VpnLab.ServerAddress(1);
            NarrowServerLink(lab);

            for (int h = 0; h < 2; h++)
            {
                var flow = hosts[h].Udp(server, IkePort, IkePort, "lan" + (h + 1), 3);
                Expect(lab, flow.Own == 3 && flow.Foreign == 0, "UDP 500 flow of LAN host " + (h + 1) + ": " + flow, "udp");
            }

            // The second host first: its flow has the remapped external port to translate back.
            foreach (int h in new[] { 1, 0 })
            {
                Probe(lab, hosts, h, otherProbed: h == 0, "udp", server, spi: 0, check: e =>
                    e["q_proto"]?.GetValue<int>() == 17 && e["q_sport"]?.GetValue<int>() == IkePort && e["q_dport"]?.GetValue<int>() == IkePort,
                    quotedWhat: "UDP " + VpnLab.LanAddress(h + 1) + ":" + IkePort + " -> " + server + ":" + IkePort);
            }
            lab.Passed = true;
        }

        [TestMethod]
        public void Pmtu_RawEspFlowsFromTwoHosts_FragNeededReachesTheHostOfTheQuotedSpi()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            var hosts = new[] { RawPeer.Start(lab, lab.LanNs(1), "pmtu-lan1", false), RawPeer.Start(lab, lab.LanNs(2), "pmtu-lan2", false) };
            var server = VpnLab.ServerAddress(1);
            var spis = new uint[] { 0x0000_1001, 0x0000_2002 };
            NarrowServerLink(lab);

            for (int h = 0; h < 2; h++)
            {
                var flow = hosts[h].Esp(server, spis[h], "lan" + (h + 1), 3);
                Expect(lab, flow.Own == 3 && flow.Foreign == 0, "ESP flow of LAN host " + (h + 1) + " (SPI 0x" + spis[h].ToString("x8") + "): " + flow, "proto 50");
            }

            // The first host first: the other host's SA to the same server is the more recent one,
            // so only the quoted SPI can pick the right host.
            foreach (int h in new[] { 0, 1 })
            {
                uint spi = spis[h];
                Probe(lab, hosts, h, otherProbed: h == 1, "esp", server, spi, check: e =>
                    e["q_proto"]?.GetValue<int>() == 50 && e["q_spi"]?.GetValue<uint>() == spi,
                    quotedWhat: "ESP " + VpnLab.LanAddress(h + 1) + " -> " + server + " SPI 0x" + spi.ToString("x8"));
            }
            lab.Passed = true;
        }

        /// <summary>
        /// Host <paramref name="h"/> sends one 1400-byte DF packet of its flow while both hosts
        /// sniff; checks that exactly that host got the upstream kernel's "fragmentation needed"
        /// with its own packet quoted, and that its kernel lowered the path MTU (and, when the other
        /// host has not probed yet, that the other host's kernel did not).
        /// </summary>
        private static void Probe(VpnLab lab, RawPeer[] hosts, int h, bool otherProbed, string kind, string server, uint spi, Func<JsonObject, bool> check, string quotedWhat)
        {
            int other = 1 - h;
            string me = VpnLab.LanAddress(h + 1);
            foreach (var host in hosts)
            {
                host.SniffStart();
            }
            var probe = hosts[h].PmtuProbe(kind, server, ProbeSize, IkePort, IkePort, spi);
            var sniffed = new[] { hosts[0].SniffStopDetailed(), hosts[1].SniffStopDetailed() };
            string context = "LAN host " + (h + 1) + " sent a " + ProbeSize + "-byte DF " + kind + " packet (" + quotedWhat + ") towards a " + PathMtu + "-byte link;\n"
                + "  its probe: " + probe.ToJsonString() + "\n"
                + "  ICMP errors sniffed on lan" + (h + 1) + ": " + sniffed[h]["icmp"].ToJsonString() + "\n"
                + "  ICMP errors sniffed on lan" + (other + 1) + ": " + sniffed[other]["icmp"].ToJsonString();
            string filter = "icmp or (ip[6:2] & 0x4000 != 0 and greater 1000)";
            Expect(lab, probe["first_send"].GetValue<string>() == "ok", "the probe could not send its first packet.\n" + context, filter);

            var errors = sniffed[h]["icmp"].AsArray().Select(n => n.AsObject()).ToArray();
            var mine = errors.Where(e => e["type"]?.GetValue<int>() == 3 && e["code"]?.GetValue<int>() == 4).ToArray();
            Expect(lab, mine.Length >= 1, "no ICMP fragmentation-needed reached the sending host.\n" + context, filter);
            var good = mine.FirstOrDefault(e => e["mtu"].GetValue<int>() == PathMtu && e["dst"].GetValue<string>() == me
                && e["q_src"]?.GetValue<string>() == me && e["q_dst"]?.GetValue<string>() == server && check(e));
            Expect(lab, good != null, "the fragmentation-needed that reached host " + (h + 1) + " should carry next-hop MTU " + PathMtu
                + " and quote its own packet (" + quotedWhat + ").\n" + context, filter);
            Expect(lab, good["icmp_checksum_ok"].GetValue<bool>() && good["q_header_checksum_ok"].GetValue<bool>(),
                "the translated ICMP error has a bad ICMP checksum or a bad quoted IP header checksum.\n" + context, filter);
            Expect(lab, !sniffed[other]["icmp"].AsArray().Any(), "LAN host " + (other + 1) + " got an ICMP error meant for host " + (h + 1) + ".\n" + context, filter);

            // The sending host's kernel took the new path MTU; the other host's did not.
            Expect(lab, probe["second_send"].GetValue<string>() == "EMSGSIZE" && probe["ip_mtu"]?.GetValue<int>() == PathMtu,
                "host " + (h + 1) + "'s kernel should now refuse a second " + ProbeSize + "-byte DF send (EMSGSIZE) and report IP_MTU " + PathMtu + ".\n" + context, filter);
            if (kind == "udp")
            {
                Expect(lab, probe["errqueue"].AsArray().Any(e => e[0].GetValue<int>() == 2 && e[1].GetValue<int>() == 3 && e[2].GetValue<int>() == 4 && e[3].GetValue<int>() == PathMtu),
                    "host " + (h + 1) + "'s UDP socket should have the ICMP error (origin ICMP, 3/4, info " + PathMtu + ") on its error queue.\n" + context, filter);
            }
            string route = RouteGet(lab, h + 1, server);
            Expect(lab, route.Contains("mtu " + PathMtu), "host " + (h + 1) + "'s route cache should show mtu " + PathMtu + " to " + server + ":\n" + route + "\n" + context, filter);
            if (!otherProbed)
            {
                string otherRoute = RouteGet(lab, other + 1, server);
                Expect(lab, !otherRoute.Contains("mtu " + PathMtu), "host " + (other + 1) + "'s route cache learned host " + (h + 1) + "'s path MTU:\n" + otherRoute + "\n" + context, filter);
            }
        }

        /// <summary>MTU 1280 on the upstream namespace's link to server 1 (both ends).</summary>
        private static void NarrowServerLink(VpnLab lab)
        {
            Shell.CheckInNs(lab.UpstreamNs, "ip", "link", "set", "srv1", "mtu", PathMtu.ToString());
            Shell.CheckInNs(lab.ServerNs(1), "ip", "link", "set", "eth0", "mtu", PathMtu.ToString());
        }

        private static string RouteGet(VpnLab lab, int host, string destination)
        {
            return Shell.InNs(lab.LanNs(host), "ip", "route", "get", destination).Output.Trim();
        }

        private static JsonArray Pair(int datagram, int fragment) => new JsonArray { datagram, fragment };

        /// <summary>The responder's record of UDP datagrams: [src, sport, dport, length, sha256, head].</summary>
        private static List<JsonArray> ServerDatagrams(RawPeer responder)
        {
            return responder.Seen()["udp_data"].AsArray().Select(n => n.AsArray()).ToList();
        }

        /// <summary>The fragments the router sent out of its LAN interface, in order, for failure messages.</summary>
        private static string FragmentsOnLan(VpnLab lab)
        {
            try
            {
                var rows = Pcap.Fields(lab.CapturePath(wan: false), "ip.flags.mf == 1 || ip.frag_offset > 0", "ip.dst", "ip.id", "ip.frag_offset", "ip.flags.mf");
                return rows.Count == 0 ? "none" : string.Join("; ", rows.Select(r => r[0] + " id " + r[1] + " offset " + r[2] + " mf " + r[3]));
            }
            catch (InvalidOperationException e)
            {
                return "(" + e.Message + ")";
            }
        }
    }
}
