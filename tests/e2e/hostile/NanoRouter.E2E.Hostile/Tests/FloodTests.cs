using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>
    /// One LAN host floods 5,000 new flows while another holds a strongSwan tunnel and an iperf3
    /// stream through the host board (capacity and quota are the board's defaults: 512 entries,
    /// a quarter per LAN host).
    /// </summary>
    [TestClass]
    [DoNotParallelize]
    public sealed class FloodTests : HostileTestBase
    {
        private const int Flows = 5000;
        private const int FloodSeconds = 25;

        [TestMethod]
        public void Flood_5000FlowsFromOneHost_OtherHostsTunnelAndIperfKeepWorking_QuotaCapsFlooderAndDropsCounted()
        {
            using var lab = HostileLab.Create(TestContext.TestName, lanHosts: 2, servers: 2);
            var admin = lab.Admin(1);
            admin.Login();

            // Host 1: an IPsec tunnel to server 1 and an iperf3 server there (outside the tunnel,
            // so the stream has a NAT session of its own that the flood must not take).
            Charon.StartServer(lab.Lab, 1);
            var client = Charon.StartClient(lab.Lab, 1, 1);
            var up = client.Initiate();
            Expect(lab, up.Succeeded, "the IPsec tunnel did not come up: " + up.Output, "udp port 500 or udp port 4500");
            var sa = client.IkeSa();
            var firstPing = Ping(lab.Lab.LanNs(1), VpnLab.ProtectedAddress, 3);
            Expect(lab, firstPing.Received == 3, "ping through the tunnel failed before the flood:\n" + firstPing.Output);
            lab.Lab.Spawn("iperf3-srv1", lab.Lab.ServerNs(1), new[] { "iperf3", "-s" });
            Expect(lab, WaitUntil(() => Shell.InNs(lab.Lab.ServerNs(1), "ss", "-ltnH", "sport = :5201").Output.Contains("5201"), TimeSpan.FromSeconds(10)), "iperf3 -s did not listen");
            var baseline = Iperf(lab.Lab.LanNs(1), VpnLab.ServerAddress(1), 3);
            Expect(lab, baseline.Mbps > 0, "iperf3 before the flood failed: " + baseline.Detail);

            var before = admin.Nat();
            int quota = before.Capacity / 4; // the board builds NatOptions with HostQuota 0: a quarter of the capacity
            Figure("before: " + before + ", quota " + quota + ", iperf3 " + baseline.Mbps.ToString("F0") + " Mbit/s, tunnel " + sa);

            // Host 2 floods server 2: 2,500 UDP flows then 2,500 TCP SYNs, then the same again until stopped.
            var flood = lab.Agent("flood", lab.Lab.LanNs(2), "flood", "--src", VpnLab.LanAddress(2), "--dst", VpnLab.ServerAddress(2),
                "--flows", Flows.ToString(), "--duration", FloodSeconds.ToString());
            var sweep = flood.Next(TimeSpan.FromSeconds(30));
            Expect(lab, sweep != null && sweep["event"]?.GetValue<string>() == "sweep", "the flooder did not finish its first sweep: " + flood.Output());
            Figure("first sweep of " + Flows + " flows sent in " + sweep["elapsed"] + " s");

            using var sampler = new NatSampler(admin, 500);
            var ping = Task.Run(() => Ping(lab.Lab.LanNs(1), VpnLab.ProtectedAddress, 40, 0.25));
            var during = Iperf(lab.Lab.LanNs(1), VpnLab.ServerAddress(1), 8);
            var pingDuring = ping.Result;
            sampler.Dispose();
            flood.Terminate();
            var floodDone = flood.WaitDone(TimeSpan.FromSeconds(20));
            var after = admin.Nat();

            // After the flood: the same tunnel still carries traffic, and a new stream works.
            var pingAfter = Ping(lab.Lab.LanNs(1), VpnLab.ProtectedAddress, 5);
            var saAfter = client.IkeSa();
            var afterIperf = Iperf(lab.Lab.LanNs(1), VpnLab.ServerAddress(1), 2);

            int maxActive = sampler.Samples.Count == 0 ? -1 : sampler.Samples.Max(s => s.Nat.Active);
            double maxLatency = sampler.Samples.Count == 0 ? -1 : sampler.Samples.Max(s => s.LatencyMs);
            Figure("flooder: " + floodDone?.ToJsonString());
            Figure("nat.active over the flood (s:active): " + string.Join(" ", sampler.Samples.Select(s => s.Seconds.ToString("F1") + ":" + s.Nat.Active)));
            Figure("during: max nat.active " + maxActive + "/" + before.Capacity + ", status answers " + sampler.Samples.Count + " (slowest " + maxLatency.ToString("F0") + " ms), failures " + sampler.Failures.Count);
            Figure("during: iperf3 " + during.Mbps.ToString("F0") + " Mbit/s (before " + baseline.Mbps.ToString("F0") + "), tunnel ping " + pingDuring.Received + "/" + pingDuring.Sent);
            Figure("after: " + after + " (drops +" + (after.Drops - before.Drops) + "), tunnel ping " + pingAfter.Received + "/" + pingAfter.Sent + ", iperf3 " + afterIperf.Mbps.ToString("F0") + " Mbit/s, tunnel " + saAfter);

            Expect(lab, floodDone != null && floodDone["sent"].GetValue<int>() >= Flows, "the flooder did not send its flows: " + flood.Output());
            Expect(lab, sampler.Failures.Count == 0, "the admin status API failed during the flood: " + string.Join("; ", sampler.Failures.Take(3)));
            Expect(lab, sampler.Samples.Count >= 10, "too few status samples during the flood: " + sampler.Samples.Count);
            Expect(lab, maxActive <= before.Capacity, "nat.active " + maxActive + " exceeded the capacity " + before.Capacity);
            // Host 1 holds its IKE/NAT-T mappings and the iperf3 sessions counted in `before`, plus
            // at most the 2 new iperf3 connections (control and data) during the flood.
            int otherHosts = before.Active + 2;
            Expect(lab, maxActive <= quota + otherHosts, "the flooding host holds more than its quota: nat.active reached " + maxActive + " > quota " + quota + " + " + otherHosts + " entries of host 1");
            Expect(lab, maxActive >= quota, "the flooder never reached its quota (" + maxActive + " < " + quota + "): the flood did not get through, so the quota was not what limited it");
            Expect(lab, after.Drops - before.Drops >= Flows - quota, "drops rose by " + (after.Drops - before.Drops) + ", fewer than the " + (Flows - quota) + " flows refused in the first sweep alone");
            Expect(lab, during.Mbps > 0, "iperf3 during the flood failed: " + during.Detail);
            Expect(lab, during.Mbps >= baseline.Mbps * 0.25, "iperf3 during the flood fell to " + during.Mbps.ToString("F1") + " Mbit/s, under a quarter of the " + baseline.Mbps.ToString("F1") + " Mbit/s before it");
            Expect(lab, pingDuring.Received >= pingDuring.Sent * 9 / 10, "ping through the tunnel lost too much during the flood: " + pingDuring.Received + "/" + pingDuring.Sent);
            Expect(lab, pingAfter.Received == pingAfter.Sent, "ping through the tunnel after the flood: " + pingAfter.Received + "/" + pingAfter.Sent);
            Expect(lab, saAfter != null && sa != null && saAfter.UniqueId == sa.UniqueId && saAfter.IkeSpis == sa.IkeSpis, "the IKE SA changed during the flood: " + sa + " -> " + saAfter);
            Expect(lab, afterIperf.Mbps > 0, "iperf3 after the flood failed: " + afterIperf.Detail);
            Expect(lab, !lab.Board.HasExited, "the board exited");
            lab.Passed = true;
        }
    }
}
