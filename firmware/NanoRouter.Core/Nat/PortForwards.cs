namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// A list of port-forwarding rules: a packet from the WAN to the router's WAN address and
    /// <see cref="ExternalPort"/> (TCP or UDP) goes to <see cref="Host"/>:<see cref="Port"/> on the LAN.
    /// A fixed table of <see cref="Capacity"/> rules as primitive arrays; nothing allocates after
    /// construction but <see cref="Validate"/>'s message. Used three ways: in the settings (saved),
    /// as the admin's pending list, and as the engine's rules in force.
    /// <para>
    /// The NAT port range: a rule may take any external port but the router's own (UDP 67 and 68,
    /// and the ports from 1024 up that lie outside <see cref="NatOptions.PortRangeStart"/> to
    /// <see cref="NatOptions.PortRangeEnd"/>, which the router's own stack uses) and the VPN
    /// passthrough ports (UDP 500, 4500, 1701). The NAT's port allocator skips every rule's external
    /// port (enabled or not), so a rule never collides with a new mapping; it is refused only while a
    /// live mapping of another LAN host or port already holds its port (see NatEngine.CheckForwards).
    /// </para>
    /// </summary>
    public sealed class PortForwards
    {
        /// <summary>How many rules the table holds.</summary>
        public const int Capacity = 8;

        /// <summary>The IPv4 protocol number of each rule: 6 (TCP) or 17 (UDP).</summary>
        public readonly byte[] Protocol = new byte[Capacity];

        /// <summary>The router's WAN port each rule listens on.</summary>
        public readonly ushort[] ExternalPort = new ushort[Capacity];

        /// <summary>The LAN host each rule forwards to (big-endian address).</summary>
        public readonly uint[] Host = new uint[Capacity];

        /// <summary>The port on the LAN host.</summary>
        public readonly ushort[] Port = new ushort[Capacity];

        /// <summary>Whether each rule is switched on (off: its packets are dropped and counted).</summary>
        public readonly bool[] Enabled = new bool[Capacity];

        private int _count;

        /// <summary>How many rules there are (the first Count entries of each array).</summary>
        public int Count => _count;

        /// <summary>Removes every rule.</summary>
        public void Clear()
        {
            _count = 0;
            for (int i = 0; i < Capacity; i++)
            {
                Protocol[i] = 0;
                ExternalPort[i] = 0;
                Host[i] = 0;
                Port[i] = 0;
                Enabled[i] = false;
            }
        }

        /// <summary>Appends a rule (unchecked: see <see cref="Validate"/>).</summary>
        /// <returns>False when the table is full.</returns>
        public bool Add(byte protocol, int externalPort, uint host, int port, bool enabled)
        {
            if (_count >= Capacity)
            {
                return false;
            }

            Protocol[_count] = protocol;
            ExternalPort[_count] = (ushort)externalPort;
            Host[_count] = host;
            Port[_count] = (ushort)port;
            Enabled[_count] = enabled;
            _count++;
            return true;
        }

        /// <summary>Removes rule <paramref name="index"/>; the later ones move up.</summary>
        public void RemoveAt(int index)
        {
            if ((uint)index >= (uint)_count)
            {
                return;
            }

            for (int i = index; i + 1 < _count; i++)
            {
                Protocol[i] = Protocol[i + 1];
                ExternalPort[i] = ExternalPort[i + 1];
                Host[i] = Host[i + 1];
                Port[i] = Port[i + 1];
                Enabled[i] = Enabled[i + 1];
            }

            _count--;
            Protocol[_count] = 0;
            ExternalPort[_count] = 0;
            Host[_count] = 0;
            Port[_count] = 0;
            Enabled[_count] = false;
        }

        /// <summary>Copies every rule from another list.</summary>
        public void CopyFrom(PortForwards other)
        {
            for (int i = 0; i < Capacity; i++)
            {
                Protocol[i] = other.Protocol[i];
                ExternalPort[i] = other.ExternalPort[i];
                Host[i] = other.Host[i];
                Port[i] = other.Port[i];
                Enabled[i] = other.Enabled[i];
            }

            _count = other._count;
        }

        /// <summary>Whether rule <paramref name="index"/> is the same rule (protocol, ports, host, switch) as <paramref name="otherIndex"/> of <paramref name="other"/>.</summary>
        public bool SameRule(int index, PortForwards other, int otherIndex)
        {
            return Protocol[index] == other.Protocol[otherIndex] && ExternalPort[index] == other.ExternalPort[otherIndex]
                && Host[index] == other.Host[otherIndex] && Port[index] == other.Port[otherIndex] && Enabled[index] == other.Enabled[otherIndex];
        }

        /// <summary>Whether rule <paramref name="index"/> forwards the same port to the same place as
        /// <paramref name="otherIndex"/> of <paramref name="other"/>, switched on or not (its counters carry over).</summary>
        public bool SameTarget(int index, PortForwards other, int otherIndex)
        {
            return Protocol[index] == other.Protocol[otherIndex] && ExternalPort[index] == other.ExternalPort[otherIndex]
                && Host[index] == other.Host[otherIndex] && Port[index] == other.Port[otherIndex];
        }

        /// <summary>The JSON and form name of a rule's protocol: "tcp" or "udp".</summary>
        public static string ProtocolName(byte protocol) => protocol == ProtocolUdp ? "udp" : "tcp";

        /// <summary>TCP's IPv4 protocol number.</summary>
        public const byte ProtocolTcp = 6;

        /// <summary>UDP's IPv4 protocol number.</summary>
        public const byte ProtocolUdp = 17;

        /// <summary>
        /// Checks the rules against the router's LAN and port ranges: each a TCP or UDP rule with ports
        /// 1-65535, to a host of the LAN subnet (not its network, broadcast or router address), on an
        /// external port that is not the router's own or a VPN passthrough port, and no two rules on
        /// the same protocol and external port.
        /// </summary>
        /// <param name="options">The engine's options (LAN address and prefix, NAT port range).</param>
        /// <param name="badRule">The first rule at fault, or -1.</param>
        /// <returns>Null when every rule is acceptable, else one sentence that says what is wrong.</returns>
        public string Validate(NatOptions options, out int badRule)
        {
            uint mask = 0xFFFFFFFFu << (32 - options.LanPrefixLength);
            uint network = options.LanAddress & mask;
            for (int i = 0; i < _count; i++)
            {
                badRule = i;
                byte protocol = Protocol[i];
                int external = ExternalPort[i];
                uint host = Host[i];
                if (protocol != ProtocolTcp && protocol != ProtocolUdp)
                {
                    return "The protocol must be tcp or udp.";
                }

                if (external == 0 || Port[i] == 0)
                {
                    return "Ports must be from 1 to 65535.";
                }

                if ((host & mask) != network || host == options.LanAddress || (host & ~mask) == 0 || (host | mask) == 0xFFFFFFFF)
                {
                    return "The host must be a LAN address (" + AddressText(network) + "/" + options.LanPrefixLength.ToString() + ", not the router's).";
                }

                if (protocol == ProtocolUdp && (external == 67 || external == 68))
                {
                    return "UDP ports 67 and 68 belong to the router (DHCP).";
                }

                if (external >= 1024 && (external < options.PortRangeStart || external > options.PortRangeEnd))
                {
                    return "Port " + external.ToString() + " belongs to the router itself: use a port below 1024 or within the NAT range "
                        + options.PortRangeStart.ToString() + "-" + options.PortRangeEnd.ToString() + ".";
                }

                if (protocol == ProtocolUdp && (IsVpnPort(external) || IsVpnPort(Port[i])))
                {
                    return "UDP ports 500, 4500 and 1701 are kept for VPN passthrough.";
                }

                for (int j = 0; j < i; j++)
                {
                    if (Protocol[j] == protocol && ExternalPort[j] == external)
                    {
                        return "Two rules use " + ProtocolName(protocol) + " port " + external.ToString() + ".";
                    }
                }
            }

            badRule = -1;
            return null;
        }

        /// <summary>Dotted-quad text of a big-endian address.</summary>
        internal static string AddressText(uint address)
        {
            return (address >> 24).ToString() + "." + ((address >> 16) & 0xFF).ToString() + "." + ((address >> 8) & 0xFF).ToString() + "." + (address & 0xFF).ToString();
        }

        private static bool IsVpnPort(int port) => port == 500 || port == 4500 || port == 1701;
    }
}
