using NanoRouter.Hal;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Radio
{
    /// <summary>
    /// The ESP32's access-point configuration block as nf-interpreter keeps it
    /// (sys_net_native_System_Net_NetworkInformation_WirelessAPConfiguration.cpp, at the pinned commit):
    /// SaveConfiguration refuses an SSID of 32 or more bytes and, unless open, a password outside 8-63
    /// (System.Net 1.11.52 WirelessAPConfiguration.ValidateConfiguration, then the native strlen
    /// checks); a read returns exactly the stored bytes and numbers. <see cref="Refuse"/> models a
    /// device that refuses everything, <see cref="Normalize"/> one that stores something else.
    /// </summary>
    internal sealed class FakeAccessPoint : IAccessPointRadio
    {
        public readonly AccessPointConfig Stored = new AccessPointConfig();
        public bool HasConfig = true;
        public bool Refuse;
        public bool Normalize;
        public int Writes;
        public int Reads;

        public FakeAccessPoint()
        {
            // nanoFramework's factory block: its own name, open, channel 1, 4 clients, started at boot.
            byte[] name = Text.Ascii("nano_ESP32");
            Stored.SetText(name, name.Length, new byte[0], 0);
            Stored.Open = true;
            Stored.Channel = 1;
            Stored.MaxClients = 4;
            Stored.StartsAtBoot = true;
            Stored.Address = 0xC0A80401;
            Stored.Mask = 0xFFFFFF00;
        }

        public byte[] MacAddress { get; set; } = { 0x24, 0x6F, 0x28, 0x00, 0x1A, 0x2B };

        public byte[][] Clients = new byte[0][];

        public uint DhcpAddress;
        public uint DhcpMask;
        public uint OfferedDns;
        public int DnsOffers;

        public int ClientCount => Clients.Length;

        public bool ReadClientMac(int index, byte[] mac)
        {
            if (index < 0 || index >= Clients.Length)
            {
                return false;
            }

            System.Array.Copy(Clients[index], mac, 6);
            return true;
        }

        public void StartDhcp(uint address, uint mask)
        {
            DhcpAddress = address;
            DhcpMask = mask;
        }

        public void OfferDnsServer(uint address)
        {
            OfferedDns = address;
            DnsOffers++;
        }

        public bool Read(AccessPointConfig config)
        {
            Reads++;
            if (!HasConfig)
            {
                return false;
            }

            config.CopyFrom(Stored);
            return true;
        }

        public bool Write(AccessPointConfig config)
        {
            Writes++;
            if (Refuse || config.SsidLength >= 32 || (!config.Open && (config.PassphraseLength < 8 || config.PassphraseLength >= 64)))
            {
                return false;
            }

            Stored.CopyFrom(config);
            if (Normalize)
            {
                Stored.MaxClients = 10;
            }

            HasConfig = true;
            return true;
        }
    }

    /// <summary>
    /// A station: answers joins as told, and has the address a test sets (read fresh each time). It
    /// keeps a copy of the bytes it was given and makes strings of them only when a test asks.
    /// </summary>
    internal sealed class FakeUplink : IUplinkRadio
    {
        public UplinkJoinResult NextResult = UplinkJoinResult.Joined;
        public uint AddressAfterJoin = 0xC6120002;
        public uint Address;
        public uint Dns = 0xC6120001;
        public int Joins;
        public int Leaves;
        public int AddressReads;
        private byte[] _lastSsid;
        private byte[] _lastPassphrase;

        public string LastSsid => _lastSsid == null ? null : Text.FromUtf8(_lastSsid, 0, _lastSsid.Length);

        public string LastPassphrase => _lastPassphrase == null ? null : Text.FromUtf8(_lastPassphrase, 0, _lastPassphrase.Length);

        public UplinkJoinResult Join(byte[] ssid, int ssidLength, byte[] passphrase, int passphraseLength)
        {
            Joins++;
            _lastSsid = new byte[ssidLength];
            System.Array.Copy(ssid, _lastSsid, ssidLength);
            _lastPassphrase = new byte[passphraseLength];
            System.Array.Copy(passphrase, _lastPassphrase, passphraseLength);
            if (NextResult == UplinkJoinResult.Joined)
            {
                Address = AddressAfterJoin;
            }

            return NextResult;
        }

        public void Leave()
        {
            Leaves++;
            Address = 0;
        }

        public uint ReadAddress()
        {
            AddressReads++;
            return Address;
        }

        public uint ReadDnsServer() => Address == 0 ? 0 : Dns;
    }

    /// <summary>The board: a button a test presses, an LED it watches, reboots it counts; sleeping moves the clock.</summary>
    internal sealed class FakeBoard : IBoard
    {
        private readonly NanoRouter.Tests.Nat.ManualClock _clock;

        public FakeBoard(NanoRouter.Tests.Nat.ManualClock clock)
        {
            _clock = clock;
        }

        public bool ResetButtonDown { get; set; }

        /// <summary>When set, the button is released once the clock reaches this.</summary>
        public int ReleaseAtMs = int.MaxValue;

        public bool LightOn;
        public int LightChanges;
        public int Reboots;

        public void SetLight(bool on)
        {
            if (on != LightOn)
            {
                LightChanges++;
            }

            LightOn = on;
        }

        public void Reboot() => Reboots++;

        public void Sleep(int milliseconds)
        {
            _clock.Advance(milliseconds);
            if (_clock.NowMs - ReleaseAtMs >= 0)
            {
                ResetButtonDown = false;
            }
        }
    }

    /// <summary>Records every address the supervisor publishes.</summary>
    internal sealed class AddressLog : NanoRouter.Core.Radio.IUplinkListener
    {
        public int Changes;
        public uint Address;
        public uint Dns;

        public void UplinkAddressChanged(uint address, uint dnsServer)
        {
            Changes++;
            Address = address;
            Dns = dnsServer;
        }
    }
}
