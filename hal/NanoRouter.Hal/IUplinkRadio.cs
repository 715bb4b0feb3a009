namespace NanoRouter.Hal
{
    /// <summary>How a join attempt ended.</summary>
    public enum UplinkJoinResult : byte
    {
        /// <summary>Associated with the network; an address follows from its DHCP server.</summary>
        Joined = 0,

        /// <summary>No network of that name answered.</summary>
        NotFound = 1,

        /// <summary>The network refused the passphrase.</summary>
        Refused = 2,

        /// <summary>The radio gave up without saying why, or timed out.</summary>
        Failed = 3,

        /// <summary>The Wi-Fi API refused the name or passphrase itself (nothing was tried).</summary>
        Invalid = 4,
    }

    /// <summary>
    /// The board's Wi-Fi station, the uplink. Called on the uplink thread only
    /// (<c>UplinkSupervisor</c>); every read is fresh, never a value cached at start-up.
    /// </summary>
    public interface IUplinkRadio
    {
        /// <summary>Joins a network (an empty passphrase means an open one). Blocks until the radio
        /// answers; on the ESP32 at most about 20 s.</summary>
        UplinkJoinResult Join(byte[] ssid, int ssidLength, byte[] passphrase, int passphraseLength);

        /// <summary>Leaves the network, and stops the radio from rejoining on its own.</summary>
        void Leave();

        /// <summary>The station's IPv4 address as the stack has it now (big-endian number); 0 when none.</summary>
        uint ReadAddress();

        /// <summary>The first DNS server the uplink's DHCP gave, as the stack has it now; 0 when none.</summary>
        uint ReadDnsServer();
    }
}
