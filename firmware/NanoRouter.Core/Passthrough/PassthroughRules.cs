namespace NanoRouter.Core.Passthrough
{
    /// <summary>
    /// The passthrough switches and their counters. Everything is a primitive array indexed by
    /// <see cref="PassthroughProtocol"/>; nothing allocates after construction.
    /// </summary>
    public sealed class PassthroughRules
    {
        /// <summary>How many rules there are.</summary>
        public const int Count = 6;

        private static readonly string[] s_keys = new string[] { "esp", "ike", "natt", "l2tp", "pptp", "gre" };

        private readonly bool[] _enabled = new bool[Count];
        private readonly int[] _packetsOut = new int[Count];
        private readonly int[] _packetsIn = new int[Count];
        private readonly int[] _drops = new int[Count];
        private readonly int[] _mappings = new int[Count];
        private int _version;

        /// <summary>Creates the rules, all switched on.</summary>
        public PassthroughRules()
        {
            for (int i = 0; i < Count; i++)
            {
                _enabled[i] = true;
            }
        }

        /// <summary>The switches, indexed by protocol (the engine's packet path reads them directly).</summary>
        internal bool[] EnabledFlags => _enabled;

        /// <summary>The outbound packet counters, indexed by protocol.</summary>
        internal int[] OutCounters => _packetsOut;

        /// <summary>The inbound packet counters, indexed by protocol.</summary>
        internal int[] InCounters => _packetsIn;

        /// <summary>Bumped whenever a switch changes, so the engine can flush that protocol's mappings.</summary>
        public int Version => _version;

        /// <summary>The JSON and form key of a rule: esp, ike, natt, l2tp, pptp, gre.</summary>
        public static string KeyOf(PassthroughProtocol protocol) => s_keys[(int)protocol];

        /// <summary>Finds a rule by its key.</summary>
        /// <returns>False when the key names no rule.</returns>
        public static bool TryParseKey(string key, out PassthroughProtocol protocol)
        {
            for (int i = 0; i < Count; i++)
            {
                if (s_keys[i] == key)
                {
                    protocol = (PassthroughProtocol)i;
                    return true;
                }
            }

            protocol = PassthroughProtocol.Esp;
            return false;
        }

        /// <summary>Whether the rule lets its packets through.</summary>
        public bool IsEnabled(PassthroughProtocol protocol) => _enabled[(int)protocol];

        /// <summary>Switches a rule. Switching off drops (and counts) its packets from now on.</summary>
        public void SetEnabled(PassthroughProtocol protocol, bool enabled)
        {
            if (_enabled[(int)protocol] != enabled)
            {
                _enabled[(int)protocol] = enabled;
                _version++;
            }
        }

        /// <summary>Packets sent from the LAN to the WAN under this rule.</summary>
        public int PacketsOut(PassthroughProtocol protocol) => _packetsOut[(int)protocol];

        /// <summary>Packets received from the WAN for the LAN under this rule.</summary>
        public int PacketsIn(PassthroughProtocol protocol) => _packetsIn[(int)protocol];

        /// <summary>Packets of this rule dropped (switched off, unknown SPI, owned peer, ...).</summary>
        public int Drops(PassthroughProtocol protocol) => _drops[(int)protocol];

        /// <summary>Active mappings of this rule.</summary>
        public int Mappings(PassthroughProtocol protocol) => _mappings[(int)protocol];

        /// <summary>Counts one outbound packet.</summary>
        public void CountOut(PassthroughProtocol protocol) => _packetsOut[(int)protocol]++;

        /// <summary>Counts one inbound packet.</summary>
        public void CountIn(PassthroughProtocol protocol) => _packetsIn[(int)protocol]++;

        /// <summary>Adds packets forwarded elsewhere under this rule (the native flow path's counts).</summary>
        public void AddPackets(PassthroughProtocol protocol, int packetsOut, int packetsIn)
        {
            _packetsOut[(int)protocol] += packetsOut;
            _packetsIn[(int)protocol] += packetsIn;
        }

        /// <summary>Counts one drop.</summary>
        public void CountDrop(PassthroughProtocol protocol) => _drops[(int)protocol]++;

        /// <summary>Sets the number of active mappings (the engine keeps it current).</summary>
        public void SetMappings(PassthroughProtocol protocol, int mappings) => _mappings[(int)protocol] = mappings;

        /// <summary>Adds to the number of active mappings.</summary>
        public void AddMappings(PassthroughProtocol protocol, int delta) => _mappings[(int)protocol] += delta;
    }
}
