namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// The admin pages' markup and style sheet: constant ASCII fragments with {slots} that
    /// <see cref="AdminApp"/> fills through an escaping writer. Pages work without JavaScript
    /// (there is none: the CSP forbids scripts) and stay far below 16 KB with the style sheet.
    /// </summary>
    internal static class AdminPages
    {
        /// <summary>The frame around every page.</summary>
        public const string Layout =
            "<!doctype html><html lang=en><head><meta charset=utf-8>{refresh}"
            + "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
            + "<title>{title} - nanoRouter</title><link rel=stylesheet href=/style.css></head>"
            + "<body><header><span class=brand>nanoRouter</span>{nav}</header>"
            + "<main><h1>{title}</h1>{banner}{content}</main>"
            + "<footer>{hostname} &middot; {lanaddress}</footer></body></html>";

        /// <summary>Navigation for a logged-in session.</summary>
        public const string Nav =
            "<nav>{navlinks}<form method=post action=/logout class=inline>"
            + "<input type=hidden name=csrf value=\"{csrf}\"><button class=link>Log out</button></form></nav>";

        /// <summary>One navigation link.</summary>
        public const string NavLink = "<a href=\"{href}\"{current}>{label}</a>";

        /// <summary>A notice or warning line.</summary>
        public const string Banner = "<p class=\"banner {kind}\" role=status>{message}</p>";

        /// <summary>First boot: choose the admin password.</summary>
        public const string Setup =
            "<p>Welcome. This router has no admin password yet. Choose one now: nothing else can be "
            + "seen or changed until it is set. Then the router asks you to press {presence} on it, "
            + "so that only someone at the router can set it up.</p>"
            + "<form method=post action=/setup class=card><input type=hidden name=csrf value=\"{csrf}\">"
            + "<label for=password>New admin password <small>(at least 8 characters)</small></label>"
            + "<input type=password id=password name=password autocomplete=new-password minlength=8 maxlength=128 required>{error.password}"
            + "<label for=confirm>Repeat it</label>"
            + "<input type=password id=confirm name=confirm autocomplete=new-password required>{error.confirm}"
            + "<button id=set-password>Set password</button></form>";

        /// <summary>First boot, after the password: the owner proves they are at the router.</summary>
        public const string SetupWait =
            "<section class=card><p>To prove that this router is yours, press <b>{presence}</b> on the router "
            + "now, once and briefly (half a second; held for 5 seconds it would erase the router).</p>"
            + "<p>This page goes on by itself once the router has seen the press; it waits two minutes.</p>"
            + "<p><a class=button href=/setup id=pressed>I pressed it</a></p></section>";

        /// <summary>Log in.</summary>
        public const string Login =
            "<form method=post action=/login class=card><input type=hidden name=csrf value=\"{csrf}\">"
            + "<label for=password>Admin password</label>"
            + "<input type=password id=password name=password autocomplete=current-password required autofocus>{error.password}"
            + "<button id=login>Log in</button></form>";

        /// <summary>The status page.</summary>
        public const string Status =
            "<div class=grid>"
            + "<section class=card><h2>Uplink</h2><dl>"
            + "<dt>Network</dt><dd id=uplink-ssid>{uplink.ssid}</dd>"
            + "<dt>State</dt><dd>{uplink.state}</dd>"
            + "<dt>Address</dt><dd id=uplink-address>{uplink.address}</dd>"
            + "<dt>Signal</dt><dd>{uplink.signal}</dd></dl>{wifi.notice}</section>"
            + "<section class=card><h2>NAT table</h2>"
            + "<p class=big><span id=nat-active>{nat.active}</span> <small>of {nat.capacity} entries in use</small></p>"
            + "<progress max=\"{nat.capacity}\" value=\"{nat.active}\"></progress>"
            + "<p>Dropped packets: <span id=nat-drops>{nat.drops}</span></p>{nat.dropreasons}</section>"
            + "<section class=card><h2>Clients <small>({clients.count})</small></h2>{clients}</section>"
            + "</div>"
            + "<section class=card><h2>VPN passthrough</h2><div class=scroll><table id=passthrough>"
            + "<thead><tr><th>Rule</th><th>State</th><th class=n>Out</th><th class=n>In</th><th class=n>Drops</th><th class=n>Mappings</th></tr></thead>"
            + "<tbody>{passthrough.rows}</tbody></table></div>"
            + "<p><a href=/passthrough>Switch rules on or off</a> &middot; <a href=/vpn id=vpn-link>VPN sessions and problems</a></p></section>";

        /// <summary>One passthrough row on the status page.</summary>
        public const string StatusRow =
            "<tr id=\"row-{rule.key}\"><td>{rule.name}</td><td><span class=\"pill {rule.class}\">{rule.state}</span></td>"
            + "<td class=n>{rule.out}</td><td class=n>{rule.in}</td><td class=n>{rule.drops}</td><td class=n>{rule.mappings}</td></tr>";

        /// <summary>The client list.</summary>
        public const string ClientTable = "<table class=small><thead><tr><th>Address</th><th>MAC</th><th>NAT entries</th></tr></thead><tbody>{client.rows}</tbody></table>";

        /// <summary>One client row.</summary>
        public const string ClientRow = "<tr><td>{client.address}</td><td class=mono>{client.mac}</td><td class=n>{client.entries}</td></tr>";

        /// <summary>The passthrough switches.</summary>
        public const string Passthrough =
            "<p>Each rule lets one kind of VPN traffic through the router. Switched off, its packets are "
            + "dropped (and counted). Changes apply at once and are saved.</p>"
            + "<section class=card><table class=switches>{switch.rows}</table></section>";

        /// <summary>One passthrough switch.</summary>
        public const string SwitchRow =
            "<tr id=\"switch-{rule.key}\"><td><b>{rule.name}</b><br><small>{rule.purpose}</small></td>"
            + "<td><span class=\"pill {rule.class}\">{rule.state}</span></td>"
            + "<td><form method=post action=/passthrough><input type=hidden name=csrf value=\"{csrf}\">"
            + "<input type=hidden name=\"{rule.key}\" value=\"{rule.next}\">"
            + "<button id=\"toggle-{rule.key}\" class=\"{rule.buttonclass}\">{rule.action}</button></form></td></tr>";

        /// <summary>The settings page.</summary>
        public const string Settings =
            "<form method=post action=/settings class=card><input type=hidden name=csrf value=\"{csrf}\">"
            + "<h2>Uplink Wi-Fi</h2>"
            + "<label for=uplinkssid>Network name (SSID)</label>"
            + "<input id=uplinkssid name=uplinkssid value=\"{value.uplinkssid}\" maxlength=31>{error.uplinkssid}"
            + "<label for=uplinkpassword>Password <small>{hint.uplinkpassword}</small></label>"
            + "<input type=password id=uplinkpassword name=uplinkpassword autocomplete=off placeholder=unchanged maxlength=63>{error.uplinkpassword}"
            + "<label class=check><input type=checkbox name=uplinkopen value=1> Open network (no password)</label>"
            + "<h2>Access point</h2>"
            + "<label for=apssid>Network name (SSID)</label>"
            + "<input id=apssid name=apssid value=\"{value.apssid}\" maxlength=31 required>{error.apssid}"
            + "<label for=appassword>Password <small>{hint.appassword}</small></label>"
            + "<input type=password id=appassword name=appassword autocomplete=new-password placeholder=unchanged maxlength=63>{error.appassword}"
            + "<label for=apchannel>Channel <small>(1-13, while no uplink is joined: the ESP32 has one radio, so with an uplink the access point uses the uplink's channel)</small></label>"
            + "<input type=number id=apchannel name=apchannel value=\"{value.apchannel}\" min=1 max=13>{error.apchannel}"
            + "<label for=hostname>Router name <small>(for the address bar)</small></label>"
            + "<input id=hostname name=hostname value=\"{value.hostname}\" maxlength=63>{error.hostname}"
            + "<h2>NAT</h2><div class=cols>"
            + "<div><label for=udptimeout>UDP timeout <small>(s, 120-86400)</small></label>"
            + "<input type=number id=udptimeout name=udptimeout value=\"{value.udptimeout}\">{error.udptimeout}</div>"
            + "<div><label for=tcpestablished>TCP established <small>(s, 7440-604800)</small></label>"
            + "<input type=number id=tcpestablished name=tcpestablished value=\"{value.tcpestablished}\">{error.tcpestablished}</div>"
            + "<div><label for=tcptransitory>TCP opening/closing <small>(s, 240-7440)</small></label>"
            + "<input type=number id=tcptransitory name=tcptransitory value=\"{value.tcptransitory}\">{error.tcptransitory}</div>"
            + "<div><label for=icmptimeout>ICMP timeout <small>(s, 60-3600)</small></label>"
            + "<input type=number id=icmptimeout name=icmptimeout value=\"{value.icmptimeout}\">{error.icmptimeout}</div>"
            + "<div><label for=mssclamp>TCP MSS clamp <small>(0 = off, or 536-1460)</small></label>"
            + "<input type=number id=mssclamp name=mssclamp value=\"{value.mssclamp}\">{error.mssclamp}</div></div>"
            + "<button id=save-settings>Save settings</button></form>{forward.section}"
            + "<form method=post action=/password class=card><input type=hidden name=csrf value=\"{csrf}\">"
            + "<h2>Admin password</h2>"
            + "<label for=current>Current password</label>"
            + "<input type=password id=current name=current autocomplete=current-password required>{error.current}"
            + "<label for=newpassword>New password <small>(at least 8 characters)</small></label>"
            + "<input type=password id=newpassword name=newpassword autocomplete=new-password minlength=8 maxlength=128 required>{error.newpassword}"
            + "<label for=confirm>Repeat the new password</label>"
            + "<input type=password id=confirm name=confirm autocomplete=new-password required>{error.confirm}"
            + "<button id=change-password>Change password</button></form>";

        /// <summary>A validation message next to a field.</summary>
        public const string FieldError = "<span class=error role=alert>{message}</span>";

        /// <summary>Reboot and factory reset.</summary>
        public const string System =
            "<section class=card><h2>Reboot</h2><p>Restarts the router. Clients lose their connection for "
            + "a little while.</p><p><a class=button href=/reboot id=reboot>Reboot&hellip;</a></p></section>"
            + "<section class=card><h2>Factory reset</h2><p>Erases every setting, including the admin password "
            + "and both Wi-Fi networks, then restarts.</p><p><a class=\"button danger\" href=/reset id=reset>Factory reset&hellip;</a></p></section>"
            + "<section class=card><h2>Saved settings</h2><p>{settings.state}</p></section>";

        /// <summary>A confirmation step.</summary>
        public const string Confirm =
            "<section class=card><p>{question}</p><form method=post action=\"{action}\">"
            + "<input type=hidden name=csrf value=\"{csrf}\"><input type=hidden name=confirm value=yes>"
            + "<button id=confirm class=danger>{button}</button> <a class=button href=/system>Cancel</a></form></section>";

        /// <summary>A page with one message.</summary>
        public const string Message = "<section class=card><p>{message}</p><p>{link}</p></section>";

        /// <summary>The style sheet (served at /style.css).</summary>
        public const string StyleSheet =
            "*{box-sizing:border-box}"
            + "body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#1d2733;background:#f3f5f8}"
            + "header{display:flex;flex-wrap:wrap;align-items:center;gap:.5em 1.5em;padding:.7em 1.5em;background:#17324d;color:#fff}"
            + ".brand{font-weight:700;font-size:1.1em;letter-spacing:.02em}"
            + "nav{display:flex;flex-wrap:wrap;align-items:center;gap:.2em 1.1em}"
            + "nav a,button.link{color:#cfe0f1;text-decoration:none;background:none;border:0;padding:0;font:inherit;cursor:pointer;margin:0}"
            + "nav a[aria-current]{color:#fff;border-bottom:2px solid #6fb1ff}"
            + "main{max-width:60em;margin:0 auto;padding:1em 1.5em 2em}"
            + "h1{font-size:1.5em;margin:.4em 0 .6em}h2{font-size:1.05em;margin:0 0 .6em}"
            + "h2 small,label small{color:#5b6875;font-weight:400}"
            + ".card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:1em 1.2em;margin:0 0 1em}"
            + ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(16em,1fr));gap:0 1em}"
            + ".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(13em,1fr));gap:0 1em}"
            + "dl{display:grid;grid-template-columns:auto 1fr;gap:.2em 1em;margin:0}dt{color:#5b6875}dd{margin:0;overflow-wrap:anywhere}"
            + "table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.45em .5em;border-bottom:1px solid #eef1f4;vertical-align:middle}"
            + "th{font-size:.85em;color:#5b6875;font-weight:600}.n{text-align:right;font-variant-numeric:tabular-nums}"
            + ".scroll{overflow-x:auto}.mono{font-family:ui-monospace,monospace}table.small td,table.small th{padding:.35em .3em;font-size:.85em}"
            + ".pill{display:inline-block;min-width:3em;text-align:center;padding:.05em .6em;border-radius:1em;font-size:.85em;font-weight:600}"
            + ".on{background:#dff3e4;color:#17692f}.off{background:#fbe3e3;color:#9b1c1c}"
            + ".big{font-size:1.8em;margin:.1em 0}.big small{font-size:.5em;color:#5b6875}"
            + "progress{width:100%;height:.5em;accent-color:#3b82c4}"
            + "label{display:block;margin:.8em 0 .25em;font-weight:600}label.check{font-weight:400}"
            + "input:not([type=checkbox]){width:100%;max-width:28em;padding:.45em .6em;border:1px solid #b9c3cd;border-radius:5px;font:inherit}"
            + "button,.button{display:inline-block;margin-top:1em;padding:.45em 1.1em;border:0;border-radius:5px;background:#1f6fb8;color:#fff;font:inherit;text-decoration:none;cursor:pointer}"
            + "td button{margin:0;min-width:7em}button.secondary{background:#5b6875}.danger{background:#b42318}"
            + ".error{display:block;color:#b42318;font-size:.9em;margin-top:.2em}"
            + ".banner{padding:.6em .9em;border-radius:6px;border:1px solid}"
            + ".banner.warn{background:#fff6e0;border-color:#f0c36d}.banner.ok{background:#e8f6ec;border-color:#9fd4ad}"
            + "form.inline{display:inline;margin:0}"
            + "tr.has-problem td{border-bottom:0}tr.problem td{background:#fff6e0}"
            + "footer{text-align:center;color:#8592a0;font-size:.85em;padding:0 0 1.5em}";
    }
}
