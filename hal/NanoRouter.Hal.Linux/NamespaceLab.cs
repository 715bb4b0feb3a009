using System;
using System.Collections.Generic;
using System.IO;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// The host board's lab: network namespaces joined by veth pairs, addresses only in
    /// 198.18.0.0/15.
    /// <code>
    ///  PREFIX-lan (eth0 198.19.4.2/24, default via .1)          PREFIX-wan (eth0 198.18.0.1/24,
    ///  [PREFIX-lan2 198.19.4.3 ... via PREFIX-sw bridge]          no route to 198.19.4.0/24)
    ///            \                                                   /
    ///             lan 198.19.4.1/24 -- PREFIX-rtr -- wan 198.18.0.2/24 (default via 198.18.0.1)
    /// </code>
    /// With more than one LAN client the clients meet on a bridge in a switch namespace
    /// (PREFIX-sw), never in the router's namespace: with br_netfilter loaded, a bridge there
    /// would show bridged IPv4 to the netfilter hooks under the port's name, not the LAN's.
    /// IPv6 is off in every lab namespace, so captures hold only what a test sent.
    /// </summary>
    public sealed class NamespaceLab : IDisposable
    {
        /// <summary>The router's LAN address.</summary>
        public const string RouterLanAddress = "198.19.4.1";

        /// <summary>The router's WAN address.</summary>
        public const string RouterWanAddress = "198.18.0.2";

        /// <summary>The upstream (WAN namespace) address and the router's default gateway.</summary>
        public const string UpstreamAddress = "198.18.0.1";

        /// <summary>The router's LAN interface name inside its namespace.</summary>
        public const string LanInterface = "lan";

        /// <summary>The router's WAN interface name inside its namespace.</summary>
        public const string WanInterface = "wan";

        /// <summary>The client and upstream interface name inside their namespaces.</summary>
        public const string HostInterface = "eth0";

        private readonly List<string> _namespaces = new List<string>();
        private bool _disposed;

        private NamespaceLab(string prefix, int clients)
        {
            Prefix = prefix;
            RouterNamespace = prefix + "-rtr";
            WanNamespace = prefix + "-wan";
            SwitchNamespace = clients > 1 ? prefix + "-sw" : null;
            LanNamespaces = new string[clients];
            for (int i = 0; i < clients; i++)
            {
                LanNamespaces[i] = i == 0 ? prefix + "-lan" : prefix + "-lan" + (i + 1);
            }
        }

        /// <summary>The namespace name prefix.</summary>
        public string Prefix { get; }

        /// <summary>The router's namespace.</summary>
        public string RouterNamespace { get; }

        /// <summary>The upstream namespace.</summary>
        public string WanNamespace { get; }

        /// <summary>The LAN client namespaces; the first is PREFIX-lan.</summary>
        public string[] LanNamespaces { get; }

        /// <summary>The switch namespace when there is more than one client, else null.</summary>
        public string SwitchNamespace { get; }

        /// <summary>Every namespace the lab made (for checks and teardown).</summary>
        public IReadOnlyList<string> Namespaces => _namespaces;

        /// <summary>The address of LAN client <paramref name="index"/> (0-based): 198.19.4.2 and up.</summary>
        public static string ClientAddress(int index) => "198.19.4." + (2 + index);

        /// <summary>
        /// Builds the lab. Throws <see cref="InvalidOperationException"/> with a one-line message when a
        /// namespace of that name already exists or a step fails; on failure nothing is left behind.
        /// </summary>
        public static NamespaceLab Create(string prefix, int clients = 1)
        {
            if (clients < 1 || clients > 200)
            {
                throw new ArgumentOutOfRangeException(nameof(clients));
            }

            var lab = new NamespaceLab(prefix, clients);
            var all = new List<string> { lab.RouterNamespace, lab.WanNamespace };
            all.AddRange(lab.LanNamespaces);
            if (lab.SwitchNamespace != null)
            {
                all.Add(lab.SwitchNamespace);
            }

            foreach (string name in all)
            {
                if (NetworkNamespace.Exists(name))
                {
                    throw new InvalidOperationException("namespace " + name + " already exists (a lab is running, or a previous one was killed: ip netns del " + name + ")");
                }
            }

            try
            {
                foreach (string name in all)
                {
                    Ip(null, "netns", "add", name);
                    lab._namespaces.Add(name);
                    NetworkNamespace.Invoke(name, () =>
                    {
                        File.WriteAllText("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
                        File.WriteAllText("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
                    });
                }

                var links = new List<string>();
                links.Add("link add " + WanInterface + " netns " + lab.RouterNamespace + " type veth peer name " + HostInterface + " netns " + lab.WanNamespace);
                if (lab.SwitchNamespace == null)
                {
                    links.Add("link add " + LanInterface + " netns " + lab.RouterNamespace + " type veth peer name " + HostInterface + " netns " + lab.LanNamespaces[0]);
                }
                else
                {
                    links.Add("link add " + LanInterface + " netns " + lab.RouterNamespace + " type veth peer name uplink netns " + lab.SwitchNamespace);
                    for (int i = 0; i < clients; i++)
                    {
                        links.Add("link add " + HostInterface + " netns " + lab.LanNamespaces[i] + " type veth peer name p" + (i + 1) + " netns " + lab.SwitchNamespace);
                    }
                }

                Batch(null, links);

                Batch(lab.RouterNamespace, new[]
                {
                    "link set lo up",
                    "link set " + LanInterface + " up",
                    "link set " + WanInterface + " up",
                    "addr add " + RouterLanAddress + "/24 dev " + LanInterface,
                    "addr add " + RouterWanAddress + "/24 dev " + WanInterface,
                    "route add default via " + UpstreamAddress,
                });
                Batch(lab.WanNamespace, new[]
                {
                    "link set lo up",
                    "link set " + HostInterface + " up",
                    "addr add " + UpstreamAddress + "/24 dev " + HostInterface,
                });
                for (int i = 0; i < clients; i++)
                {
                    Batch(lab.LanNamespaces[i], new[]
                    {
                        "link set lo up",
                        "link set " + HostInterface + " up",
                        "addr add " + ClientAddress(i) + "/24 dev " + HostInterface,
                        "route add default via " + RouterLanAddress,
                    });
                }

                if (lab.SwitchNamespace != null)
                {
                    var commands = new List<string> { "link set lo up", "link add br0 type bridge", "link set br0 up", "link set uplink master br0", "link set uplink up" };
                    for (int i = 0; i < clients; i++)
                    {
                        commands.Add("link set p" + (i + 1) + " master br0");
                        commands.Add("link set p" + (i + 1) + " up");
                    }

                    Batch(lab.SwitchNamespace, commands);
                }
            }
            catch
            {
                lab.Dispose();
                throw;
            }

            return lab;
        }

        /// <summary>Removes every namespace the lab made (their interfaces go with them). Safe to call twice.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            for (int i = _namespaces.Count - 1; i >= 0; i--)
            {
                ShellCommand.Run("ip", new[] { "netns", "del", _namespaces[i] });
            }
        }

        /// <summary>Runs `ip netns exec NS command...` and returns its result.</summary>
        public static CommandResult Exec(string ns, params string[] command)
        {
            var arguments = new List<string> { "netns", "exec", ns };
            arguments.AddRange(command);
            return ShellCommand.Run("ip", arguments.ToArray());
        }

        private static void Ip(string ns, params string[] arguments)
        {
            var all = new List<string>();
            if (ns != null)
            {
                all.Add("-n");
                all.Add(ns);
            }

            all.AddRange(arguments);
            CommandResult result = ShellCommand.Run("ip", all.ToArray());
            if (!result.Ok)
            {
                throw new InvalidOperationException("ip " + string.Join(" ", all) + ": " + result.FirstErrorLine);
            }
        }

        private static void Batch(string ns, IEnumerable<string> commands)
        {
            var arguments = new List<string>();
            if (ns != null)
            {
                arguments.Add("-n");
                arguments.Add(ns);
            }

            arguments.Add("-batch");
            arguments.Add("-");
            CommandResult result = ShellCommand.Run("ip", arguments.ToArray(), string.Join("\n", commands) + "\n");
            if (!result.Ok)
            {
                throw new InvalidOperationException("lab setup failed in " + (ns ?? "the host namespace") + ": " + result.FirstErrorLine);
            }
        }
    }
}
