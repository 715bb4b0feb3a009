using System.Collections.Generic;
using System.IO;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// The kernel settings the host board needs in its namespace, made on start and undone on
    /// exit: a chain of its own in the raw table (NANOROUTER_QN, jumped to first from
    /// PREROUTING) that turns conntrack off for, and queues, every IPv4 packet arriving on the
    /// LAN or WAN interface; a chain of the same name in the filter table (jumped to first from
    /// FORWARD) that lets the kernel forward only packets the core forwarded (they carry
    /// <see cref="NfQueuePort.ForwardMark"/>), so a packet the core called Local is delivered to
    /// the router or dropped, as lwIP does on the device; a chain NANOROUTER_QN_IN (jumped to
    /// first from INPUT) that drops what arrives on the WAN for the LAN subnet, so an upstream
    /// that routes the LAN prefix to us still cannot reach the router's LAN address (and the
    /// admin page on it); and the sysctls that let the kernel route what the core rewrote.
    /// </summary>
    /// <remarks>
    /// iptables (the nf_tables backend on Debian 12), not native nft rules: this kernel has no
    /// native nft "queue" expression, while the xtables NFQUEUE target works. The rules go in
    /// and out with one iptables-restore --noflush each, so a start or stop is atomic and never
    /// leaves half of them behind. The queue has no --queue-bypass: when the router is not
    /// listening, queued packets are dropped, never passed un-NATed.
    /// Sysctls: ip_forward=1; rp_filter=0 (all and both interfaces; the effective value is the
    /// maximum); accept_local=1 on the LAN interface, because a rewritten outbound packet
    /// carries the router's own WAN address as its source and the kernel would otherwise call it
    /// a martian and drop it; send_redirects=0, because a hairpinned packet leaves by the
    /// interface it came in on.
    /// </remarks>
    public sealed class RouterNetfilter : System.IDisposable
    {
        private readonly List<KeyValuePair<string, string>> _saved = new List<KeyValuePair<string, string>>();
        private bool _removed;

        private RouterNetfilter(string table)
        {
            ChainName = table;
        }

        /// <summary>The raw-table chain holding the rules.</summary>
        public string ChainName { get; }

        /// <summary>True when a previous run's chain was found and replaced.</summary>
        public bool ReplacedStale { get; private set; }

        /// <summary>The chain name used for queue <paramref name="queue"/>.</summary>
        public static string ChainFor(ushort queue) => "NANOROUTER_Q" + queue;

        /// <summary>Sets the sysctls and installs the queue rules; false with a one-line error.</summary>
        public static bool TryInstall(InterfaceInfo lan, InterfaceInfo wan, ushort queue, out RouterNetfilter rules, out string error)
        {
            rules = null;
            if (!ShellCommand.Exists("iptables-restore"))
            {
                error = "NFQUEUE unavailable: the iptables tools are missing (apt-get install iptables)";
                return false;
            }

            var candidate = new RouterNetfilter(ChainFor(queue));
            if (ChainExists(candidate.ChainName))
            {
                candidate.RemoveRules();
                candidate.ReplacedStale = true;
            }

            string sysctlError = candidate.SetSysctl("net/ipv4/ip_forward", "1")
                ?? candidate.SetSysctl("net/ipv4/conf/all/rp_filter", "0")
                ?? candidate.SetSysctl("net/ipv4/conf/" + lan.Name + "/rp_filter", "0")
                ?? candidate.SetSysctl("net/ipv4/conf/" + wan.Name + "/rp_filter", "0")
                ?? candidate.SetSysctl("net/ipv4/conf/" + lan.Name + "/accept_local", "1")
                ?? candidate.SetSysctl("net/ipv4/conf/all/send_redirects", "0")
                ?? candidate.SetSysctl("net/ipv4/conf/" + lan.Name + "/send_redirects", "0");
            if (sysctlError != null)
            {
                candidate.Dispose();
                error = sysctlError;
                return false;
            }

            string chain = candidate.ChainName;
            string mark = "0x" + NfQueuePort.ForwardMark.ToString("x");
            uint mask = lan.PrefixLength == 0 ? 0 : 0xFFFFFFFFu << (32 - lan.PrefixLength);
            string lanNetwork = InterfaceInfo.FormatAddress(lan.Address & mask) + "/" + lan.PrefixLength;
            string script =
                "*filter\n" +
                ":" + chain + " - [0:0]\n" +
                "-A " + chain + " -i " + lan.Name + " -m mark ! --mark " + mark + " -j DROP\n" +
                "-A " + chain + " -i " + wan.Name + " -m mark ! --mark " + mark + " -j DROP\n" +
                "-I FORWARD 1 -j " + chain + "\n" +
                ":" + chain + "_IN - [0:0]\n" +
                "-A " + chain + "_IN -i " + wan.Name + " -d " + lanNetwork + " -j DROP\n" +
                "-I INPUT 1 -j " + chain + "_IN\n" +
                "COMMIT\n" +
                "*raw\n" +
                ":" + chain + " - [0:0]\n" +
                "-A " + chain + " -i " + lan.Name + " -j CT --notrack\n" +
                "-A " + chain + " -i " + lan.Name + " -j NFQUEUE --queue-num " + queue + "\n" +
                "-A " + chain + " -i " + wan.Name + " -j CT --notrack\n" +
                "-A " + chain + " -i " + wan.Name + " -j NFQUEUE --queue-num " + queue + "\n" +
                "-I PREROUTING 1 -j " + chain + "\n" +
                "COMMIT\n";
            CommandResult result = ShellCommand.Run("iptables-restore", new[] { "--noflush" }, script);
            if (!result.Ok)
            {
                candidate._removed = true;
                candidate.Dispose();
                error = "NFQUEUE unavailable: iptables could not add the queue rules: " + result.FirstErrorLine;
                return false;
            }

            rules = candidate;
            error = null;
            return true;
        }

        /// <summary>True when the chain for <paramref name="queue"/> exists in the current namespace.</summary>
        public static bool QueueChainExists(ushort queue) => ChainExists(ChainFor(queue));

        private static bool ChainExists(string chain)
        {
            return ShellCommand.Run("iptables", new[] { "-w", "-t", "raw", "-S", chain }).Ok
                || ShellCommand.Run("iptables", new[] { "-w", "-t", "filter", "-S", chain }).Ok;
        }

        private void RemoveRules()
        {
            string script =
                "*raw\n" +
                "-D PREROUTING -j " + ChainName + "\n" +
                "-F " + ChainName + "\n" +
                "-X " + ChainName + "\n" +
                "COMMIT\n" +
                "*filter\n" +
                "-D FORWARD -j " + ChainName + "\n" +
                "-F " + ChainName + "\n" +
                "-X " + ChainName + "\n" +
                "-D INPUT -j " + ChainName + "_IN\n" +
                "-F " + ChainName + "_IN\n" +
                "-X " + ChainName + "_IN\n" +
                "COMMIT\n";
            if (!ShellCommand.Run("iptables-restore", new[] { "--noflush" }, script).Ok)
            {
                // The jump may be gone already (someone flushed PREROUTING): remove what is left, one by one.
                ShellCommand.Run("iptables", new[] { "-w", "-t", "raw", "-D", "PREROUTING", "-j", ChainName });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "raw", "-F", ChainName });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "raw", "-X", ChainName });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "filter", "-D", "FORWARD", "-j", ChainName });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "filter", "-F", ChainName });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "filter", "-X", ChainName });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "filter", "-D", "INPUT", "-j", ChainName + "_IN" });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "filter", "-F", ChainName + "_IN" });
                ShellCommand.Run("iptables", new[] { "-w", "-t", "filter", "-X", ChainName + "_IN" });
            }
        }

        /// <summary>Deletes the chain and restores every sysctl to its value before the start.</summary>
        public void Dispose()
        {
            if (!_removed)
            {
                _removed = true;
                RemoveRules();
            }

            for (int i = _saved.Count - 1; i >= 0; i--)
            {
                try
                {
                    File.WriteAllText(_saved[i].Key, _saved[i].Value);
                }
                catch (IOException)
                {
                    // The interface may be gone already; nothing left to restore.
                }
                catch (System.UnauthorizedAccessException)
                {
                }
            }

            _saved.Clear();
        }

        private string SetSysctl(string key, string value)
        {
            string path = "/proc/sys/" + key;
            try
            {
                string old = File.ReadAllText(path).Trim();
                if (old != value)
                {
                    File.WriteAllText(path, value);
                    _saved.Add(new KeyValuePair<string, string>(path, old));
                }

                return null;
            }
            catch (System.Exception e) when (e is IOException || e is System.UnauthorizedAccessException)
            {
                return "cannot set " + key.Replace('/', '.') + "=" + value + ": " + e.Message;
            }
        }
    }
}
