using NanoRouter.Core.Config;
using NanoRouter.Hal;

namespace NanoRouter.Core.Radio
{
    /// <summary>
    /// What the access point must be, from the settings, and whether the device's stored
    /// configuration already is that. The comparison decides a save and a restart, so it looks only
    /// at what the device stores and returns unchanged (nf-interpreter
    /// sys_net_native_System_Net_NetworkInformation_WirelessAPConfiguration.cpp: the SSID and
    /// password come back as the stored bytes, the options, channel and connection count as the
    /// stored numbers; the access point's static address comes back from its stored network
    /// configuration, lwIP_Sockets.cpp LoadAdapterConfiguration).
    /// </summary>
    public static class AccessPointPlan
    {
        /// <summary>The access point's address, 192.168.4.1 (big-endian number).</summary>
        public const uint Address = 0xC0A80401;

        /// <summary>Its mask, /24.</summary>
        public const uint Mask = 0xFFFFFF00;

        /// <summary>How many clients may join at once (the NAT quota is sized for a few).</summary>
        public const int MaxClients = 4;

        /// <summary>The factory channel.</summary>
        public const int FactoryChannel = 6;

        /// <summary>
        /// Fills <paramref name="plan"/> from the settings (no saved name: the board's own). A saved
        /// name or passphrase the Wi-Fi API would refuse (<see cref="WifiRules"/>) is not used: the
        /// access point then gets the board's own name, open, so the owner can still reach the
        /// admin page and fix it.
        /// </summary>
        /// <returns>What was wrong with the saved values (None when they were used).</returns>
        public static WifiProblem Build(RouterSettings settings, string defaultSsid, AccessPointConfig plan)
        {
            WifiProblem problem = settings.ApSsid.Length == 0 ? WifiProblem.None : WifiRules.CheckSsid(settings.ApSsid, false);
            if (problem == WifiProblem.None)
            {
                problem = WifiRules.CheckPassphrase(settings.ApPassword, true);
            }

            Factory(defaultSsid, settings.ApChannel, plan);
            if (problem != WifiProblem.None)
            {
                return problem;
            }

            if (settings.ApSsid.Length > 0)
            {
                plan.SetText(settings.ApSsid.Bytes, settings.ApSsid.Length, settings.ApPassword.Bytes, settings.ApPassword.Length);
            }
            else
            {
                plan.SetText(plan.Ssid, plan.SsidLength, settings.ApPassword.Bytes, settings.ApPassword.Length);
            }

            plan.Open = settings.ApPassword.Length == 0;
            return WifiProblem.None;
        }

        /// <summary>The factory access point: the board's name, open, on <paramref name="channel"/>
        /// (the factory channel when it is out of range).</summary>
        public static void Factory(string defaultSsid, int channel, AccessPointConfig plan)
        {
            plan.SetText(new byte[0], 0, new byte[0], 0);
            for (int i = 0; i < defaultSsid.Length && i < WifiRules.MaxSsidBytes; i++)
            {
                char c = defaultSsid[i];
                plan.Ssid[i] = c < (char)0x80 ? (byte)c : (byte)'?';
                plan.SsidLength = i + 1;
            }

            plan.Open = true;
            SetFixed(channel, plan);
        }

        /// <summary>Whether the device's stored configuration is the plan, in every field it stores.</summary>
        public static bool Same(AccessPointConfig stored, AccessPointConfig plan)
        {
            if (stored.SsidLength != plan.SsidLength || stored.Open != plan.Open || stored.Channel != plan.Channel
                || stored.MaxClients != plan.MaxClients || stored.StartsAtBoot != plan.StartsAtBoot
                || stored.Address != plan.Address || stored.Mask != plan.Mask
                || (!plan.Open && stored.PassphraseLength != plan.PassphraseLength))
            {
                return false;
            }

            for (int i = 0; i < plan.SsidLength; i++)
            {
                if (stored.Ssid[i] != plan.Ssid[i])
                {
                    return false;
                }
            }

            for (int i = 0; !plan.Open && i < plan.PassphraseLength; i++)
            {
                if (stored.Passphrase[i] != plan.Passphrase[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static void SetFixed(int channel, AccessPointConfig plan)
        {
            plan.Channel = channel >= 1 && channel <= 13 ? channel : FactoryChannel;
            plan.MaxClients = MaxClients;
            plan.StartsAtBoot = true;
            plan.Address = Address;
            plan.Mask = Mask;
        }
    }
}
