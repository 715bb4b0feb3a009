using System;
using System.IO;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>Where the repository, the peer scripts and the run directories are.</summary>
    public static class Paths
    {
        private static readonly Lazy<string> s_repoRoot = new Lazy<string>(FindRepoRoot);

        /// <summary>The repository root (the folder holding nanoRouter.sln).</summary>
        public static string RepoRoot => s_repoRoot.Value;

        /// <summary>tests/e2e/vpn/peers: sandbox, stand-in pppd, scapy agent, config templates.</summary>
        public static string Peers => Path.Combine(RepoRoot, "tests", "e2e", "vpn", "peers");

        /// <summary>Scratch space of this test process: /tmp/nrv-e2e/&lt;pid&gt;.</summary>
        public static string RunRoot { get; } = Path.Combine("/tmp", "nrv-e2e", Environment.ProcessId.ToString());

        public const string Python = "/usr/bin/python3";

        public static string Peer(string name)
        {
            return Path.Combine(Peers, name);
        }

        private static string FindRepoRoot()
        {
            var env = Environment.GetEnvironmentVariable("ROOT");
            if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "nanoRouter.sln")))
            {
                return env;
            }
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "nanoRouter.sln")))
                {
                    return dir.FullName;
                }
                dir = dir.Parent;
            }
            throw new InvalidOperationException("cannot find the repository root (nanoRouter.sln) above " + AppContext.BaseDirectory);
        }

        /// <summary>Reads a template from peers/ and replaces each @KEY@ with its value.</summary>
        public static string Template(string name, params (string Key, string Value)[] values)
        {
            var text = File.ReadAllText(Peer(name));
            foreach (var (key, value) in values)
            {
                text = text.Replace("@" + key + "@", value);
            }
            if (text.Contains('@') && System.Text.RegularExpressions.Regex.IsMatch(text, "@[A-Z_]+@"))
            {
                throw new InvalidOperationException("template " + name + " has an unfilled placeholder");
            }
            return text;
        }
    }
}
