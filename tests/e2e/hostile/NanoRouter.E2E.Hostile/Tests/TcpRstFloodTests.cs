using System;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Config;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>
    /// Issue 15, item 1: a blind off-path attacker spoofs the server and sends RSTs and FINs with
    /// random sequence numbers to every port of the LAN hosts' ephemeral range (28,232 ports, as in
    /// the attack run), then more RSTs at the connection's own port. The LAN host ignores them (they
    /// are out of its window); the router must too, so the idle connection's mapping keeps the
    /// established timeout and the connection still works after the transitory timeout has passed.
    /// The board runs with --config holding a 10 s transitory timeout (established stays 7440 s), so
    /// a mapping wrongly made transitory by the flood would expire during the 16 s of idling after it.
    /// </summary>
    [TestClass]
    [DoNotParallelize]
    public sealed class TcpRstFloodTests : HostileTestBase
    {
        private const int TransitorySeconds = 10;
        private const int EchoPort = 7;

        [TestMethod]
        public void RstAndFinFlood_SpoofedServerRandomSequence_IdleConnectionOutlivesTheTransitoryTimeout()
        {
            using var lab = HostileLab.Create(TestContext.TestName, lanHosts: 1, servers: 1);
            string config = Path.Combine(lab.RunDir, "settings.bin");
            var settings = new RouterSettings { TcpTransitoryTimeoutSeconds = TransitorySeconds };
            Assert.IsTrue(new SettingsStore(new FileConfigStore(config)).Save(settings), "writing the settings");
            lab.StartBoard("--config", config);
            Expect(lab, lab.Board.Lines.Any(l => l.Contains("settings loaded from " + config)), "the board did not load the settings");
            var admin = lab.Admin(1);
            admin.Login();

            string server = VpnLab.ServerAddress(1);
            var echo = lab.Agent("echo-srv1", lab.Lab.ServerNs(1), "echo", "--udp-port", "7", "--tcp-ports", EchoPort.ToString(), "--tcp-idle", "600");
            echo.WaitReady(TimeSpan.FromSeconds(20));
            string go = Path.Combine(lab.RunDir, "idle-go");
            var client = lab.Agent("idle-tcp", lab.Lab.LanNs(1), "idle-tcp", "--server", server, "--port", EchoPort.ToString(), "--go-file", go);
            var ready = client.Next(TimeSpan.FromSeconds(20));
            Expect(lab, ready != null && ready["ready"] != null && ready["first_ok"].GetValue<bool>(), "the connection did not come up: " + client.Output());
            int localPort = ready["local_port"].GetValue<int>();
            var before = admin.Nat();

            // The attacker sits upstream (off the LAN host's path to nothing but the router) and
            // spoofs the server's address and port.
            var started = DateTime.UtcNow;
            string[] Spoof(string flags, string ports, int repeat, int seed) => new[]
            {
                "tcp-spoof", "--src", server, "--sport", EchoPort.ToString(), "--dst", VpnLab.RouterWanAddress,
                "--ports", ports, "--flags", flags, "--repeat", repeat.ToString(), "--rate", "20000", "--seed", seed.ToString(),
            };
            int sent = 0;
            foreach (var (flags, ports, repeat) in new[] { ("rst", "32768-60999", 1), ("finack", "32768-60999", 1), ("rst", localPort + "-" + localPort, 10000), ("finack", localPort + "-" + localPort, 2000) })
            {
                var spoof = lab.Agent("tcp-spoof-" + flags + "-" + repeat, lab.Lab.UpstreamNs, Spoof(flags, ports, repeat, sent + 1));
                var done = spoof.WaitDone(TimeSpan.FromSeconds(60));
                Expect(lab, done != null && done["sent"].GetValue<int>() > 0, "the spoofer failed: " + spoof.Output());
                sent += done["sent"].GetValue<int>();
                Figure(flags + " over " + ports + " x" + repeat + ": " + done.ToJsonString());
            }

            double floodSeconds = (DateTime.UtcNow - started).TotalSeconds;
            var afterFlood = admin.Nat();

            // Idle past the transitory timeout (and the once-a-second sweep), then talk again.
            System.Threading.Thread.Sleep(TimeSpan.FromSeconds(TransitorySeconds + 6));
            var idle = admin.Nat();
            File.WriteAllText(go, "go\n");
            var result = client.WaitDone(TimeSpan.FromSeconds(20));
            Figure("local port " + localPort + "; " + sent + " spoofed segments in " + floodSeconds.ToString("F1") + " s; before " + before + "; after the flood " + afterFlood
                + "; after " + (TransitorySeconds + 6) + " s idle " + idle + "; second exchange " + result?.ToJsonString());

            Expect(lab, sent >= 2 * 28232 + 12000, "fewer segments sent than planned: " + sent);
            Expect(lab, idle.Active >= 1, "the connection's mapping expired after " + (TransitorySeconds + 6) + " s idle: the flood made it transitory (" + idle + ")");
            Expect(lab, result != null && result["ok"].GetValue<bool>(), "the idle connection died after the flood: " + client.Output(), "tcp port " + EchoPort);
            Expect(lab, !lab.Board.HasExited, "the board exited");
            lab.Passed = true;
        }
    }
}
