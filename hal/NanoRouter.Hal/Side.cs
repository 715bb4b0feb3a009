namespace NanoRouter.Hal
{
    /// <summary>The router's two interfaces: the soft-AP side for clients and the uplink side.</summary>
    public enum Side : byte
    {
        /// <summary>The access point (clients).</summary>
        Lan = 0,

        /// <summary>The station uplink (the existing Wi-Fi network).</summary>
        Wan = 1,
    }
}
