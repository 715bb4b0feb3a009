using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>
    /// Malformed and hostile packets from both sides at once (hostile.py barrage: 29 kinds, whole
    /// Ethernet frames on packet sockets, from LAN host 1 and from the upstream namespace), plus
    /// garbage PPTP control messages over real TCP from LAN host 3 that an echo server on server 2
    /// reflects, while LAN host 2, the real user, keeps asking for the admin page. Host 1 spoofs
    /// a LAN address nobody has and a WAN address, never host 2's: a spoofed host 2 would fill
    /// host 2's NAT quota, which is the quota working, not the malformed input.
    /// The board runs with a 2 MiB gen0 budget (<see cref="HostileLab.SmallGen0"/>) so RSS
    /// figures show retained memory rather than the GC's allocation budget.
    /// </summary>
    [TestClass]
    [DoNotParallelize]
    public sealed class BarrageTests : HostileTestBase
    {
        /// <summary>Seconds of the measured barrage (NANOROUTER_BARRAGE_SECONDS, default 40).</summary>
        private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("NANOROUTER_BARRAGE_SECONDS"), out int s) && s > 0 ? s : 40;

        private const int RatePerSide = 4000;

        /// <summary>Live managed bytes may grow by this much over the barrage (allocations that live on: none expected).</summary>
        private const long LiveManagedToleranceBytes = 64 * 1024;

        /// <summary>RSS may grow by this much (JIT tiering and the runtime's arenas still settle after the warm-up).</summary>
        private const long RssToleranceKiB = 4 * 1024;

        [TestMethod]
        public void Barrage_MalformedFromBothSides_RouterForwardsAdminAnswersMemoryFlat()
        {
            using var lab = HostileLab.Create(TestContext.TestName, lanHosts: 3, servers: 2, HostileLab.SmallGen0);
            var admin = lab.Admin(2);
            admin.Login();
            var echo = lab.Agent("echo-srv2", lab.Lab.ServerNs(2), "echo", "--udp-port", "7", "--tcp-ports", "7,1723");
            echo.WaitReady(TimeSpan.FromSeconds(20));
            string lanMac = HostileLab.Mac(lab.Lab.RouterNs, VpnLab.RouterLanInterface);
            string wanMac = HostileLab.Mac(lab.Lab.RouterNs, VpnLab.RouterWanInterface);

            Agent[] Barrage(string tag, int seconds, int seed)
            {
                var lan = lab.Agent("barrage-lan-" + tag, lab.Lab.LanNs(1), "barrage", "--side", "lan", "--iface", "eth0", "--dst-mac", lanMac,
                    "--src", VpnLab.LanAddress(1) + ",198.19.1.200," + VpnLab.ServerAddress(2),
                    "--targets", VpnLab.ServerAddress(2) + "," + VpnLab.ServerAddress(1) + "," + VpnLab.RouterLanAddress + "," + VpnLab.RouterWanAddress,
                    "--duration", seconds.ToString(), "--rate", RatePerSide.ToString(), "--seed", seed.ToString());
                var wan = lab.Agent("barrage-wan-" + tag, lab.Lab.UpstreamNs, "barrage", "--side", "wan", "--iface", "eth0", "--dst-mac", wanMac,
                    "--src", VpnLab.ServerAddress(2) + "," + VpnLab.ServerAddress(1) + "," + VpnLab.UpstreamAddress + ",198.18.99.7",
                    "--targets", VpnLab.RouterWanAddress + "," + VpnLab.LanAddress(1) + "," + VpnLab.RouterLanAddress,
                    "--duration", seconds.ToString(), "--rate", RatePerSide.ToString(), "--seed", (seed + 1000).ToString());
                var pptp = lab.Agent("pptp-garbage-" + tag, lab.Lab.LanNs(3), "pptp-garbage", "--server", VpnLab.ServerAddress(2),
                    "--duration", seconds.ToString(), "--seed", seed.ToString());
                return new[] { lan, wan, pptp };
            }

            // Warm-up: every path the barrage takes is run (and JIT-compiled) once before the first sample.
            foreach (var agent in Barrage("warmup", 5, 1))
            {
                Expect(lab, agent.WaitDone(TimeSpan.FromSeconds(40)) != null, "the warm-up barrage did not finish: " + agent.Output());
            }

            var natBefore = admin.Nat();
            var memoryBefore = BoardMemory.Baseline(lab.Board.Pid, TimeSpan.FromSeconds(20));
            Figure("before: " + memoryBefore + "; " + natBefore);

            var agents = Barrage("main", Seconds, 7);
            var latencies = new List<long>();
            var failures = new List<string>();
            var deadline = DateTime.UtcNow.AddSeconds(Seconds);
            while (DateTime.UtcNow < deadline)
            {
                // What a browser does first: GET / (redirects to the login page) and the login page.
                foreach (var path in new[] { "/", "/login" })
                {
                    var reply = RawHttp.Send(lab.Lab.LanNs(2), VpnLab.RouterLanAddress, 80, RawHttp.Request("GET", path, VpnLab.RouterLanAddress), 3000);
                    if (reply.Status == 200 || reply.Status == 303 || reply.Status == 302)
                    {
                        latencies.Add(reply.ElapsedMs);
                    }
                    else
                    {
                        failures.Add(path + ": " + reply);
                    }
                }

                Thread.Sleep(400);
            }

            var results = agents.Select(a => a.WaitDone(TimeSpan.FromSeconds(60))).ToArray();
            var natAfter = admin.Nat();
            var memoryAfter = BoardMemory.Sample(lab.Board.Pid, TimeSpan.FromSeconds(20));
            var ping = Ping(lab.Lab.LanNs(2), VpnLab.ServerAddress(2), 5);
            var udp = lab.Agent("churn-after", lab.Lab.LanNs(2), "churn", "--server", VpnLab.ServerAddress(2), "--duration", "3", "--udp-rate", "10", "--tcp-rate", "10");
            var churn = udp.WaitDone(TimeSpan.FromSeconds(30));

            long sent = results.Take(2).Where(r => r != null).Sum(r => r["sent"].GetValue<long>());
            var names = new[] { "LAN side: ", "WAN side: ", "PPTP garbage over TCP: " };
            for (int i = 0; i < results.Length; i++)
            {
                Figure(names[i] + results[i]?.ToJsonString());
            }

            Figure("barrage: " + sent + " frames in " + Seconds + " s from both sides; admin page answered " + latencies.Count + " times (median " +
                (latencies.Count > 0 ? latencies.OrderBy(x => x).ElementAt(latencies.Count / 2) : -1) + " ms, slowest " + (latencies.Count > 0 ? latencies.Max() : -1) + " ms), failures " + failures.Count);
            Figure("after:  " + memoryAfter + "; " + natAfter + " (drops +" + (natAfter.Drops - natBefore.Drops) + ")");
            Figure("memory change: RSS " + (memoryAfter.RssKiB - memoryBefore.RssKiB).ToString("+#;-#;0") + " KiB, live managed " +
                (memoryAfter.LiveManagedBytes - memoryBefore.LiveManagedBytes).ToString("+#;-#;0") + " B");
            Figure("after: ping " + ping.Received + "/" + ping.Sent + ", churn " + churn?.ToJsonString());

            Expect(lab, !lab.Board.HasExited, "the board died during the barrage");
            Expect(lab, results.All(r => r != null), "a barrage agent did not finish: " + string.Join("\n", agents.Select(a => a.Output())));
            Expect(lab, sent >= Seconds * RatePerSide, "the barrage sent only " + sent + " frames");
            Expect(lab, results[2]["messages"].GetValue<int>() > 0 && results[2]["echoed_bytes"].GetValue<long>() > 0,
                "no garbage PPTP control message went both ways over a real TCP connection: " + results[2].ToJsonString());
            Expect(lab, failures.Count == 0, "the admin page did not answer " + failures.Count + " times during the barrage: " + string.Join("; ", failures.Take(3)));
            Expect(lab, latencies.Count >= Seconds, "the admin page answered only " + latencies.Count + " times");
            Expect(lab, natAfter.Drops > natBefore.Drops, "no drop was counted during the barrage");
            Expect(lab, memoryAfter.LiveManagedBytes - memoryBefore.LiveManagedBytes <= LiveManagedToleranceBytes,
                "live managed memory grew by " + (memoryAfter.LiveManagedBytes - memoryBefore.LiveManagedBytes) + " B (> " + LiveManagedToleranceBytes + "): " + memoryBefore + " -> " + memoryAfter);
            Expect(lab, memoryAfter.RssKiB - memoryBefore.RssKiB <= RssToleranceKiB,
                "RSS grew by " + (memoryAfter.RssKiB - memoryBefore.RssKiB) + " KiB (> " + RssToleranceKiB + "): " + memoryBefore + " -> " + memoryAfter);
            Expect(lab, ping.Received == ping.Sent, "ping through the router after the barrage: " + ping.Received + "/" + ping.Sent);
            Expect(lab, churn != null && churn["udp_fail"].GetValue<int>() == 0 && churn["tcp_fail"].GetValue<int>() == 0 && churn["udp_ok"].GetValue<int>() > 0 && churn["tcp_ok"].GetValue<int>() > 0,
                "new UDP/TCP flows after the barrage: " + churn?.ToJsonString());
            lab.Passed = true;
        }
    }
}
