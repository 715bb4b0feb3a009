using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>Which router sits between the LAN and the WAN namespaces.</summary>
    public enum RouterKind
    {
        /// <summary>nanoRouter's host board (what the stage asserts).</summary>
        Board,

        /// <summary>Linux MASQUERADE with the PPTP conntrack helper, for comparison only.</summary>
        Kernel,
    }

    /// <summary>
    /// One test's private network, all addresses in 198.18.0.0/15, namespaces named
    /// nrv-&lt;pid&gt;-&lt;n&gt;-&lt;role&gt;:
    /// <code>
    ///  lan1 198.19.1.11 ─┐                                         ┌─ srv1 198.18.11.2 (lo: 198.18.200.1)
    ///  lan2 198.19.1.12 ─┤ lsw (bridge) ─ lan0 198.19.1.1 [rtr] wan0 198.18.1.2 ─ 198.18.1.1 [wan] ─┤
    ///  ...              ─┘                                         └─ srv2 198.18.12.2 ...
    /// </code>
    /// The router namespace runs either the host board or kernel MASQUERADE. tcpdump records both
    /// router interfaces (lan.pcap, wan.pcap) for diagnostics. Dispose stops every process the lab
    /// started and deletes every namespace; the run directory is kept when the test failed.
    /// </summary>
    public sealed class VpnLab : IDisposable
    {
        public const string RouterLanAddress = "198.19.1.1";
        public const string RouterWanAddress = "198.18.1.2";
        public const string UpstreamAddress = "198.18.1.1";
        public const string ProtectedAddress = "198.18.200.1";
        public const string RouterLanInterface = "lan0";
        public const string RouterWanInterface = "wan0";

        private static int s_counter;
        private readonly List<IDisposable> _owned = new List<IDisposable>();
        private readonly List<string> _namespaces = new List<string>();
        private readonly List<LabProcess> _captures = new List<LabProcess>();
        private bool _disposed;

        private VpnLab(string testName, int lanHosts, int servers, RouterKind kind)
        {
            int n = Interlocked.Increment(ref s_counter);
            Prefix = "nrv-" + Environment.ProcessId + "-" + n;
            TestName = testName;
            LanHostCount = lanHosts;
            ServerCount = servers;
            Kind = kind;
            // Kept short: xl2tpd truncates long configuration paths (about 80 characters).
            RunDir = Path.Combine(Paths.RunRoot, n.ToString());
            Directory.CreateDirectory(RunDir);
            File.WriteAllText(Path.Combine(RunDir, "test-name"), testName + "\n");
            LabRegistry.Add(this);
        }

        public string Prefix { get; }

        public string TestName { get; }

        public string RunDir { get; }

        public RouterKind Kind { get; }

        public int LanHostCount { get; }

        public int ServerCount { get; }

        /// <summary>Set by a test that passed, so its run directory is removed.</summary>
        public bool Passed { get; set; }

        public IRouterUnderTest Router { get; private set; }

        public string RouterNs => Prefix + "-rtr";

        public string SwitchNs => Prefix + "-lsw";

        public string UpstreamNs => Prefix + "-wan";

        public string LanNs(int host) => Prefix + "-lan" + host;

        public string ServerNs(int server) => Prefix + "-srv" + server;

        public static string LanAddress(int host) => "198.19.1." + (10 + host);

        public static string ServerAddress(int server) => "198.18." + (10 + server) + ".2";

        /// <summary>The router kind under test: NANOROUTER_E2E_ROUTER=kernel selects the reference.</summary>
        public static RouterKind DefaultKind
        {
            get
            {
                var value = Environment.GetEnvironmentVariable("NANOROUTER_E2E_ROUTER");
                return string.Equals(value, "kernel", StringComparison.OrdinalIgnoreCase) ? RouterKind.Kernel : RouterKind.Board;
            }
        }

        /// <summary>Builds the topology and starts the router; throws (after cleaning up) on failure.</summary>
        public static VpnLab Create(string testName, int lanHosts, int servers, RouterKind? kind = null)
        {
            var lab = new VpnLab(testName, lanHosts, servers, kind ?? DefaultKind);
            try
            {
                lab.Build();
                lab.StartCaptures();
                lab.Router = lab.Kind == RouterKind.Board ? new BoardRouter() : new KernelRouter();
                lab.Router.Start(lab);
                return lab;
            }
            catch
            {
                lab.Dispose();
                throw;
            }
        }

        private void AddNamespace(string name)
        {
            Shell.Check("ip", "netns", "add", name);
            _namespaces.Add(name);
            Shell.Check("ip", "-n", name, "link", "set", "lo", "up");
        }

        private static void Ip(string ns, params string[] args)
        {
            var all = new List<string> { "ip", "-n", ns };
            all.AddRange(args);
            var result = Shell.Run(all);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("lab setup failed: " + result);
            }
        }

        private void Build()
        {
            AddNamespace(RouterNs);
            AddNamespace(SwitchNs);
            AddNamespace(UpstreamNs);
            for (int i = 1; i <= LanHostCount; i++)
            {
                AddNamespace(LanNs(i));
            }
            for (int i = 1; i <= ServerCount; i++)
            {
                AddNamespace(ServerNs(i));
            }

            // LAN: a bridge in its own namespace, so the router sees one plain interface.
            Ip(SwitchNs, "link", "add", "br0", "type", "bridge");
            Ip(SwitchNs, "link", "set", "br0", "up");
            Ip(RouterNs, "link", "add", RouterLanInterface, "type", "veth", "peer", "name", "p0", "netns", SwitchNs);
            Ip(SwitchNs, "link", "set", "p0", "master", "br0", "up");
            Ip(RouterNs, "addr", "add", RouterLanAddress + "/24", "dev", RouterLanInterface);
            Ip(RouterNs, "link", "set", RouterLanInterface, "up");
            for (int i = 1; i <= LanHostCount; i++)
            {
                Ip(LanNs(i), "link", "add", "eth0", "type", "veth", "peer", "name", "p" + i, "netns", SwitchNs);
                Ip(SwitchNs, "link", "set", "p" + i, "master", "br0", "up");
                Ip(LanNs(i), "addr", "add", LanAddress(i) + "/24", "dev", "eth0");
                Ip(LanNs(i), "link", "set", "eth0", "up");
                Ip(LanNs(i), "route", "add", "default", "via", RouterLanAddress);
            }

            // WAN: the router's uplink to an upstream namespace that routes to every server.
            Ip(RouterNs, "link", "add", RouterWanInterface, "type", "veth", "peer", "name", "eth0", "netns", UpstreamNs);
            Ip(RouterNs, "addr", "add", RouterWanAddress + "/24", "dev", RouterWanInterface);
            Ip(RouterNs, "link", "set", RouterWanInterface, "up");
            Ip(RouterNs, "route", "add", "default", "via", UpstreamAddress);
            Ip(UpstreamNs, "addr", "add", UpstreamAddress + "/24", "dev", "eth0");
            Ip(UpstreamNs, "link", "set", "eth0", "up");
            for (int i = 1; i <= ServerCount; i++)
            {
                Ip(ServerNs(i), "link", "add", "eth0", "type", "veth", "peer", "name", "srv" + i, "netns", UpstreamNs);
                Ip(UpstreamNs, "addr", "add", "198.18." + (10 + i) + ".1/24", "dev", "srv" + i);
                Ip(UpstreamNs, "link", "set", "srv" + i, "up");
                Ip(ServerNs(i), "addr", "add", ServerAddress(i) + "/24", "dev", "eth0");
                Ip(ServerNs(i), "link", "set", "eth0", "up");
                Ip(ServerNs(i), "route", "add", "default", "via", "198.18." + (10 + i) + ".1");
                // The IPsec server's protected address, reachable only through the tunnel.
                Ip(ServerNs(i), "addr", "add", ProtectedAddress + "/32", "dev", "lo");
            }
            Shell.CheckInNs(UpstreamNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Shell.CheckInNs(RouterNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }

        private void StartCaptures()
        {
            foreach (var side in new[] { RouterLanInterface, RouterWanInterface })
            {
                var pcap = Path.Combine(RunDir, side + ".pcap");
                var capture = LabProcess.Start("tcpdump-" + side, Path.Combine(RunDir, "tcpdump-" + side + ".log"),
                    new[] { "ip", "netns", "exec", RouterNs, "tcpdump", "-i", side, "-n", "-U", "-s", "400", "-w", pcap, "not arp and not ip6" });
                _captures.Add(capture);
            }
            // tcpdump prints "listening on ..." once its socket is open.
            foreach (var capture in _captures)
            {
                capture.WaitForOutput(new System.Text.RegularExpressions.Regex("listening on"), TimeSpan.FromSeconds(5));
            }
        }

        /// <summary>Path of the pcap file recorded on the router's LAN or WAN interface.</summary>
        public string CapturePath(bool wan) => Path.Combine(RunDir, (wan ? RouterWanInterface : RouterLanInterface) + ".pcap");

        /// <summary>Starts a process in a namespace; the lab stops it on Dispose.</summary>
        public LabProcess Spawn(string name, string ns, IEnumerable<string> argv, IDictionary<string, string> environment = null)
        {
            var all = new List<string> { "ip", "netns", "exec", ns };
            all.AddRange(argv);
            var process = LabProcess.Start(name, Path.Combine(RunDir, name + ".out"), all, environment);
            lock (_owned)
            {
                _owned.Add(process);
            }
            return process;
        }

        /// <summary>
        /// Starts a daemon in a namespace inside a private mount and PID namespace (see
        /// peers/sandbox.sh): private /run, private /dev with a syslog sink, optionally the
        /// stand-in pppd over /usr/sbin/pppd. Returns the process and its run directory.
        /// </summary>
        public LabProcess SpawnSandboxed(string name, string ns, string daemonDir, bool standInPppd, IEnumerable<string> argv, IDictionary<string, string> environment = null)
        {
            var all = new List<string> { "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc", Paths.Peer("sandbox.sh"), daemonDir };
            if (standInPppd)
            {
                all.Add("--pppd");
                all.Add(Paths.Peer("pppd_standin.py"));
            }
            all.Add("--");
            all.AddRange(argv);
            return Spawn(name, ns, all, environment);
        }

        /// <summary>A fresh directory inside this lab's run directory.</summary>
        public string NewDir(string name)
        {
            var dir = Path.Combine(RunDir, name);
            Directory.CreateDirectory(dir);
            return dir;
        }

        public void Own(IDisposable item)
        {
            lock (_owned)
            {
                _owned.Add(item);
            }
        }

        /// <summary>The first packets of both captures, decoded, for a failure message.</summary>
        public string Diagnostics(string filter = null, int lines = 40)
        {
            var text = new StringBuilder();
            text.Append("test: ").Append(TestName).Append(", router kind: ").Append(Kind).Append(", run dir: ").Append(RunDir).Append('\n');
            if (Router != null)
            {
                text.Append(Router.Diagnostics()).Append('\n');
            }
            foreach (var wan in new[] { false, true })
            {
                var args = new List<string> { "tcpdump", "-nn", "-r", CapturePath(wan) };
                if (!string.IsNullOrEmpty(filter))
                {
                    args.Add(filter);
                }
                var result = Shell.Run(args, TimeSpan.FromSeconds(10));
                var all = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                text.Append("--- router ").Append(wan ? "WAN" : "LAN").Append(" side (").Append(all.Length).Append(" packets")
                    .Append(string.IsNullOrEmpty(filter) ? "" : ", filter '" + filter + "'").Append("), first ").Append(Math.Min(lines, all.Length)).Append(":\n");
                foreach (var line in all.Take(lines))
                {
                    text.Append("  ").Append(line).Append('\n');
                }
            }
            return text.ToString();
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            IDisposable[] owned;
            lock (_owned)
            {
                owned = _owned.ToArray();
                _owned.Clear();
            }
            for (int i = owned.Length - 1; i >= 0; i--)
            {
                try
                {
                    owned[i].Dispose();
                }
                catch (Exception)
                {
                }
            }
            try
            {
                Router?.Dispose();
            }
            catch (Exception)
            {
            }
            foreach (var capture in _captures)
            {
                capture.Stop(TimeSpan.FromSeconds(2));
            }
            foreach (var ns in Enumerable.Reverse(_namespaces))
            {
                Shell.Run("ip", "netns", "del", ns);
            }
            LabRegistry.Remove(this);
            if (Passed && Environment.GetEnvironmentVariable("NANOROUTER_E2E_KEEP") == null)
            {
                try
                {
                    Directory.Delete(RunDir, true);
                }
                catch (Exception)
                {
                }
            }
        }

        /// <summary>
        /// Deletes namespaces left by an earlier test process that died without cleaning up:
        /// only ours (prefix nrv-&lt;pid&gt;-) and only when that pid is gone.
        /// </summary>
        public static void RemoveStaleNamespaces()
        {
            // Run directories of earlier test processes (kept for their failures) go too.
            var runs = Path.GetDirectoryName(Paths.RunRoot);
            if (Directory.Exists(runs))
            {
                foreach (var dir in Directory.GetDirectories(runs))
                {
                    if (int.TryParse(Path.GetFileName(dir), out int owner) && owner != Environment.ProcessId && !Directory.Exists("/proc/" + owner))
                    {
                        try
                        {
                            Directory.Delete(dir, true);
                        }
                        catch (Exception)
                        {
                        }
                    }
                }
            }
            var list = Shell.Run("ip", "netns", "list");
            foreach (var line in list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = line.Split(' ')[0];
                var parts = name.Split('-');
                if (parts.Length < 4 || parts[0] != "nrv" || !int.TryParse(parts[1], out int pid))
                {
                    continue;
                }
                if (pid != Environment.ProcessId && !Directory.Exists("/proc/" + pid))
                {
                    // Processes an earlier, crashed run of these tests left in its own namespace.
                    var pids = Shell.Run("ip", "netns", "pids", name).Output;
                    foreach (var p in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (int.TryParse(p.Trim(), out int orphan))
                        {
                            Shell.Run("kill", "-9", orphan.ToString());
                        }
                    }
                    Shell.Run("ip", "netns", "del", name);
                }
            }
        }
    }
}
