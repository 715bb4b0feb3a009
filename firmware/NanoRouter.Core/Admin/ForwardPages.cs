namespace NanoRouter.Core.Admin
{
    /// <summary>The port-forwarding section of the settings page (issue 14): the rules, a switch and
    /// a delete button per rule, and a form that adds one. No JavaScript, like every page.</summary>
    internal static class ForwardPages
    {
        /// <summary>The section.</summary>
        public const string Section =
            "<section class=card id=forwards><h2>Port forwarding <small>(at most 8 rules)</small></h2>"
            + "<p>A connection from the uplink side to the router's address and an external port goes to a host "
            + "on this network. A rule switched off refuses (drops) its packets.</p>{forward.error}"
            + "<div class=scroll><table id=forward-table><thead><tr><th>Protocol</th><th class=n>External port</th>"
            + "<th>Host</th><th class=n>Port</th><th>State</th><th class=n>Flows</th><th class=n>Refused</th><th></th></tr></thead>"
            + "<tbody>{forward.rows}</tbody></table></div>"
            + "<form method=post action=/forwards><input type=hidden name=csrf value=\"{csrf}\"><input type=hidden name=op value=add>"
            + "<div class=cols><div><label for=fprotocol>Protocol</label><select id=fprotocol name=fprotocol>"
            + "<option value=tcp>TCP</option><option value=udp{forward.udpselected}>UDP</option></select></div>"
            + "<div><label for=fexternal>External port</label><input type=number id=fexternal name=fexternal min=1 max=65535 value=\"{forward.inexternal}\" required></div>"
            + "<div><label for=fhost>LAN host</label><input id=fhost name=fhost value=\"{forward.inhost}\" maxlength=15 required></div>"
            + "<div><label for=fport>Port on the host</label><input type=number id=fport name=fport min=1 max=65535 value=\"{forward.inport}\" required></div></div>"
            + "<label class=check><input type=checkbox name=fenabled value=1 checked> Switched on</label>"
            + "<button id=add-forward>Add rule</button></form></section>";

        /// <summary>One rule.</summary>
        public const string Row =
            "<tr id=\"forward-{forward.index}\"><td>{forward.protocol}</td><td class=n>{forward.external}</td><td>{forward.host}</td>"
            + "<td class=n>{forward.port}</td><td><span class=\"pill {forward.class}\">{forward.state}</span></td>"
            + "<td class=n>{forward.flows}</td><td class=n>{forward.refused}</td>"
            + "<td><form method=post action=/forwards class=inline><input type=hidden name=csrf value=\"{csrf}\">"
            + "<input type=hidden name=index value=\"{forward.index}\">"
            + "<button name=op value=toggle id=\"toggle-forward-{forward.index}\" class=secondary>{forward.action}</button> "
            + "<button name=op value=delete id=\"delete-forward-{forward.index}\" class=danger>Delete</button></form></td></tr>";
    }
}
