namespace NanoRouter.Core.Admin
{
    /// <summary>The VPN page's markup (issue 14 §2): constant fragments with {slots}, no JavaScript,
    /// filled by <see cref="AdminApp"/> (AdminApp.Vpn.cs).</summary>
    internal static class VpnPages
    {
        /// <summary>The VPN page.</summary>
        public const string Page =
            "<p>Every VPN connection the router sees from a device on its Wi-Fi: one row per device, "
            + "protocol and server. When the router can see why a VPN does not work, the row says so "
            + "and what to do. This page reloads itself every 10 seconds.</p>"
            + "<section class=card><div class=scroll><table id=vpn>"
            + "<thead><tr><th>Device</th><th>Protocol</th><th>Server</th><th>State</th>"
            + "<th class=n>Out</th><th class=n>In</th><th class=n>Last seen</th><th class=n>Port</th></tr></thead>"
            + "<tbody>{vpn.rows}</tbody></table></div>"
            + "<p><a href=/passthrough>Switch passthrough rules on or off</a></p></section>";

        /// <summary>One session.</summary>
        public const string Row =
            "<tr id=\"vpn-{vpn.index}\"{vpn.class}><td>{vpn.client}</td><td>{vpn.protocol}</td><td>{vpn.server}</td>"
            + "<td><span class=\"pill on\">{vpn.state}</span>{vpn.detail}</td>"
            + "<td class=n>{vpn.out}</td><td class=n>{vpn.in}</td><td class=n>{vpn.lastseen} s</td><td class=n>{vpn.port}</td></tr>"
            + "{vpn.problemrow}";

        /// <summary>The problem line under a session that has one.</summary>
        public const string ProblemRow =
            "<tr class=problem id=\"problem-{vpn.index}\"><td colspan=8><span class=\"pill off\">{vpn.problem}</span> {vpn.hint}</td></tr>";

        /// <summary>No session yet.</summary>
        public const string Empty = "<tr><td colspan=8>No VPN traffic seen yet.</td></tr>";
    }
}
