using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>
    /// Issue 15, "quota theft": LAN host 2 forges LAN host 1's source address (raw socket, its own
    /// interface and MAC) and opens 400 flows (200 UDP, 200 TCP SYNs), over and over; meanwhile host 1
    /// opens new UDP and TCP flows of its own to an echo server (10 + 10 a second for 5 s). The
    /// forger sends 2,000 packets a second, enough to keep every forged flow fresh (a host at its
    /// quota may recycle only its own entries idle for 30 s). The board learns each packet's
    /// Ethernet source from NFQUEUE (NFQA_HWADDR) and charges new sessions to it, so the forged flows
    /// spend host 2's quota (128 of 512) and host 1's own flows all work.
    /// </summary>
    [TestClass]
    [DoNotParallelize]
    public sealed class ForgedSourceQuotaTests : HostileTestBase
    {
        [TestMethod]
        public void ForgedSourceFlood_400FlowsWithAnotherHostsAddress_TheVictimsOwnNewFlowsWork()
        {
            using var lab = HostileLab.Create(TestContext.TestName, lanHosts: 2, servers: 1);
            string server = VpnLab.ServerAddress(1);
            var echo = lab.Agent("echo-srv1", lab.Lab.ServerNs(1), "echo", "--udp-port", "7", "--tcp-ports", "7");
            echo.WaitReady(TimeSpan.FromSeconds(20));
            var admin = lab.Admin(1);
            admin.Login();
            var before = admin.Nat();

            var flood = lab.Agent("forger", lab.Lab.LanNs(2), "flood", "--src", VpnLab.LanAddress(1), "--dst", server, "--flows", "400", "--duration", "15", "--rate", "2000");
            var sweep = flood.Next(TimeSpan.FromSeconds(30));
            Expect(lab, sweep != null && sweep["event"]?.GetValue<string>() == "sweep", "the forger did not finish its first sweep: " + flood.Output());
            var during = admin.Nat();

            var churn = lab.Agent("victim", lab.Lab.LanNs(1), "churn", "--server", server, "--duration", "5", "--udp-rate", "10", "--tcp-rate", "10");
            churn.WaitReady(TimeSpan.FromSeconds(20));
            var result = churn.WaitDone(TimeSpan.FromSeconds(30));
            var after = admin.Nat();
            flood.Terminate();
            var floodDone = flood.WaitDone(TimeSpan.FromSeconds(20));
            Figure("before " + before + "; forger's first sweep " + sweep.ToJsonString() + "; during " + during + "; victim's flows " + result?.ToJsonString()
                + "; after " + after + "; forger " + floodDone?.ToJsonString());

            Expect(lab, result != null, "the victim's churn gave no summary: " + churn.Output());
            int udpOk = result["udp_ok"].GetValue<int>();
            int tcpOk = result["tcp_ok"].GetValue<int>();
            int failed = result["udp_fail"].GetValue<int>() + result["tcp_fail"].GetValue<int>();
            // (Before the fix none of them got through: the forged flows held host 1's whole quota.)
            Expect(lab, udpOk >= 20 && tcpOk >= 20 && failed <= 1, "the victim's own new flows failed under the forged flood: " + result.ToJsonString());
            Expect(lab, during.Active <= before.Active + (during.Capacity / 4) + 2, "the forged flows took more than one quota: " + during);
            Expect(lab, !lab.Board.HasExited, "the board exited");
            lab.Passed = true;
        }
    }
}
