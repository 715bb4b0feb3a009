namespace NanoRouter.Hal
{
    /// <summary>
    /// The access point's configuration as the device stores it, field for field: what
    /// <see cref="IAccessPointRadio.Read"/> returns must be exactly what
    /// <see cref="IAccessPointRadio.Write"/> stored, or the board would save and restart forever.
    /// </summary>
    public sealed class AccessPointConfig
    {
        /// <summary>Room for a name: 32 bytes, as the device's configuration block.</summary>
        public const int SsidCapacity = 32;

        /// <summary>Room for a passphrase: 64 bytes, as the device's configuration block.</summary>
        public const int PassphraseCapacity = 64;

        /// <summary>The network name, UTF-8.</summary>
        public readonly byte[] Ssid = new byte[SsidCapacity];

        /// <summary>How many bytes of <see cref="Ssid"/> are the name.</summary>
        public int SsidLength;

        /// <summary>The WPA2 passphrase; unused when <see cref="Open"/>.</summary>
        public readonly byte[] Passphrase = new byte[PassphraseCapacity];

        /// <summary>How many bytes of <see cref="Passphrase"/> are the passphrase.</summary>
        public int PassphraseLength;

        /// <summary>True for an open network, false for WPA2-PSK.</summary>
        public bool Open;

        /// <summary>The channel, 1 to 13.</summary>
        public int Channel;

        /// <summary>How many clients may associate at once.</summary>
        public int MaxClients;

        /// <summary>Whether the device starts the access point at boot.</summary>
        public bool StartsAtBoot;

        /// <summary>The access point's own IPv4 address (big-endian number), static.</summary>
        public uint Address;

        /// <summary>Its subnet mask.</summary>
        public uint Mask;

        /// <summary>Sets the name and passphrase from bytes (cut to the capacities).</summary>
        public void SetText(byte[] ssid, int ssidLength, byte[] passphrase, int passphraseLength)
        {
            SsidLength = Copy(ssid, ssidLength, Ssid);
            PassphraseLength = Copy(passphrase, passphraseLength, Passphrase);
        }

        /// <summary>Copies every field of another configuration.</summary>
        public void CopyFrom(AccessPointConfig other)
        {
            SetText(other.Ssid, other.SsidLength, other.Passphrase, other.PassphraseLength);
            Open = other.Open;
            Channel = other.Channel;
            MaxClients = other.MaxClients;
            StartsAtBoot = other.StartsAtBoot;
            Address = other.Address;
            Mask = other.Mask;
        }

        private static int Copy(byte[] source, int length, byte[] target)
        {
            int n = length < 0 ? 0 : (length > target.Length ? target.Length : length);
            System.Array.Copy(source, 0, target, 0, n);
            System.Array.Clear(target, n, target.Length - n);
            return n;
        }
    }

    /// <summary>The board's soft access point (the LAN side's radio) and its DHCP server.</summary>
    public interface IAccessPointRadio
    {
        /// <summary>Reads the stored configuration, as the device returns it.</summary>
        /// <returns>False when the device has none to read.</returns>
        bool Read(AccessPointConfig config);

        /// <summary>Stores a configuration; it takes effect when the access point next starts (the
        /// board's next boot on the ESP32).</summary>
        /// <returns>False when the device refused it (nothing was stored).</returns>
        bool Write(AccessPointConfig config);

        /// <summary>The access point's MAC address (6 bytes).</summary>
        byte[] MacAddress { get; }

        /// <summary>How many clients are associated now.</summary>
        int ClientCount { get; }

        /// <summary>Copies a client's MAC address into <paramref name="mac"/> (6 bytes).</summary>
        /// <returns>False when there is no such client.</returns>
        bool ReadClientMac(int index, byte[] mac);

        /// <summary>Starts the DHCP server on the access point's subnet; its offers name
        /// <paramref name="address"/> as the clients' gateway.</summary>
        void StartDhcp(uint address, uint mask);

        /// <summary>Offers this DNS server in DHCP replies from now on (0: none). Any thread.</summary>
        void OfferDnsServer(uint address);
    }
}
