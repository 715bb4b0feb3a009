namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// What the NAT engine is built with. Addresses are IPv4 addresses as numbers in network
    /// order read big-endian: 192.168.4.1 is 0xC0A80401.
    /// </summary>
    public sealed class NatOptions
    {
        /// <summary>The router's own LAN (access point) address.</summary>
        public uint LanAddress = 0xC0A80401;

        /// <summary>The LAN prefix length; 24 or longer (the LAN host is one byte).</summary>
        public int LanPrefixLength = 24;

        /// <summary>The router's WAN (uplink) address; 0 until the uplink has one.</summary>
        public uint WanAddress;

        /// <summary>How many NAT entries; fixed for the engine's life. Device default 512.</summary>
        public int Capacity = 512;

        /// <summary>How many ESP mappings, and separately how many plain GRE mappings; 0 means a
        /// sixteenth of the capacity, at least 8.</summary>
        public int TunnelCapacity;

        /// <summary>Fragmented datagrams followed at once (0: 32).</summary>
        public int FragmentDatagrams;

        /// <summary>Later fragments that may wait for their first fragment (0: 4).</summary>
        public int FragmentHeldSlots;

        /// <summary>The largest packet the board's buffers take (0: 1600).</summary>
        public int MaxPacketLength;

        /// <summary>How many entries one LAN host may hold; 0 means a quarter of the capacity.</summary>
        public int HostQuota;

        /// <summary>UDP mapping idle timeout (RFC 4787 REQ-5: at least 120 s; 300 s recommended).</summary>
        public int UdpTimeoutMs = 300000;

        /// <summary>TCP established idle timeout (RFC 5382 REQ-5: at least 2 h 4 min).</summary>
        public int TcpEstablishedTimeoutMs = 7440000;

        /// <summary>TCP transitory (opening or closing) idle timeout (RFC 5382: at least 4 min).</summary>
        public int TcpTransitoryTimeoutMs = 240000;

        /// <summary>ICMP query (echo) idle timeout (RFC 5508 REQ-1: at least 60 s).</summary>
        public int IcmpTimeoutMs = 60000;

        /// <summary>The MSS written into SYNs that carry a larger one; 0 turns clamping off.
        /// Default: a 1500-byte egress MTU minus 40.</summary>
        public int MssClamp = 1460;

        /// <summary>The lowest external port for remapped flows (ports 1024 and up).</summary>
        public int PortRangeStart = 1024;

        /// <summary>The highest external port for remapped flows. Ports above it (up to 65535) belong
        /// to the router's own stack (on the ESP32, lwIP's ephemeral ports start at 49152).</summary>
        public int PortRangeEnd = 65535;
    }
}
