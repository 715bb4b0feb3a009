using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Vpn.Peers
{
    /// <summary>
    /// One strongSwan charon (IKEv2, PSK, kernel-libipsec) in a namespace, with its own
    /// strongswan.conf (STRONGSWAN_CONF), vici socket and log, in a sandbox (private /run for the
    /// hard-coded pid file). Controlled with swanctl over the private vici socket.
    /// </summary>
    public sealed class Charon
    {
        private readonly LabProcess _process;

        private Charon(string dir, LabProcess process)
        {
            Dir = dir;
            _process = process;
        }

        public string Dir { get; }

        public string LogPath => Path.Combine(Dir, "charon.log");

        private string Uri => "unix://" + Path.Combine(Dir, "charon.vici");

        public static Charon StartServer(VpnLab lab, int server)
        {
            var conf = Paths.Template("strongswan/server.swanctl.conf.in", ("SERVER", VpnLab.ServerAddress(server)), ("PROTECTED", VpnLab.ProtectedAddress));
            return Start(lab, lab.ServerNs(server), "charon-srv" + server, conf);
        }

        public static Charon StartClient(VpnLab lab, int host, int server)
        {
            var conf = Paths.Template("strongswan/client.swanctl.conf.in", ("SERVER", VpnLab.ServerAddress(server)), ("PROTECTED", VpnLab.ProtectedAddress), ("NAME", "client" + host));
            return Start(lab, lab.LanNs(host), "charon-lan" + host, conf);
        }

        private static Charon Start(VpnLab lab, string ns, string name, string swanctlConf)
        {
            var dir = lab.NewDir(name);
            File.WriteAllText(Path.Combine(dir, "strongswan.conf"), Paths.Template("strongswan/strongswan.conf.in", ("RUNDIR", dir)));
            File.WriteAllText(Path.Combine(dir, "swanctl.conf"), swanctlConf);
            var env = new Dictionary<string, string> { ["STRONGSWAN_CONF"] = Path.Combine(dir, "strongswan.conf") };
            var process = lab.SpawnSandboxed(name, ns, dir, false, new[] { "/usr/lib/ipsec/charon" }, env);
            var charon = new Charon(dir, process);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            CommandResult load = null;
            while (DateTime.UtcNow < deadline)
            {
                if (File.Exists(Path.Combine(dir, "charon.vici")))
                {
                    load = charon.Swanctl("--load-all", "--file", Path.Combine(dir, "swanctl.conf"));
                    if (load.Succeeded)
                    {
                        return charon;
                    }
                }
                if (process.HasExited)
                {
                    break;
                }
                Thread.Sleep(100);
            }
            throw new InvalidOperationException("charon " + name + " did not come up: " + load + "\n" + process.Output() + "\n" + Shell.Tail(charon.LogPath, 20));
        }

        /// <summary>Runs swanctl against this instance (its own vici socket).</summary>
        public CommandResult Swanctl(params string[] args)
        {
            var argv = new List<string> { "swanctl" };
            argv.AddRange(args);
            argv.Add("--uri");
            argv.Add(Uri);
            // swanctl itself reads the system strongswan.conf; point it at ours to keep it quiet.
            var env = new Dictionary<string, string> { ["STRONGSWAN_CONF"] = Path.Combine(Dir, "strongswan.conf") };
            return Shell.Run(argv, TimeSpan.FromSeconds(30), env);
        }

        /// <summary>Initiates the client's CHILD_SA "net"; true when swanctl reports success.</summary>
        public CommandResult Initiate()
        {
            return Swanctl("--initiate", "--child", "net", "--timeout", "20");
        }

        public string ListSas() => Swanctl("--list-sas").Output;

        public string Log() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

        /// <summary>Source ports (as the server saw them) of IKE packets from an address to port 500.</summary>
        public IReadOnlyList<int> IkeSourcePortsSeen(string from)
        {
            var pattern = new Regex(@"received packet: from " + Regex.Escape(from) + @"\[(\d+)\] to [0-9.]+\[500\]");
            return pattern.Matches(Log()).Select(m => int.Parse(m.Groups[1].Value)).Distinct().ToList();
        }

        /// <summary>The client's established IKE SA: unique id and SPI pair, or null when none.</summary>
        public IkeSaState IkeSa()
        {
            var text = ListSas();
            var ike = Regex.Match(text, @"home: #(\d+), ESTABLISHED, IKEv2, ([0-9a-f]+)_i\*? ([0-9a-f]+)_r");
            if (!ike.Success)
            {
                return null;
            }
            var child = Regex.Match(text, @"in\s+([0-9a-f]{8})[^\n]*\n\s+out\s+([0-9a-f]{8})");
            return new IkeSaState
            {
                UniqueId = int.Parse(ike.Groups[1].Value),
                IkeSpis = ike.Groups[2].Value + "/" + ike.Groups[3].Value,
                ChildSpis = child.Success ? child.Groups[1].Value + "/" + child.Groups[2].Value : "",
                Text = text,
            };
        }

        /// <summary>The virtual IP the server assigned to this client, or null.</summary>
        public string VirtualIp()
        {
            var vip = Regex.Match(ListSas(), @"local\s+'[^']+' @ [0-9.]+\[\d+\] \[([0-9.]+)\]");
            return vip.Success ? vip.Groups[1].Value : null;
        }

        /// <summary>How many times this instance started an IKE_SA (re-inits show up here).</summary>
        public int InitiationCount() => Regex.Matches(Log(), @"initiating IKE_SA").Count;
    }

    /// <summary>The identity of an IKE SA and its CHILD SA at one moment.</summary>
    public sealed class IkeSaState
    {
        public int UniqueId;
        public string IkeSpis;
        public string ChildSpis;
        public string Text;

        public override string ToString() => "#" + UniqueId + " IKE " + IkeSpis + " ESP " + ChildSpis;
    }
}
