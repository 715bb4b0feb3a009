namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// The admin pages' slot numbers. A <see cref="Template"/> turns each {name} of its text into
    /// one of these when it is built (once, at start-up), so rendering switches on a number instead
    /// of comparing strings, and no slot name stays on the heap. The field slots {value.FIELD} and
    /// {error.FIELD} are <see cref="ValueBase"/> or <see cref="ErrorBase"/> plus the field's index
    /// in the admin app's field list.
    /// </summary>
    internal static class Slot
    {
        /// <summary>{action}</summary>
        public const int Action = 0;

        /// <summary>{banner}</summary>
        public const int Banner = 1;

        /// <summary>{button}</summary>
        public const int Button = 2;

        /// <summary>{client.address}</summary>
        public const int ClientAddress = 3;

        /// <summary>{client.entries}</summary>
        public const int ClientEntries = 4;

        /// <summary>{client.mac}</summary>
        public const int ClientMac = 5;

        /// <summary>{client.rows}</summary>
        public const int ClientRows = 6;

        /// <summary>{clients}</summary>
        public const int Clients = 7;

        /// <summary>{clients.count}</summary>
        public const int ClientsCount = 8;

        /// <summary>{content}</summary>
        public const int Content = 9;

        /// <summary>{csrf}</summary>
        public const int Csrf = 10;

        /// <summary>{current}</summary>
        public const int Current = 11;

        /// <summary>{hint.appassword}</summary>
        public const int HintAppassword = 12;

        /// <summary>{hint.uplinkpassword}</summary>
        public const int HintUplinkpassword = 13;

        /// <summary>{hostname}</summary>
        public const int Hostname = 14;

        /// <summary>{href}</summary>
        public const int Href = 15;

        /// <summary>{kind}</summary>
        public const int Kind = 16;

        /// <summary>{label}</summary>
        public const int Label = 17;

        /// <summary>{lanaddress}</summary>
        public const int Lanaddress = 18;

        /// <summary>{link}</summary>
        public const int Link = 19;

        /// <summary>{message}</summary>
        public const int Message = 20;

        /// <summary>{nat.active}</summary>
        public const int NatActive = 21;

        /// <summary>{nat.capacity}</summary>
        public const int NatCapacity = 22;

        /// <summary>{nat.dropreasons}</summary>
        public const int NatDropreasons = 23;

        /// <summary>{nat.drops}</summary>
        public const int NatDrops = 24;

        /// <summary>{nav}</summary>
        public const int Nav = 25;

        /// <summary>{navlinks}</summary>
        public const int Navlinks = 26;

        /// <summary>{passthrough.rows}</summary>
        public const int PassthroughRows = 27;

        /// <summary>{question}</summary>
        public const int Question = 28;

        /// <summary>{rule.action}</summary>
        public const int RuleAction = 29;

        /// <summary>{rule.buttonclass}</summary>
        public const int RuleButtonclass = 30;

        /// <summary>{rule.class}</summary>
        public const int RuleClass = 31;

        /// <summary>{rule.drops}</summary>
        public const int RuleDrops = 32;

        /// <summary>{rule.in}</summary>
        public const int RuleIn = 33;

        /// <summary>{rule.key}</summary>
        public const int RuleKey = 34;

        /// <summary>{rule.mappings}</summary>
        public const int RuleMappings = 35;

        /// <summary>{rule.name}</summary>
        public const int RuleName = 36;

        /// <summary>{rule.next}</summary>
        public const int RuleNext = 37;

        /// <summary>{rule.out}</summary>
        public const int RuleOut = 38;

        /// <summary>{rule.purpose}</summary>
        public const int RulePurpose = 39;

        /// <summary>{rule.state}</summary>
        public const int RuleState = 40;

        /// <summary>{settings.state}</summary>
        public const int SettingsState = 41;

        /// <summary>{switch.rows}</summary>
        public const int SwitchRows = 42;

        /// <summary>{title}</summary>
        public const int Title = 43;

        /// <summary>{uplink.address}</summary>
        public const int UplinkAddress = 44;

        /// <summary>{uplink.signal}</summary>
        public const int UplinkSignal = 45;

        /// <summary>{uplink.ssid}</summary>
        public const int UplinkSsid = 46;

        /// <summary>{uplink.state}</summary>
        public const int UplinkState = 47;

        /// <summary>{wifi.notice}</summary>
        public const int WifiNotice = 48;

        /// <summary>{presence}</summary>
        public const int Presence = 49;

        /// <summary>{refresh}</summary>
        public const int Refresh = 50;

        /// <summary>The first {value.FIELD} slot.</summary>
        public const int ValueBase = 51;

        /// <summary>The first {error.FIELD} slot.</summary>
        public const int ErrorBase = ValueBase + MaxFields;

        /// <summary>The first slot of the port-forwarding section (issue 14), after the VPN page's.</summary>
        public const int ForwardBase = VpnBase + 16;

        /// <summary>{forward.section}</summary>
        public const int ForwardSection = ForwardBase + 0;

        /// <summary>{forward.rows}</summary>
        public const int ForwardRows = ForwardBase + 1;

        /// <summary>{forward.index}</summary>
        public const int ForwardIndex = ForwardBase + 2;

        /// <summary>{forward.protocol}</summary>
        public const int ForwardProtocol = ForwardBase + 3;

        /// <summary>{forward.external}</summary>
        public const int ForwardExternal = ForwardBase + 4;

        /// <summary>{forward.host}</summary>
        public const int ForwardHost = ForwardBase + 5;

        /// <summary>{forward.port}</summary>
        public const int ForwardPort = ForwardBase + 6;

        /// <summary>{forward.state}</summary>
        public const int ForwardState = ForwardBase + 7;

        /// <summary>{forward.class}</summary>
        public const int ForwardClass = ForwardBase + 8;

        /// <summary>{forward.flows}</summary>
        public const int ForwardFlows = ForwardBase + 9;

        /// <summary>{forward.refused}</summary>
        public const int ForwardRefused = ForwardBase + 10;

        /// <summary>{forward.action}</summary>
        public const int ForwardAction = ForwardBase + 11;

        /// <summary>{forward.error}</summary>
        public const int ForwardError = ForwardBase + 12;

        /// <summary>{forward.inexternal}</summary>
        public const int ForwardInexternal = ForwardBase + 13;

        /// <summary>{forward.inhost}</summary>
        public const int ForwardInhost = ForwardBase + 14;

        /// <summary>{forward.inport}</summary>
        public const int ForwardInport = ForwardBase + 15;

        /// <summary>{forward.udpselected}</summary>
        public const int ForwardUdpselected = ForwardBase + 16;

        /// <summary>The first slot of the VPN page (issue 14), kept apart from the rest.</summary>
        public const int VpnBase = ErrorBase + MaxFields;

        /// <summary>{vpn.rows}</summary>
        public const int VpnRows = VpnBase;

        /// <summary>{vpn.index}</summary>
        public const int VpnIndex = VpnBase + 1;

        /// <summary>{vpn.client}</summary>
        public const int VpnClient = VpnBase + 2;

        /// <summary>{vpn.protocol}</summary>
        public const int VpnProtocol = VpnBase + 3;

        /// <summary>{vpn.server}</summary>
        public const int VpnServer = VpnBase + 4;

        /// <summary>{vpn.state}</summary>
        public const int VpnState = VpnBase + 5;

        /// <summary>{vpn.detail}</summary>
        public const int VpnDetail = VpnBase + 6;

        /// <summary>{vpn.out}</summary>
        public const int VpnOut = VpnBase + 7;

        /// <summary>{vpn.in}</summary>
        public const int VpnIn = VpnBase + 8;

        /// <summary>{vpn.lastseen}</summary>
        public const int VpnLastSeen = VpnBase + 9;

        /// <summary>{vpn.port}</summary>
        public const int VpnPort = VpnBase + 10;

        /// <summary>{vpn.problemrow}</summary>
        public const int VpnProblemRow = VpnBase + 11;

        /// <summary>{vpn.problem}</summary>
        public const int VpnProblem = VpnBase + 12;

        /// <summary>{vpn.hint}</summary>
        public const int VpnHint = VpnBase + 13;

        /// <summary>{vpn.class}</summary>
        public const int VpnClass = VpnBase + 14;

        /// <summary>How many slot numbers there are.</summary>
        public const int Count = ForwardBase + 17;

        /// <summary>The most form fields.</summary>
        public const int MaxFields = 32;

        /// <summary>Every slot's name by number (null where unused), to build the templates with;
        /// made once, at start-up, and dropped once they are built.</summary>
        public static string[] Names(string[] fields)
        {
            string[] names = new string[Count];
            names[Action] = "action";
            names[Banner] = "banner";
            names[Button] = "button";
            names[ClientAddress] = "client.address";
            names[ClientEntries] = "client.entries";
            names[ClientMac] = "client.mac";
            names[ClientRows] = "client.rows";
            names[Clients] = "clients";
            names[ClientsCount] = "clients.count";
            names[Content] = "content";
            names[Csrf] = "csrf";
            names[Current] = "current";
            names[HintAppassword] = "hint.appassword";
            names[HintUplinkpassword] = "hint.uplinkpassword";
            names[Hostname] = "hostname";
            names[Href] = "href";
            names[Kind] = "kind";
            names[Label] = "label";
            names[Lanaddress] = "lanaddress";
            names[Link] = "link";
            names[Message] = "message";
            names[NatActive] = "nat.active";
            names[NatCapacity] = "nat.capacity";
            names[NatDropreasons] = "nat.dropreasons";
            names[NatDrops] = "nat.drops";
            names[Nav] = "nav";
            names[Navlinks] = "navlinks";
            names[PassthroughRows] = "passthrough.rows";
            names[Question] = "question";
            names[RuleAction] = "rule.action";
            names[RuleButtonclass] = "rule.buttonclass";
            names[RuleClass] = "rule.class";
            names[RuleDrops] = "rule.drops";
            names[RuleIn] = "rule.in";
            names[RuleKey] = "rule.key";
            names[RuleMappings] = "rule.mappings";
            names[RuleName] = "rule.name";
            names[RuleNext] = "rule.next";
            names[RuleOut] = "rule.out";
            names[RulePurpose] = "rule.purpose";
            names[RuleState] = "rule.state";
            names[SettingsState] = "settings.state";
            names[SwitchRows] = "switch.rows";
            names[Title] = "title";
            names[UplinkAddress] = "uplink.address";
            names[UplinkSignal] = "uplink.signal";
            names[UplinkSsid] = "uplink.ssid";
            names[UplinkState] = "uplink.state";
            names[WifiNotice] = "wifi.notice";
            names[Presence] = "presence";
            names[Refresh] = "refresh";
            names[ForwardSection] = "forward.section";
            names[ForwardRows] = "forward.rows";
            names[ForwardIndex] = "forward.index";
            names[ForwardProtocol] = "forward.protocol";
            names[ForwardExternal] = "forward.external";
            names[ForwardHost] = "forward.host";
            names[ForwardPort] = "forward.port";
            names[ForwardState] = "forward.state";
            names[ForwardClass] = "forward.class";
            names[ForwardFlows] = "forward.flows";
            names[ForwardRefused] = "forward.refused";
            names[ForwardAction] = "forward.action";
            names[ForwardError] = "forward.error";
            names[ForwardInexternal] = "forward.inexternal";
            names[ForwardInhost] = "forward.inhost";
            names[ForwardInport] = "forward.inport";
            names[ForwardUdpselected] = "forward.udpselected";
            names[VpnRows] = "vpn.rows";
            names[VpnIndex] = "vpn.index";
            names[VpnClient] = "vpn.client";
            names[VpnProtocol] = "vpn.protocol";
            names[VpnServer] = "vpn.server";
            names[VpnState] = "vpn.state";
            names[VpnDetail] = "vpn.detail";
            names[VpnOut] = "vpn.out";
            names[VpnIn] = "vpn.in";
            names[VpnLastSeen] = "vpn.lastseen";
            names[VpnPort] = "vpn.port";
            names[VpnProblemRow] = "vpn.problemrow";
            names[VpnProblem] = "vpn.problem";
            names[VpnHint] = "vpn.hint";
            names[VpnClass] = "vpn.class";
            for (int f = 0; f < fields.Length; f++)
            {
                names[ValueBase + f] = "value." + fields[f];
                names[ErrorBase + f] = "error." + fields[f];
            }

            return names;
        }
    }
}
