using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Hostile.Lab
{
    /// <summary>
    /// The VPN harness's lab (<see cref="VpnLab"/>: LAN hosts on a bridge, the router namespace,
    /// an upstream namespace and servers, all in 198.18.0.0/15, tcpdump on both router
    /// interfaces) with the board run by this project instead of the harness's default, so a test
    /// can pass --config and knows the board's process id:
    /// `run --lan lan0 --wan wan0 --admin-port 80 --admin-password-file F [extra]`.
    /// The bridge namespace has bridge-nf-call-iptables off, so malformed frames reach the router
    /// as they were sent (with br_netfilter loaded, the bridge would otherwise drop bad IPv4
    /// headers itself).
    /// </summary>
    public sealed class HostileLab : IDisposable
    {
        public const string Password = BoardRouter.AdminPassword;

        private HostileLab(VpnLab lab, IDictionary<string, string> environment)
        {
            Lab = lab;
            Environment = environment;
        }

        /// <summary>
        /// The board's environment for tests that compare RSS over time: a 2 MiB gen0 budget
        /// (DOTNET_GCgen0size). With the default budget (tens of MiB, sized from the CPU cache)
        /// RSS keeps rising for minutes while the GC lets gen0 fill with short-lived garbage, which
        /// hides whether anything is retained; with a small one RSS levels off within a minute.
        /// The router's code is the same; the live managed heap is measured either way.
        /// </summary>
        public static IDictionary<string, string> SmallGen0 => new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x200000" };

        /// <summary>Extra environment variables of the board (null: none).</summary>
        public IDictionary<string, string> Environment { get; }

        public VpnLab Lab { get; }

        public BoardProcess Board { get; private set; }

        /// <summary>The board's arguments after the dll.</summary>
        public IReadOnlyList<string> BoardArguments { get; private set; }

        public string RunDir => Lab.RunDir;

        public static HostileLab Create(string testName, int lanHosts, int servers, params string[] boardArguments)
        {
            return Create(testName, lanHosts, servers, null, boardArguments);
        }

        public static HostileLab Create(string testName, int lanHosts, int servers, IDictionary<string, string> environment, params string[] boardArguments)
        {
            var vpn = VpnLab.Create(testName, lanHosts, servers, RouterKind.Board);
            var lab = new HostileLab(vpn, environment);
            try
            {
                Shell.CheckInNs(vpn.SwitchNs, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0");
                // The harness's board made way for ours (SIGTERM: it removes its rules).
                vpn.Router.Dispose();
                lab.StartBoard(boardArguments);
                return lab;
            }
            catch
            {
                lab.Dispose();
                throw;
            }
        }

        /// <summary>Starts (or restarts) the board with the given extra arguments.</summary>
        public void StartBoard(params string[] extra)
        {
            Board?.Dispose();
            var arguments = new List<string>
            {
                "run", "--lan", VpnLab.RouterLanInterface, "--wan", VpnLab.RouterWanInterface,
                "--admin-port", "80", "--admin-password-file", Path.Combine(RunDir, "admin-password"),
            };
            arguments.AddRange(extra);
            BoardArguments = arguments;
            Board = BoardProcess.Start(Lab.RouterNs, arguments, Path.Combine(RunDir, "board.log"), TimeSpan.FromSeconds(60), Environment);
        }

        /// <summary>The admin JSON API as seen from LAN host <paramref name="host"/>.</summary>
        public AdminApi Admin(int host = 1) => new AdminApi(Lab.LanNs(host), VpnLab.RouterLanAddress, 80, Password);

        /// <summary>The MAC address of an interface in a namespace.</summary>
        public static string Mac(string ns, string device)
        {
            var output = Shell.CheckInNs(ns, "ip", "-o", "link", "show", "dev", device);
            var match = Regex.Match(output, @"link/ether ([0-9a-f:]{17})");
            if (!match.Success)
            {
                throw new InvalidOperationException("no MAC address for " + device + " in " + ns + ": " + output);
            }

            return match.Groups[1].Value;
        }

        /// <summary>Starts tests/e2e/hostile/peers/hostile.py with a sub-command in a namespace (stopped with the lab).</summary>
        public Agent Agent(string name, string ns, params string[] arguments)
        {
            var argv = new List<string> { Paths.Python, HostilePaths.Agent };
            argv.AddRange(arguments);
            return new Agent(Lab.Spawn(name, ns, argv));
        }

        /// <summary>Failure details: the board's last lines and the harness's diagnostics.</summary>
        public string Diagnostics(string captureFilter = null)
        {
            return "board (pid " + Board?.Pid + (Board != null && Board.HasExited ? ", exited " + Board.ExitCode : "") + "):\n" + Board?.Tail() + "\n--- the VPN harness's diagnostics (its \"host board log\" is the default board this lab replaced at start):\n" + Lab.Diagnostics(captureFilter, 20);
        }

        public bool Passed
        {
            get => Lab.Passed;
            set => Lab.Passed = value;
        }

        public void Dispose()
        {
            Board?.Dispose();
            Lab.Dispose();
        }
    }

    /// <summary>One hostile.py job: its JSON lines, in order.</summary>
    public sealed class Agent
    {
        private readonly LabProcess _process;

        public Agent(LabProcess process)
        {
            _process = process;
        }

        public LabProcess Process => _process;

        /// <summary>The next JSON line (null on timeout or end of output).</summary>
        public JsonObject Next(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                var line = _process.ReadLine(deadline - DateTime.UtcNow);
                if (line == null)
                {
                    return null;
                }

                if (line.StartsWith("{", StringComparison.Ordinal))
                {
                    try
                    {
                        return JsonNode.Parse(line).AsObject();
                    }
                    catch (System.Text.Json.JsonException)
                    {
                    }
                }
            }

            return null;
        }

        /// <summary>Reads lines until one with "done": true (null on timeout), passing the others to <paramref name="progress"/>.</summary>
        public JsonObject WaitDone(TimeSpan timeout, Action<JsonObject> progress = null)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                var line = Next(deadline - DateTime.UtcNow);
                if (line == null)
                {
                    return null;
                }

                if (line["done"] != null)
                {
                    return line;
                }

                progress?.Invoke(line);
            }

            return null;
        }

        /// <summary>Waits for the agent's {"ready": true} line.</summary>
        public void WaitReady(TimeSpan timeout)
        {
            var line = Next(timeout);
            if (line == null || line["ready"] == null)
            {
                throw new InvalidOperationException("hostile.py did not get ready: " + _process.Output());
            }
        }

        /// <summary>SIGTERM: the agent finishes and prints its summary.</summary>
        public void Terminate() => Shell.SignalGroup(_process.ProcessGroup, Shell.SigTerm);

        public string Output() => _process.Output();
    }

    /// <summary>Where this project's scripts are.</summary>
    public static class HostilePaths
    {
        public static string Root => Path.Combine(Paths.RepoRoot, "tests", "e2e", "hostile");

        public static string Agent => Path.Combine(Root, "peers", "hostile.py");
    }
}
