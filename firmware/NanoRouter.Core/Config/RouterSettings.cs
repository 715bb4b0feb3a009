using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;

namespace NanoRouter.Core.Config
{
    /// <summary>
    /// Everything the router keeps across power loss. Plain fields; <see cref="SettingsCodec"/>
    /// turns them into a versioned, checksummed record and <see cref="SettingsStore"/> saves it
    /// atomically. The admin password is kept only as a salted PBKDF2-HMAC-SHA256 hash.
    /// </summary>
    public sealed class RouterSettings
    {
        /// <summary>The longest SSID the settings record holds, in UTF-8 bytes (IEEE 802.11's 32;
        /// the Wi-Fi API takes at most <see cref="WifiRules.MaxSsidBytes"/>).</summary>
        public const int MaxSsidBytes = 32;

        /// <summary>The longest Wi-Fi passphrase the settings record holds (the Wi-Fi API takes at most
        /// <see cref="WifiRules.MaxPassphraseBytes"/>).</summary>
        public const int MaxWifiPasswordBytes = WifiText.Capacity;

        /// <summary>The longest host name.</summary>
        public const int MaxHostNameBytes = 63;

        /// <summary>The salt length.</summary>
        public const int SaltBytes = 16;

        /// <summary>The hash length (SHA-256).</summary>
        public const int HashBytes = 32;

        /// <summary>The PBKDF2 iteration count of settings without a password (and the count every
        /// password had before the boards chose their own, IKeyDerivation.Iterations).</summary>
        public const int DefaultPasswordIterations = 1000;

        /// <summary>The uplink (station) network's SSID; empty when none is configured.</summary>
        public readonly WifiText UplinkSsid = new WifiText();

        /// <summary>The uplink network's passphrase; empty for an open network.</summary>
        public readonly WifiText UplinkPassword = new WifiText();

        /// <summary>The access point's SSID; empty means the board's own name (nanoRouter-XXXX on the ESP32).</summary>
        public readonly WifiText ApSsid = new WifiText();

        /// <summary>The access point's passphrase; empty means an open access point.</summary>
        public readonly WifiText ApPassword = new WifiText();

        /// <summary>The access point's channel, 1 to 13, while no uplink is joined: the ESP32 has one
        /// radio, so once the station joins, the access point moves to the uplink's channel.</summary>
        public int ApChannel;

        /// <summary>The router's name, accepted in the Host header besides its LAN address.</summary>
        public string HostName;

        /// <summary>UDP mapping idle timeout, seconds.</summary>
        public int UdpTimeoutSeconds;

        /// <summary>Established TCP idle timeout, seconds.</summary>
        public int TcpEstablishedTimeoutSeconds;

        /// <summary>Transitory TCP idle timeout, seconds.</summary>
        public int TcpTransitoryTimeoutSeconds;

        /// <summary>ICMP query idle timeout, seconds.</summary>
        public int IcmpTimeoutSeconds;

        /// <summary>The TCP MSS clamp; 0 turns clamping off.</summary>
        public int MssClamp;

        /// <summary>One bit per <see cref="PassthroughProtocol"/>: set means switched on.</summary>
        public int PassthroughMask;

        /// <summary>Whether an admin password has been set (false on first boot).</summary>
        public bool HasAdminPassword;

        /// <summary>PBKDF2 iterations used for <see cref="AdminHash"/>.</summary>
        public int AdminIterations;

        /// <summary>The salt of the admin password hash.</summary>
        public readonly byte[] AdminSalt = new byte[SaltBytes];

        /// <summary>PBKDF2-HMAC-SHA256(password, salt, iterations), 32 bytes.</summary>
        public readonly byte[] AdminHash = new byte[HashBytes];

        /// <summary>The port-forwarding rules (none by default).</summary>
        public readonly PortForwards Forwards = new PortForwards();

        /// <summary>Creates the factory defaults.</summary>
        public RouterSettings()
        {
            SetDefaults();
        }

