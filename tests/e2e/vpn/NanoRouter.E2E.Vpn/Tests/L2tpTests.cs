using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>xl2tpd LAC on LAN hosts to an xl2tpd LNS on the WAN, with PPP (stand-in pppd) inside.</summary>
    [TestClass]
    public sealed class L2tpTests : VpnTestBase
    {
        private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(15);

        private static bool CarriesData(Xl2tpd lac) => lac.Ppp().Any(p => p.Opened && p.EchoRepliesReceived >= 3);

        [TestMethod]
        public void L2tp_OneClient_CallEstablishedServerSeesSourcePort1701AndPppFlows()
        {
            using var lab = NewLab(lanHosts: 1, servers: 1);
            var lns = Xl2tpd.StartServer(lab, 1);
            var lac = Xl2tpd.StartClient(lab, 1, 1);

            bool ok = WaitUntil(() => lns.CallsEstablished() >= 1 && CarriesData(lac), s_callTimeout);
            Expect(lab, ok, "no L2TP call carrying PPP within " + s_callTimeout.TotalSeconds + " s. LNS:\n" + lns.Log() + "\nLAC:\n" + lac.Log() +
                "\nLAC PPP: " + string.Join("; ", lac.Ppp()), "udp");
            var tunnels = lns.TunnelsEstablished();
            Expect(lab, tunnels.Count == 1 && tunnels[0].Address == VpnLab.RouterWanAddress && tunnels[0].Port == 1701,
                "the LNS saw tunnels from " + string.Join(", ", tunnels.Select(t => t.Address + ":" + t.Port)) + ", expected one from " + VpnLab.RouterWanAddress + ":1701", "udp");
            lab.Passed = true;
        }

        [TestMethod]
        public void L2tp_TwoClients_BothCallsEstablishedAndCarryPpp()
        {
            using var lab = NewLab(lanHosts: 2, servers: 1);
            var lns = Xl2tpd.StartServer(lab, 1);
            var first = Xl2tpd.StartClient(lab, 1, 1);
            bool firstUp = WaitUntil(() => lns.CallsEstablished() >= 1, s_callTimeout);
            Expect(lab, firstUp, "the first L2TP call did not come up. LNS:\n" + lns.Log(), "udp");
            var second = Xl2tpd.StartClient(lab, 2, 1);

            bool ok = WaitUntil(() => lns.CallsEstablished() >= 2 && CarriesData(first) && CarriesData(second), s_callTimeout);
            var firstBefore = first.Ppp().Sum(p => p.EchoRepliesReceived);
            Expect(lab, ok, "two L2TP calls did not both carry PPP. LNS:\n" + lns.Log() + "\nLAC1 PPP: " + string.Join("; ", first.Ppp()) +
                "\nLAC2 PPP: " + string.Join("; ", second.Ppp()) + "\nLAC2:\n" + second.Log(), "udp");
            // The first call keeps working while the second is up.
            bool firstStill = WaitUntil(() => first.Ppp().Sum(p => p.EchoRepliesReceived) >= firstBefore + 3, TimeSpan.FromSeconds(5));
            Expect(lab, firstStill, "the first L2TP call stopped carrying PPP after the second came up: " + string.Join("; ", first.Ppp()), "udp");
            var tunnels = lns.TunnelsEstablished();
            Expect(lab, tunnels.Count == 2 && tunnels.All(t => t.Address == VpnLab.RouterWanAddress) && tunnels.Any(t => t.Port == 1701),
                "the LNS saw tunnels from " + string.Join(", ", tunnels.Select(t => t.Address + ":" + t.Port)) + "; expected two from the router, one of them port 1701", "udp");
            lab.Passed = true;
        }
    }
}
