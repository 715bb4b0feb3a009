using System;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>An IPsec tunnel through the router stays up across 150 s of idle, on NAT-T keepalives alone.</summary>
    [TestClass]
    public sealed class NatTIdleTests : VpnTestBase
    {
        public const int IdleSeconds = 150;

        [TestMethod]
        [TestCategory("slow")]
        public void NatT_Idle150sWithKeepalives_SameIkeSaNoReinitAndTrafficBothWays()
        {
            using var lab = NewLab(lanHosts: 1, servers: 1);
            var server = Charon.StartServer(lab, 1);
            var client = Charon.StartClient(lab, 1, 1);
            var up = client.Initiate();
            Expect(lab, up.Succeeded, "the IPsec tunnel did not come up: " + up.Output, "udp port 500 or udp port 4500");
            Expect(lab, Ping(lab.LanNs(1), VpnLab.ProtectedAddress).Succeeded, "ping through the fresh tunnel failed", "udp port 4500");
            var before = client.IkeSa();
            var vip = client.VirtualIp();
            Expect(lab, before != null && vip != null, "no established IKE SA / virtual IP:\n" + client.ListSas());

            // Idle: no traffic but charon's NAT-T keepalives (keep_alive = 20 s).
            Thread.Sleep(TimeSpan.FromSeconds(IdleSeconds));

            // Inbound first: the server reaches the client through the old mapping, with no fresh
            // outbound packet to recreate it.
            var inbound = Ping(lab.ServerNs(1), vip, 3, VpnLab.ProtectedAddress);
            Expect(lab, inbound.Succeeded, "after " + IdleSeconds + " s idle the server could not ping the client's virtual IP " + vip + ":\n" + inbound.Output, "udp port 4500");
            var outbound = Ping(lab.LanNs(1), VpnLab.ProtectedAddress);
            Expect(lab, outbound.Succeeded, "after " + IdleSeconds + " s idle the client could not ping through the tunnel:\n" + outbound.Output, "udp port 4500");

            var after = client.IkeSa();
            Expect(lab, after != null, "no established IKE SA after idle:\n" + client.ListSas());
            Expect(lab, after.UniqueId == before.UniqueId && after.IkeSpis == before.IkeSpis && after.ChildSpis == before.ChildSpis,
                "the SAs changed over the idle period: before " + before + ", after " + after);
            Expect(lab, client.InitiationCount() == 1, "the client initiated IKE " + client.InitiationCount() + " times (re-init)");
            int keepalives = Pcap.Count(lab.CapturePath(wan: true), "udp.dstport == 4500 && udp.length == 9");
            Expect(lab, keepalives >= IdleSeconds / 20 - 1, "only " + keepalives + " NAT-T keepalives left the router's WAN side in " + IdleSeconds + " s", "udp port 4500");
            var serverSas = server.ListSas();
            Expect(lab, serverSas.Split('\n').Length > 0 && System.Text.RegularExpressions.Regex.Matches(server.Log(), "IKE_SA rw\\[\\d+\\] established").Count == 1,
                "the server established more than one IKE SA:\n" + serverSas);
            lab.Passed = true;
        }
    }
}
