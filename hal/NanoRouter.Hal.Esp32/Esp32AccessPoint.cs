using System;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using Iot.Device.DhcpServer;
using NanoRouter.Core.Radio;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// The soft access point over nanoFramework's API, and its DHCP server. Reads and writes the
    /// configuration block exactly: the SSID and password come back as the stored bytes
    /// (nf-interpreter sys_net_native_System_Net_NetworkInformation_WirelessAPConfiguration.cpp), the
    /// address from the interface's stored static configuration (lwIP_Sockets.cpp
    /// LoadAdapterConfiguration takes the live one only in DHCP mode). Text goes through the
    /// device's own UTF-8 encoder both ways, so the core compares bytes, never strings.
    /// </summary>
    public sealed class Esp32AccessPoint : IAccessPointRadio
    {
        private const WirelessAPConfiguration.ConfigurationOptions StartAtBoot =
            WirelessAPConfiguration.ConfigurationOptions.Enable | WirelessAPConfiguration.ConfigurationOptions.AutoStart;

        private readonly DhcpServer _dhcp = new DhcpServer();

        /// <inheritdoc />
        public byte[] MacAddress => Interface().PhysicalAddress;

        /// <inheritdoc />
        public int ClientCount => Configuration(Interface()).GetConnectedStations().Length;

        /// <inheritdoc />
        public bool ReadClientMac(int index, byte[] mac)
        {
            WirelessAPStation[] stations = Configuration(Interface()).GetConnectedStations();
            if (index < 0 || index >= stations.Length)
            {
                return false;
            }

            Array.Copy(stations[index].MacAddress, mac, 6);
            return true;
        }

        /// <summary>
        /// The DHCP server's offers name the router as the clients' gateway: it sends the router
        /// option only when Gateway is set (IoT.Device devices/DhcpServer/DhcpServer.cs). No
        /// captive-portal option: RFC 8910 wants the HTTPS URI of an RFC 8908 API there, which the
        /// router does not serve, and phones that see one ask the user to "sign in" to a network
        /// that needs no sign-in.
        /// </summary>
        public void StartDhcp(uint address, uint mask)
        {
            _dhcp.Gateway = Ip(address);
            _dhcp.Start(Ip(address), Ip(mask));
        }

        /// <summary>The option list takes it under its own lock (DhcpServer's OptionCollection).</summary>
        public void OfferDnsServer(uint address) => _dhcp.DnsServer = address == 0 ? IPAddress.Any : Ip(address);

        /// <inheritdoc />
        public bool Read(AccessPointConfig config)
        {
            try
            {
                NetworkInterface ni = Interface();
                WirelessAPConfiguration ap = Configuration(ni);
                byte[] ssid = Encoding.UTF8.GetBytes(ap.Ssid);
                byte[] password = Encoding.UTF8.GetBytes(ap.Password);
                config.SetText(ssid, ssid.Length, password, password.Length);
                config.Open = ap.Authentication == AuthenticationType.Open || ap.Authentication == AuthenticationType.None;
                config.Channel = ap.Channel;
                config.MaxClients = ap.MaxConnections;
                config.StartsAtBoot = ap.Options == StartAtBoot;
                config.Address = Naming.ParseAddress(ni.IPv4Address);
                config.Mask = Naming.ParseAddress(ni.IPv4SubnetMask);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public bool Write(AccessPointConfig config)
        {
            try
            {
                NetworkInterface ni = Interface();
                if (Naming.ParseAddress(ni.IPv4Address) != config.Address || Naming.ParseAddress(ni.IPv4SubnetMask) != config.Mask)
                {
                    string address = Naming.FormatAddress(config.Address);
                    ni.EnableStaticIPv4(address, Naming.FormatAddress(config.Mask), address);
                }

                WirelessAPConfiguration ap = Configuration(ni);
                ap.Ssid = Encoding.UTF8.GetString(config.Ssid, 0, config.SsidLength);
                ap.Password = config.Open ? string.Empty : Encoding.UTF8.GetString(config.Passphrase, 0, config.PassphraseLength);
                ap.Authentication = config.Open ? AuthenticationType.Open : AuthenticationType.WPA2;
                ap.Channel = (byte)config.Channel;
                ap.MaxConnections = (byte)config.MaxClients;
                ap.Options = config.StartsAtBoot ? StartAtBoot : WirelessAPConfiguration.ConfigurationOptions.Enable;
                ap.SaveConfiguration(); // validates first: throws on what the device refuses
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>A big-endian number as an IPAddress (whose long is the address in network order).</summary>
        private static IPAddress Ip(uint a) => new IPAddress((long)(((a & 0xFF) << 24) | ((a & 0xFF00) << 8) | ((a >> 8) & 0xFF00) | (a >> 24)));

        /// <summary>The board's first network interface of a type, read afresh (null: none).</summary>
        public static NetworkInterface Find(NetworkInterfaceType type)
        {
            foreach (NetworkInterface ni in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (ni.NetworkInterfaceType == type)
                {
                    return ni;
                }
            }

            return null;
        }

        private static NetworkInterface Interface() => Find(NetworkInterfaceType.WirelessAP);

        private static WirelessAPConfiguration Configuration(NetworkInterface ni) =>
            WirelessAPConfiguration.GetAllWirelessAPConfigurations()[ni.SpecificConfigId];
    }
}
