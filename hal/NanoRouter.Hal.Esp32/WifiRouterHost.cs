using System.Device.Wifi;
using System.Net;
using System.Net.NetworkInformation;
using System.Threading;
using Iot.Device.DhcpServer;
using nanoFramework.Runtime.Native;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// Wi-Fi on the ESP32 through nanoFramework's API: the soft-AP (LAN) with its DHCP server, and
    /// the station uplink (WAN), joined with retry and exponential backoff while the AP stays up.
    /// Also the admin pages' view of the board (<see cref="IRouterHost"/>).
    /// </summary>
    public sealed class WifiRouterHost : IRouterHost
    {
        /// <summary>The AP address, 192.168.4.1, big-endian.</summary>
        public const uint ApAddress = 0xC0A80401;

        /// <summary>The AP mask, /24.</summary>
        public const uint ApMask = 0xFFFFFF00;

        private const string ApAddressText = "192.168.4.1";
        private readonly NetworkInterface _ap;
        private readonly NetworkInterface _station;
        private readonly DhcpServer _dhcp = new DhcpServer();
        private RouterSettings _settings;
        private bool _rejoin;

        /// <summary>Finds the two Wi-Fi interfaces.</summary>
        public WifiRouterHost(RouterSettings settings)
        {
            _settings = settings;
            foreach (NetworkInterface ni in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (ni.NetworkInterfaceType == NetworkInterfaceType.WirelessAP)
                {
                    _ap = ni;
                }
                else if (ni.NetworkInterfaceType == NetworkInterfaceType.Wireless80211)
                {
                    _station = ni;
                }
            }
        }

        /// <summary>"nanoRouter-XXXX" from the last two bytes of the AP's MAC address.</summary>
        public string DefaultApSsid
        {
            get
            {
                byte[] mac = _ap.PhysicalAddress;
                return "nanoRouter-" + mac[mac.Length - 2].ToString("X2") + mac[mac.Length - 1].ToString("X2");
            }
        }

        /// <summary>Saves the AP configuration (reboots once when it changed: the AP starts at boot)
        /// and starts the DHCP server.</summary>
        public void StartAccessPoint()
        {
            WirelessAPConfiguration config = WirelessAPConfiguration.GetAllWirelessAPConfigurations()[_ap.SpecificConfigId];
            bool open = _settings.ApPassword.Length < 8;
            if (config.Ssid != _settings.ApSsid || config.Password != _settings.ApPassword || _ap.IPv4Address != ApAddressText
                || config.Options != (WirelessAPConfiguration.ConfigurationOptions.Enable | WirelessAPConfiguration.ConfigurationOptions.AutoStart))
            {
                _ap.EnableStaticIPv4(ApAddressText, "255.255.255.0", ApAddressText);
                config.Options = WirelessAPConfiguration.ConfigurationOptions.Enable | WirelessAPConfiguration.ConfigurationOptions.AutoStart;
                config.Ssid = _settings.ApSsid;
                config.Password = open ? string.Empty : _settings.ApPassword;
                config.Authentication = open ? AuthenticationType.Open : AuthenticationType.WPA2;
                config.Channel = (byte)_settings.ApChannel;
                config.MaxConnections = 4;
                config.SaveConfiguration();
                Power.RebootDevice();
            }

            _dhcp.CaptivePortalUrl = "http://" + ApAddressText + "/";
            _dhcp.Start(IPAddress.Parse(ApAddressText), IPAddress.Parse("255.255.255.0"));
        }

        /// <summary>Joins the uplink; retries with backoff from 2 s to 60 s until it has an address or
        /// <paramref name="giveUpMs"/> passes (negative: forever). Rejoins after settings change.</summary>
        /// <returns>True when connected with an address.</returns>
        public bool JoinUplink(int giveUpMs)
        {
            int backoffMs = 2000;
            int waitedMs = 0;
            while (true)
            {
                if (_settings.UplinkSsid.Length > 0 && !_rejoin && UplinkConnected)
                {
                    return true;
                }

                if (_settings.UplinkSsid.Length > 0)
                {
                    _rejoin = false;
                    WifiAdapter adapter = WifiAdapter.FindAllAdapters()[0];
                    adapter.Disconnect();
                    WifiConnectionResult result = adapter.Connect(_settings.UplinkSsid, WifiReconnectionKind.Automatic, _settings.UplinkPassword);
                    if (result.ConnectionStatus == WifiConnectionStatus.Success && WaitForAddress(10000))
                    {
                        string[] dns = _station.IPv4DnsAddresses;
                        _dhcp.DnsServer = dns.Length > 0 ? IPAddress.Parse(dns[0]) : IPAddress.Any;
                        return true;
                    }
                }

                if (giveUpMs >= 0 && waitedMs >= giveUpMs)
                {
                    return false;
                }

                Thread.Sleep(backoffMs);
                waitedMs += backoffMs;
                backoffMs = backoffMs >= 30000 ? 60000 : backoffMs * 2;
            }
        }

        /// <inheritdoc />
        public uint LanAddress => ApAddress;

        /// <inheritdoc />
        public bool UplinkConnected => UplinkAddress != 0;

        /// <inheritdoc />
        public string UplinkSsid => UplinkConnected ? _settings.UplinkSsid : string.Empty;

        /// <inheritdoc />
        public uint UplinkAddress => ToUInt(_station.IPv4Address);

        /// <inheritdoc />
        public int UplinkRssi => 0;

        /// <inheritdoc />
        public int ClientCount => WirelessAPConfiguration.GetAllWirelessAPConfigurations()[_ap.SpecificConfigId].GetConnectedStations().Length;

        /// <inheritdoc />
        public uint ClientAddress(int index) => 0;

        /// <inheritdoc />
        public string ClientMac(int index)
        {
            WirelessAPStation[] stations = WirelessAPConfiguration.GetAllWirelessAPConfigurations()[_ap.SpecificConfigId].GetConnectedStations();
            if (index < 0 || index >= stations.Length)
            {
                return string.Empty;
            }

            byte[] mac = stations[index].MacAddress;
            string text = string.Empty;
            for (int i = 0; i < mac.Length; i++)
            {
                text += (i == 0 ? string.Empty : ":") + mac[i].ToString("x2");
            }

            return text;
        }

        /// <inheritdoc />
        public void ApplySettings(RouterSettings settings)
        {
            _settings = settings;
            _rejoin = true; // the uplink loop reconnects; AP changes apply at the next boot
        }

        /// <inheritdoc />
        public void Reboot() => Power.RebootDevice();

        private bool WaitForAddress(int timeoutMs)
        {
            for (int waited = 0; waited < timeoutMs; waited += 250)
            {
                if (UplinkConnected)
                {
                    return true;
                }

                Thread.Sleep(250);
            }

            return false;
        }

        /// <summary>"a.b.c.d" to a big-endian number; 0 for none or 0.0.0.0.</summary>
        public static uint ToUInt(string address)
        {
            if (address == null || address.Length == 0)
            {
                return 0;
            }

            byte[] b = IPAddress.Parse(address).GetAddressBytes();
            return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        }
    }
}
