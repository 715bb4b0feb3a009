namespace NanoRouter.Core.Nat
{
    /// <summary>Why a packet was dropped. Every drop is counted under one of these.</summary>
    public enum DropReason : byte
    {
        /// <summary>Not dropped.</summary>
        None = 0,

        /// <summary>Not a well-formed IPv4 packet (lengths, version, header length).</summary>
        Malformed = 1,

        /// <summary>A transport header that does not fit or does not parse.</summary>
        MalformedTransport = 2,

        /// <summary>From the LAN with a source outside the LAN subnet.</summary>
        Spoofed = 3,

        /// <summary>From the WAN and matching no mapping (unsolicited).</summary>
        NoMapping = 4,

        /// <summary>Matches a mapping's port but not the remote it talks to (address-dependent filtering).</summary>
        Filtered = 5,

        /// <summary>No free entry and nothing that may be evicted for this host.</summary>
        TableFull = 6,

        /// <summary>The LAN host is at its quota and has nothing of its own to evict.</summary>
        QuotaExceeded = 7,

        /// <summary>No external port or identifier could be allocated.</summary>
        PortsExhausted = 8,

        /// <summary>A passthrough rule that is switched off.</summary>
        PassthroughOff = 9,

        /// <summary>Inbound ESP whose SPI matches nothing.</summary>
        UnknownSpi = 10,

        /// <summary>GRE without a key to a peer already owned by another LAN host.</summary>
        GreOwned = 11,

        /// <summary>A non-first fragment whose first fragment was never seen, or fragment state full.</summary>
        Fragment = 12,

        /// <summary>An ICMP error whose embedded packet matches no mapping.</summary>
        IcmpNoMapping = 13,

        /// <summary>A protocol the router does not forward.</summary>
        UnsupportedProtocol = 14,

        /// <summary>A packet the router will not forward, such as a source of 0.0.0.0, a broadcast from the WAN,
        /// or one that carries IP options (anything but End of Option List and No Operation).</summary>
        Martian = 15,

        /// <summary>The uplink has no address yet: nothing can go out.</summary>
        NoUplink = 16,

        /// <summary>A later fragment held until its first fragment arrives (not lost: released then).</summary>
        FragmentHeld = 17,

        /// <summary>To a port-forwarding rule that is switched off.</summary>
        ForwardOff = 18,
    }

    /// <summary>Names of the drop reasons, as the admin API and page show them.</summary>
    public static class DropReasons
    {
        /// <summary>The highest reason plus one: reasons are 1 to <see cref="Count"/> - 1.</summary>
        public const int Count = (int)DropReason.ForwardOff + 1;

        /// <summary>The reason's JSON key (camelCase), or "unknown".</summary>
        public static string KeyOf(DropReason reason)
        {
            switch (reason)
            {
                case DropReason.Malformed: return "malformed";
                case DropReason.MalformedTransport: return "malformedTransport";
                case DropReason.Spoofed: return "spoofed";
                case DropReason.NoMapping: return "noMapping";
                case DropReason.Filtered: return "filtered";
                case DropReason.TableFull: return "tableFull";
                case DropReason.QuotaExceeded: return "quotaExceeded";
                case DropReason.PortsExhausted: return "portsExhausted";
                case DropReason.PassthroughOff: return "passthroughOff";
                case DropReason.UnknownSpi: return "unknownSpi";
                case DropReason.GreOwned: return "greOwned";
                case DropReason.Fragment: return "fragment";
                case DropReason.IcmpNoMapping: return "icmpNoMapping";
                case DropReason.UnsupportedProtocol: return "unsupportedProtocol";
                case DropReason.Martian: return "martian";
                case DropReason.NoUplink: return "noUplink";
                case DropReason.FragmentHeld: return "fragmentHeld";
                case DropReason.ForwardOff: return "forwardOff";
                default: return "unknown";
            }
        }
    }
}
