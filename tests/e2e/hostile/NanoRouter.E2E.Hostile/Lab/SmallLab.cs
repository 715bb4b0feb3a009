using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Hostile.Lab
{
    /// <summary>
    /// A light lab for tests that need no VPN peers (admin abuse, power cuts): Hal.Linux's
    /// <see cref="NamespaceLab"/> (router 198.19.4.1 / 198.18.0.2, LAN clients 198.19.4.2.., an
    /// upstream 198.18.0.1 with no route to the LAN), namespaces named nrh&lt;pid&gt;-&lt;n&gt;-*,
    /// and a scratch directory. Dispose stops the board and removes the namespaces and the
    /// directory (kept when the test failed).
    /// </summary>
    public sealed class SmallLab : IDisposable
    {
        public const string Password = "nrh hostile admin password";
        public const int AdminPort = 80;
        private static int s_counter;

        private SmallLab(NamespaceLab lab, string dir)
        {
            Lab = lab;
            Dir = dir;
            PasswordFile = Path.Combine(dir, "admin-password");
            File.WriteAllText(PasswordFile, Password + "\n");
        }

        public NamespaceLab Lab { get; }

        /// <summary>Scratch directory of this lab (settings files, logs).</summary>
        public string Dir { get; }

        public string PasswordFile { get; }

        public BoardProcess Board { get; private set; }

        public bool Passed { get; set; }

        /// <summary>Whether <see cref="StartBoard"/> passes --admin-password-file (default true).</summary>
        public bool UsePasswordFile { get; set; } = true;

        public string Router => Lab.RouterNamespace;

        public string Wan => Lab.WanNamespace;

        public string Lan(int index = 0) => Lab.LanNamespaces[index];

        public static SmallLab Create(int clients)
        {
            int n = Interlocked.Increment(ref s_counter);
            string prefix = HostileNamespaces.Prefix + n;
            string dir = Path.Combine("/tmp", "nrh-e2e", Environment.ProcessId.ToString(), n.ToString());
            Directory.CreateDirectory(dir);
            var lab = new SmallLab(NamespaceLab.Create(prefix, clients), dir);
            LabRegistry.Add(lab);
            return lab;
        }

        /// <summary>Starts the board: run --lan lan --wan wan --admin-port 80 [--admin-password-file F] [extra].</summary>
        public BoardProcess StartBoard(TimeSpan readyTimeout, string logName, params string[] extra)
        {
            var arguments = new List<string>
            {
                "run", "--lan", NamespaceLab.LanInterface, "--wan", NamespaceLab.WanInterface, "--admin-port", AdminPort.ToString(),
            };
            if (UsePasswordFile)
            {
                arguments.Add("--admin-password-file");
                arguments.Add(PasswordFile);
            }

            arguments.AddRange(extra);
            Board = BoardProcess.Start(Router, arguments, logName == null ? null : Path.Combine(Dir, logName), readyTimeout);
            return Board;
        }

        /// <summary>The admin JSON API from LAN client <paramref name="index"/>.</summary>
        public AdminApi Admin(int index = 0) => new AdminApi(Lan(index), NamespaceLab.RouterLanAddress, AdminPort, Password);

        public void Dispose()
        {
            Board?.Dispose();
            Lab.Dispose();
            LabRegistry.Remove(this);
            if (Passed && Environment.GetEnvironmentVariable("NANOROUTER_E2E_KEEP") == null)
            {
                try
                {
                    Directory.Delete(Dir, true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>Names of this project's own namespaces, and the clean-up of ones a crashed run left.</summary>
    public static class HostileNamespaces
    {
        /// <summary>"nrh" + this process id + "-".</summary>
        public static string Prefix => "nrh" + Environment.ProcessId + "-";

        /// <summary>Deletes nrh&lt;pid&gt;-* namespaces and /tmp/nrh-e2e/&lt;pid&gt; folders whose process is gone (only ours, never another's).</summary>
        public static void RemoveStale()
        {
            var list = Shell.Run("ip", "netns", "list");
            foreach (var line in list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = line.Split(' ')[0];
                if (!name.StartsWith("nrh", StringComparison.Ordinal))
                {
                    continue;
                }

                int dash = name.IndexOf('-');
                if (dash < 4 || !int.TryParse(name.Substring(3, dash - 3), out int pid) || pid == Environment.ProcessId || Directory.Exists("/proc/" + pid))
                {
                    continue;
                }

                foreach (var p in Shell.Run("ip", "netns", "pids", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(p.Trim(), out int orphan))
                    {
                        Signals.Send(orphan, Signals.SigKill);
                    }
                }

                Shell.Run("ip", "netns", "del", name);
            }

            var root = Path.Combine("/tmp", "nrh-e2e");
            if (Directory.Exists(root))
            {
                foreach (var dir in Directory.GetDirectories(root))
                {
                    if (int.TryParse(Path.GetFileName(dir), out int owner) && owner != Environment.ProcessId && !Directory.Exists("/proc/" + owner))
                    {
                        try
                        {
                            Directory.Delete(dir, true);
                        }
                        catch (IOException)
                        {
                        }
                    }
                }
            }
        }
    }
}
