using System;
using System.Collections.Generic;
using System.Linq;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Vpn.Peers
{
    /// <summary>Reads fields out of a capture file with tshark.</summary>
    public static class Pcap
    {
        /// <summary>One row of tab-separated field values per packet matching the display filter.</summary>
        public static IReadOnlyList<string[]> Fields(string pcap, string displayFilter, params string[] fields)
        {
            var argv = new List<string> { "tshark", "-r", pcap, "-n", "-Y", displayFilter, "-T", "fields" };
            foreach (var field in fields)
            {
                argv.Add("-e");
                argv.Add(field);
            }
            var result = Shell.Run(argv, TimeSpan.FromSeconds(60));
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("tshark failed: " + result);
            }
            return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        }

        public static int Count(string pcap, string displayFilter)
        {
            return Fields(pcap, displayFilter, "frame.number").Count;
        }
    }
}
