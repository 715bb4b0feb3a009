using NanoRouter.Core.Common;

namespace NanoRouter.Core.Config
{
    /// <summary>What is wrong with a Wi-Fi name or passphrase, if anything.</summary>
    public enum WifiProblem : byte
    {
        /// <summary>The value is one the Wi-Fi API accepts.</summary>
        None = 0,

        /// <summary>A network name that is empty where one is needed, or longer than 31 bytes.</summary>
        SsidLength = 1,

        /// <summary>A network name that is not UTF-8 or holds a control character.</summary>
        SsidCharacters = 2,

        /// <summary>A passphrase shorter than 8 or longer than 63 bytes.</summary>
        PassphraseLength = 3,

        /// <summary>A passphrase with a control character, or (access point) one that is not printable ASCII.</summary>
        PassphraseCharacters = 4,

        /// <summary>Values these rules accept, but the device's Wi-Fi API refused.</summary>
        DeviceRefused = 5,
    }

    /// <summary>
    /// The Wi-Fi values the ESP32's nanoFramework API accepts, checked in one place for the admin
    /// page and for the board at boot, so that a value the device would refuse is never saved and
    /// a saved one the device refuses is caught before it is applied. The limits, from the
    /// sources the firmware is built from:
    /// <list type="bullet">
    /// <item>SSID 1 to 31 bytes: System.Net 1.11.52 WirelessAPConfiguration.ValidateConfiguration
    /// throws when <c>Ssid.Length &gt;= 32</c>, and nf-interpreter's
    /// sys_net_native_System_Net_NetworkInformation_WirelessAPConfiguration.cpp refuses a UTF-8
    /// length of 32 or more (the configuration block keeps 32 bytes with the terminator); the
    /// station's block (Target_Network.cpp, Network_Interface_Start_Connect) has the same 32.</item>
    /// <item>Passphrase empty (an open network) or 8 to 63 bytes: ValidateConfiguration throws
    /// below 8 or at 64 characters for a WPA2 access point, the native side refuses 64 bytes or
    /// more. For the access point it must also be printable ASCII, so that characters and bytes
    /// agree and every client derives the same WPA2 key (IEEE 802.11i passphrases are ASCII);
    /// an uplink's passphrase may be any UTF-8 without control characters.</item>
    /// </list>
    /// SSIDs hold no control characters: the native side copies them as C strings.
    /// </summary>
    public static class WifiRules
    {
        /// <summary>The longest SSID the Wi-Fi API accepts, in UTF-8 bytes.</summary>
        public const int MaxSsidBytes = 31;

        /// <summary>The shortest passphrase (WPA2).</summary>
        public const int MinPassphraseBytes = 8;

        /// <summary>The longest passphrase the Wi-Fi API accepts, in bytes.</summary>
        public const int MaxPassphraseBytes = 63;

        /// <summary>Checks a network name; <paramref name="allowEmpty"/> for the uplink, which may be unset.</summary>
        public static WifiProblem CheckSsid(WifiText ssid, bool allowEmpty)
        {
            return CheckSsid(ssid.Bytes, 0, ssid.Length, allowEmpty);
        }

        /// <summary>Checks a network name in bytes.</summary>
        public static WifiProblem CheckSsid(byte[] bytes, int offset, int count, bool allowEmpty)
        {
            if ((count == 0 && !allowEmpty) || count > MaxSsidBytes)
            {
                return WifiProblem.SsidLength;
            }

            return HasControl(bytes, offset, count) || !Utf8.IsValid(bytes, offset, count) ? WifiProblem.SsidCharacters : WifiProblem.None;
        }

        /// <summary>Checks a passphrase (empty means an open network).</summary>
        public static WifiProblem CheckPassphrase(WifiText passphrase, bool accessPoint)
        {
            return CheckPassphrase(passphrase.Bytes, 0, passphrase.Length, accessPoint);
        }

        /// <summary>Checks a passphrase in bytes; <paramref name="accessPoint"/> asks for printable ASCII.</summary>
        public static WifiProblem CheckPassphrase(byte[] bytes, int offset, int count, bool accessPoint)
        {
            if (count == 0)
            {
                return WifiProblem.None;
            }

            if (count < MinPassphraseBytes || count > MaxPassphraseBytes)
            {
                return WifiProblem.PassphraseLength;
            }

            if (HasControl(bytes, offset, count) || !Utf8.IsValid(bytes, offset, count))
            {
                return WifiProblem.PassphraseCharacters;
            }

            if (accessPoint)
            {
                for (int i = offset; i < offset + count; i++)
                {
                    if (bytes[i] > 0x7E)
                    {
                        return WifiProblem.PassphraseCharacters;
                    }
                }
            }

            return WifiProblem.None;
        }

        /// <summary>One sentence for the admin page.</summary>
        public static string Describe(WifiProblem problem, bool accessPoint)
        {
            switch (problem)
            {
                case WifiProblem.SsidLength:
                    return "Enter a network name of 1 to 31 bytes (accented letters take 2 bytes, emoji 4).";
                case WifiProblem.SsidCharacters:
                    return "Use a network name without control characters.";
                case WifiProblem.PassphraseLength:
                    return "Use a password of 8 to 63 characters.";
                case WifiProblem.PassphraseCharacters:
                    return accessPoint
                        ? "Use letters, digits, spaces and ASCII punctuation only (what every phone can type for WPA2)."
                        : "Use a password without control characters.";
                case WifiProblem.DeviceRefused:
                    return "The device's Wi-Fi refused this name or password.";
                default:
                    return null;
            }
        }

        private static bool HasControl(byte[] bytes, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++)
            {
                if (bytes[i] < 0x20 || bytes[i] == 0x7F)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
