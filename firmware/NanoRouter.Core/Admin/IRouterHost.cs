using NanoRouter.Core.Config;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// What the admin pages need from the board beyond the NAT engine: the uplink's state, the
    /// access point's clients, and the actions that change the running router. The ESP32 board
    /// implements it over nanoFramework's Wi-Fi API; the host board over its WAN interface and
    /// the LAN namespace. Called on the admin thread only.
    /// </summary>
    public interface IRouterHost
    {
        /// <summary>The router's LAN (access point) address, big-endian; the admin page lives there.</summary>
        uint LanAddress { get; }

        /// <summary>Whether the uplink is connected.</summary>
        bool UplinkConnected { get; }

        /// <summary>The uplink network's SSID as UTF-8 bytes (the host board reports its WAN interface
        /// name); empty when none.</summary>
        WifiText UplinkSsid { get; }

        /// <summary>The access point's network name in use: the saved one, or the board's own
        /// (nanoRouter-XXXX) when none is saved.</summary>
        WifiText AccessPointSsid { get; }

        /// <summary>One sentence when the board could not apply the saved Wi-Fi settings (the device
        /// refused them, so it runs on factory Wi-Fi defaults), else null.</summary>
        string WifiNotice { get; }

        /// <summary>The router's uplink address, big-endian; 0 when it has none.</summary>
        uint UplinkAddress { get; }

        /// <summary>The uplink signal in dBm (negative); 0 when unknown or wired.</summary>
        int UplinkRssi { get; }

        /// <summary>How many clients are connected to the access point.</summary>
        int ClientCount { get; }

        /// <summary>A client's IPv4 address (big-endian), 0 when unknown.</summary>
        uint ClientAddress(int index);

        /// <summary>A client's MAC address as text ("aa:bb:cc:dd:ee:ff"), or empty.</summary>
        string ClientMac(int index);

        /// <summary>Settings were saved; apply what can change while running (the rest applies at the next boot).</summary>
        void ApplySettings(RouterSettings settings);

        /// <summary>Restarts the router (called after the response went out).</summary>
        void Reboot();
    }
}
