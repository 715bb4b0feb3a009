using System;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Text;
using NanoRouter.Core.Radio;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// The station (uplink) over nanoFramework's Wi-Fi API. One <see cref="WifiAdapter"/> for the
    /// board's life: each one made registers in a static list (System.Device.Wifi WifiAdapter.cs,
    /// the event listener's AddAdapter), so one per attempt would leak. Every address is read from a
    /// fresh NetworkInterface: one keeps the values of the moment it was made (System.Net
    /// NetworkInterface.cs). Joins use WifiReconnectionKind.Automatic: on the ESP32 it stores
    /// nothing in nanoFramework's Wi-Fi configuration block (Target_Network.cpp,
    /// Network_Interface_Start_Connect: bit 1 of the options is "save", and Automatic is 0), so the
    /// passphrase lives only in the router's own settings record and no flash is written per attempt,
    /// while the driver still rejoins by itself after a drop (NF_ESP32_IsToConnect).
    /// </summary>
    public sealed class Esp32Uplink : IUplinkRadio
    {
        private readonly WifiAdapter _adapter = WifiAdapter.FindAllAdapters()[0];

        /// <inheritdoc />
        public UplinkJoinResult Join(byte[] ssid, int ssidLength, byte[] passphrase, int passphraseLength)
        {
            WifiConnectionResult result;
            try
            {
                // The device's own encoder turns the saved UTF-8 bytes into its string (see WifiText).
                result = _adapter.Connect(Encoding.UTF8.GetString(ssid, 0, ssidLength), WifiReconnectionKind.Automatic,
                    Encoding.UTF8.GetString(passphrase, 0, passphraseLength));
            }
            catch (Exception)
            {
                return UplinkJoinResult.Invalid;
            }

            WifiConnectionStatus status = result.ConnectionStatus;
            return status == WifiConnectionStatus.Success ? UplinkJoinResult.Joined
                : status == WifiConnectionStatus.NetworkNotAvailable ? UplinkJoinResult.NotFound
                : status == WifiConnectionStatus.InvalidCredential || status == WifiConnectionStatus.AccessRevoked ? UplinkJoinResult.Refused
                : UplinkJoinResult.Failed;
        }

        /// <inheritdoc />
        public void Leave() => _adapter.Disconnect();

        /// <inheritdoc />
        public uint ReadAddress()
        {
            NetworkInterface station = Station();
            return station == null ? 0 : Naming.ParseAddress(station.IPv4Address);
        }

        /// <inheritdoc />
        public uint ReadDnsServer()
        {
            NetworkInterface station = Station();
            string[] dns = station == null ? null : station.IPv4DnsAddresses;
            return dns == null || dns.Length == 0 ? 0 : Naming.ParseAddress(dns[0]);
        }

        private static NetworkInterface Station() => Esp32AccessPoint.Find(NetworkInterfaceType.Wireless80211);
    }
}