        /// <summary>Sets every field to its factory default; there is no admin password.</summary>
        public void SetDefaults()
        {
            UplinkSsid.Clear();
            UplinkPassword.Clear();
            ApSsid.Clear();
            ApPassword.Clear();
            ApChannel = 6;
            HostName = "nanorouter.lan";
            UdpTimeoutSeconds = 300;
            TcpEstablishedTimeoutSeconds = 7440;
            TcpTransitoryTimeoutSeconds = 240;
            IcmpTimeoutSeconds = 60;
            MssClamp = 1460;
            PassthroughMask = (1 << PassthroughRules.Count) - 1;
            HasAdminPassword = false;
            AdminIterations = DefaultPasswordIterations;
            System.Array.Clear(AdminSalt, 0, SaltBytes);
            System.Array.Clear(AdminHash, 0, HashBytes);
            Forwards.Clear();
        }

        /// <summary>Copies every field from another instance.</summary>
        public void CopyFrom(RouterSettings other)
        {
            UplinkSsid.CopyFrom(other.UplinkSsid);
            UplinkPassword.CopyFrom(other.UplinkPassword);
            ApSsid.CopyFrom(other.ApSsid);
            ApPassword.CopyFrom(other.ApPassword);
            ApChannel = other.ApChannel;
            HostName = other.HostName;
            UdpTimeoutSeconds = other.UdpTimeoutSeconds;
            TcpEstablishedTimeoutSeconds = other.TcpEstablishedTimeoutSeconds;
            TcpTransitoryTimeoutSeconds = other.TcpTransitoryTimeoutSeconds;
            IcmpTimeoutSeconds = other.IcmpTimeoutSeconds;
            MssClamp = other.MssClamp;
            PassthroughMask = other.PassthroughMask;
            HasAdminPassword = other.HasAdminPassword;
            AdminIterations = other.AdminIterations;
            System.Array.Copy(other.AdminSalt, AdminSalt, SaltBytes);
            System.Array.Copy(other.AdminHash, AdminHash, HashBytes);
            Forwards.CopyFrom(other.Forwards);
        }

        /// <summary>Whether a passthrough switch is on.</summary>
        public bool IsPassthroughEnabled(PassthroughProtocol protocol) => (PassthroughMask & (1 << (int)protocol)) != 0;

        /// <summary>Sets one passthrough switch.</summary>
        public void SetPassthroughEnabled(PassthroughProtocol protocol, bool enabled)
        {
            if (enabled)
            {
                PassthroughMask |= 1 << (int)protocol;
            }
            else
            {
                PassthroughMask &= ~(1 << (int)protocol);
            }
        }

        /// <summary>Copies the NAT timeouts and MSS clamp into engine options (before the engine is built).</summary>
        public void ApplyTo(NatOptions options)
        {
            options.UdpTimeoutMs = UdpTimeoutSeconds * 1000;
            options.TcpEstablishedTimeoutMs = TcpEstablishedTimeoutSeconds * 1000;
            options.TcpTransitoryTimeoutMs = TcpTransitoryTimeoutSeconds * 1000;
            options.IcmpTimeoutMs = IcmpTimeoutSeconds * 1000;
            options.MssClamp = MssClamp;
        }

        /// <summary>Hands the saved port forwards to the engine (at boot): a rule the engine's options
        /// refuse now (say, a host outside a LAN that changed since) is left out; the rest apply at the
        /// engine's next tick.</summary>
        public void ApplyForwardsTo(NatEngine engine)
        {
            var rules = new PortForwards();
            rules.CopyFrom(Forwards);
            int bad;
            while (rules.Validate(engine.Options, out bad) != null)
            {
                rules.RemoveAt(bad);
            }

            engine.SetForwards(rules);
        }

        /// <summary>Sets the engine's passthrough switches from <see cref="PassthroughMask"/>.</summary>
        public void ApplyTo(PassthroughRules rules)
        {
            for (int i = 0; i < PassthroughRules.Count; i++)
            {
                rules.SetEnabled((PassthroughProtocol)i, IsPassthroughEnabled((PassthroughProtocol)i));
            }
        }
    }
}
