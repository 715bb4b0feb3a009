using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>The router in the lab's router namespace.</summary>
    public interface IRouterUnderTest : IDisposable
    {
        /// <summary>Starts routing between lan0 and wan0 of the lab's router namespace.</summary>
        void Start(VpnLab lab);

        /// <summary>The admin JSON API, or null when this router has none (the kernel).</summary>
        AdminClient Admin { get; }

        /// <summary>A few lines for failure messages (the router's own log).</summary>
        string Diagnostics();
    }

    /// <summary>Linux as the reference router: MASQUERADE plus the PPTP conntrack helper.</summary>
    public sealed class KernelRouter : IRouterUnderTest
    {
        private VpnLab _lab;

        public AdminClient Admin => null;

        public void Start(VpnLab lab)
        {
            _lab = lab;
            Shell.CheckInNs(lab.RouterNs, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", VpnLab.RouterWanInterface, "-j", "MASQUERADE");
            Shell.CheckInNs(lab.RouterNs, "iptables", "-t", "raw", "-A", "PREROUTING", "-i", VpnLab.RouterLanInterface, "-p", "tcp", "--dport", "1723", "-j", "CT", "--helper", "pptp");
        }

        public string Diagnostics()
        {
            if (_lab == null)
            {
                return "kernel router";
            }
            return "kernel conntrack:\n" + Shell.InNs(_lab.RouterNs, "conntrack", "-L").Output;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// nanoRouter's host board, built once per test run (dotnet build boards/host -c Release,
    /// copied to a private folder so a rebuild by someone else cannot swap it mid-run), started in
    /// the router namespace as `run --lan lan0 --wan wan0 --admin-port 80 --admin-password-file F`.
    /// </summary>
    public sealed class BoardRouter : IRouterUnderTest
    {
        public const string AdminPassword = "nrv-e2e-admin-password";
        public const int AdminPort = 80;
        private static readonly Regex s_ready = new Regex(@": ready$");
        private LabProcess _process;

        public AdminClient Admin { get; private set; }

        public void Start(VpnLab lab)
        {
            var entry = BoardBuild.EntryAssembly();
            var passwordFile = Path.Combine(lab.RunDir, "admin-password");
            File.WriteAllText(passwordFile, AdminPassword + "\n");
            _process = lab.Spawn("board", lab.RouterNs, new[]
            {
                "dotnet", entry, "run",
                "--lan", VpnLab.RouterLanInterface, "--wan", VpnLab.RouterWanInterface,
                "--admin-port", AdminPort.ToString(), "--admin-password-file", passwordFile,
            });
            if (!_process.WaitForOutput(s_ready, TimeSpan.FromSeconds(60)))
            {
                throw new InvalidOperationException("the host board did not print its ready line within 60 s" +
                    (_process.HasExited ? " (exited with " + _process.ExitCode + ")" : "") + ":\n" + _process.Output());
            }
            Admin = new AdminClient(lab.LanNs(1), "http://" + VpnLab.RouterLanAddress + (AdminPort == 80 ? "" : ":" + AdminPort), AdminPassword);
        }

        public string Diagnostics()
        {
            if (_process == null)
            {
                return "host board: not started";
            }
            var lines = _process.Output().Split('\n');
            return "host board log (last 30 lines" + (_process.HasExited ? ", exited with " + _process.ExitCode : "") + "):\n  " +
                string.Join("\n  ", lines.Skip(Math.Max(0, lines.Length - 30)));
        }

        /// <summary>Stops the board (SIGTERM) and returns its stop line: packets through the managed
        /// engine and through the native flow path.</summary>
        public string StopAndReadStopLine()
        {
            _process.Stop(TimeSpan.FromSeconds(10));
            return _process.Output().Split('\n').LastOrDefault(l => l.Contains("nanorouter: stopping"));
        }

        public void Dispose()
        {
            // SIGTERM first: the board removes its own netfilter rules on a clean stop.
            _process?.Stop(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Builds the host board once per test process.</summary>
    public static class BoardBuild
    {
        private static readonly object s_lock = new object();
        private static string s_entry;
        private static string s_error;

        /// <summary>The path of the built board's main .dll; throws with the build log on failure.</summary>
        public static string EntryAssembly()
        {
            lock (s_lock)
            {
                if (s_entry != null)
                {
                    return s_entry;
                }
                if (s_error != null)
                {
                    throw new InvalidOperationException(s_error);
                }
                var project = Path.Combine(Paths.RepoRoot, "boards", "host");
                var csproj = Directory.Exists(project) ? Directory.GetFiles(project, "*.csproj").FirstOrDefault() : null;
                if (csproj == null)
                {
                    s_error = "the host board project (boards/host/*.csproj) does not exist yet";
                    throw new InvalidOperationException(s_error);
                }
                CommandResult result = null;
                for (int attempt = 0; attempt < 3; attempt++)
                {
                    result = Shell.Run(new[] { "dotnet", "build", csproj, "-c", "Release", "-nologo", "-v", "q" }, TimeSpan.FromMinutes(5));
                    if (result.Succeeded)
                    {
                        break;
                    }
                    // Another build in the same tree may hold a file lock: wait and retry.
                    Thread.Sleep(5000);
                }
                if (!result.Succeeded)
                {
                    s_error = "dotnet build boards/host -c Release failed:\n" + result.Output + result.Error;
                    throw new InvalidOperationException(s_error);
                }
                var bin = Directory.GetDirectories(Path.Combine(project, "bin", "Release")).OrderBy(d => d).Last();
                var copy = Path.Combine(Paths.RunRoot, "board");
                CopyTree(bin, copy);
                var runtimeConfig = Directory.GetFiles(copy, "*.runtimeconfig.json").First();
                s_entry = Path.Combine(copy, Path.GetFileName(runtimeConfig).Replace(".runtimeconfig.json", ".dll"));
                return s_entry;
            }
        }

        private static void CopyTree(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)), true);
            }
            foreach (var dir in Directory.GetDirectories(from))
            {
                CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
            }
        }
    }
}
