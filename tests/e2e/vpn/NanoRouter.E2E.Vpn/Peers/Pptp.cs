using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Vpn.Peers
{
    /// <summary>
    /// pptpd (server namespace, with the stand-in pppd as its PPP program via -e) and pptp-linux
    /// (LAN host, run as `pty` of the stand-in pppd with --nolaunchpppd), so GRE v1 carries real
    /// PPP frames both ways.
    /// </summary>
    public sealed class Pptp
    {
        private readonly LabProcess _process;

        private Pptp(string dir, LabProcess process)
        {
            Dir = dir;
            _process = process;
        }

        public string Dir { get; }

        public static Pptp StartServer(VpnLab lab, int server)
        {
            var dir = lab.NewDir("pptpd-srv" + server);
            File.WriteAllText(Path.Combine(dir, "pptpd.conf"), Paths.Template("pptpd/pptpd.conf.in", ("SERVER", VpnLab.ServerAddress(server)), ("RUNDIR", dir)));
            File.WriteAllText(Path.Combine(dir, "options"), "noauth\n");
            var process = lab.SpawnSandboxed("pptpd-srv" + server, lab.ServerNs(server), dir, false, new[]
            {
                "/usr/sbin/pptpd", "-f", "-c", Path.Combine(dir, "pptpd.conf"), "-e", Paths.Peer("pppd_standin.py"), "-p", "/run/pptpd.pid",
            });
            // pptpd logs only to syslog (our sink); wait for its listening socket instead.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                var ss = Shell.InNs(lab.ServerNs(server), "ss", "-ltnH", "sport = :1723");
                if (ss.Output.Contains("1723"))
                {
                    return new Pptp(dir, process);
                }
                System.Threading.Thread.Sleep(100);
            }
            throw new InvalidOperationException("pptpd did not listen on 1723:\n" + process.Output() + Shell.Tail(Path.Combine(dir, "syslog.log"), 20));
        }

        public static Pptp StartClient(VpnLab lab, int host, int server, string suffix = "")
        {
            var name = "pptp-lan" + host + suffix;
            var dir = lab.NewDir(name);
            var process = lab.SpawnSandboxed(name, lab.LanNs(host), dir, false, new[]
            {
                Paths.Peer("pppd_standin.py"), "--pty", "/usr/sbin/pptp " + VpnLab.ServerAddress(server) + " --nolaunchpppd --loglevel 1 --nohostroute",
            });
            return new Pptp(dir, process);
        }

        /// <summary>Ends the call (stops pptp and its stand-in pppd).</summary>
        public void Stop() => _process.Stop(TimeSpan.FromSeconds(2));

        public string Syslog() => File.Exists(Path.Combine(Dir, "syslog.log")) ? File.ReadAllText(Path.Combine(Dir, "syslog.log")) : "";

        /// <summary>The client's (call ID, peer call ID) once pptp reports the call established.</summary>
        public (int CallId, int PeerCallId)? EstablishedCall()
        {
            var m = Regex.Match(Syslog(), @"Outgoing call established \(call ID (\d+), peer's call ID (\d+)\)");
            return m.Success ? (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)) : null;
        }

        public IReadOnlyList<PppStatus> Ppp() => PppStatus.ReadAll(Dir);

        public string Log() => _process.Output() + "\n" + Syslog();
    }
}
