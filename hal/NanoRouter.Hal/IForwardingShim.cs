namespace NanoRouter.Hal
{
    /// <summary>
    /// A native forwarding shim beside the packet port (the ESP32's lwIP input hook): which packets
    /// it takes from the stack for the router. LAN packets for anywhere but the router and the LAN;
    /// WAN packets to the uplink address on the NAT's ports.
    /// </summary>
    public interface IForwardingShim
    {
        /// <summary>Attaches the shim to the radios' network interfaces.</summary>
        /// <returns>False until Wi-Fi is up.</returns>
        bool Start();

        /// <summary>Sets the rule: the LAN address and mask, the uplink address (0: none, nothing is
        /// taken from the WAN) and the NAT's external port range.</summary>
        void Configure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh);

        /// <summary>Takes (or stops taking) WAN packets to one port outside the NAT range.</summary>
        /// <returns>False when the shim's small table is full.</returns>
        bool SetPreserved(int protocol, int port, bool active);
    }
}
