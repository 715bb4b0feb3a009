using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Vpn.Peers
{
    /// <summary>
    /// xl2tpd as LNS (server namespace) or LAC (LAN host), in a sandbox with the stand-in pppd
    /// bind-mounted over /usr/sbin/pppd, so L2TP data messages carry real PPP frames.
    /// </summary>
    public sealed class Xl2tpd
    {
        private readonly LabProcess _process;

        private Xl2tpd(string dir, LabProcess process)
        {
            Dir = dir;
            _process = process;
        }

        public string Dir { get; }

        public static Xl2tpd StartServer(VpnLab lab, int server)
        {
            var dir = lab.NewDir("xl2tpd-srv" + server);
            File.WriteAllText(Path.Combine(dir, "xl2tpd.conf"), Paths.Template("xl2tpd/lns.conf.in", ("SERVER", VpnLab.ServerAddress(server)), ("RUNDIR", dir)));
            return Start(lab, lab.ServerNs(server), dir, "xl2tpd-srv" + server);
        }

        public static Xl2tpd StartClient(VpnLab lab, int host, int server)
        {
            var dir = lab.NewDir("xl2tpd-lan" + host);
            File.WriteAllText(Path.Combine(dir, "xl2tpd.conf"), Paths.Template("xl2tpd/lac.conf.in", ("SERVER", VpnLab.ServerAddress(server)), ("RUNDIR", dir), ("NAME", "nrv-lac" + host)));
            return Start(lab, lab.LanNs(host), dir, "xl2tpd-lan" + host);
        }

        private static Xl2tpd Start(VpnLab lab, string ns, string dir, string name)
        {
            File.WriteAllText(Path.Combine(dir, "options"), "noauth\n");
            var process = lab.SpawnSandboxed(name, ns, dir, true, new[]
            {
                "/usr/sbin/xl2tpd", "-D", "-c", Path.Combine(dir, "xl2tpd.conf"), "-p", "/run/xl2tpd.pid", "-C", "/run/l2tp-control",
            });
            if (!process.WaitForOutput(new Regex("Listening on IP address"), TimeSpan.FromSeconds(10)))
            {
                throw new InvalidOperationException(name + " did not start:\n" + process.Output());
            }
            return new Xl2tpd(dir, process);
        }

        /// <summary>Everything xl2tpd logged (with -D it logs to standard error).</summary>
        public string Log() => _process.Output();

        /// <summary>(address, port) of each tunnel the LNS established ("Connection established to A, P.").</summary>
        public IReadOnlyList<(string Address, int Port)> TunnelsEstablished()
        {
            return Regex.Matches(Log(), @"Connection established to ([0-9.]+), (\d+)\.")
                .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value))).ToList();
        }

        public int CallsEstablished() => Regex.Matches(Log(), @"Call established with").Count;

        public IReadOnlyList<PppStatus> Ppp() => PppStatus.ReadAll(Dir);
    }
}
