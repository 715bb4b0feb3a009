using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Hal.Linux;

namespace NanoRouter.Host
{
    /// <summary>
    /// What the admin pages see of the host board (<see cref="IRouterHost"/>): the WAN interface
    /// plays the uplink (its name stands in for the SSID), the LAN interface's neighbour table
    /// lists the clients. Called on the admin thread; anything that must touch the engine's table
    /// is handed to the packet thread through <see cref="TakeRebootRequest"/>.
    /// </summary>
    internal sealed class HostRouter : IRouterHost
    {
        private readonly InterfaceInfo _lan;
        private readonly WifiText _wanName = new WifiText();
        private readonly WifiText _accessPointName = new WifiText();
        private readonly NatEngine _engine;
        private readonly List<uint> _clientAddresses = new List<uint>();
        private readonly List<string> _clientMacs = new List<string>();
        private long _clientsReadAt = long.MinValue / 2;
        private volatile uint _uplinkAddress;
        private volatile bool _rebootRequested;

        public HostRouter(InterfaceInfo lan, InterfaceInfo wan, NatEngine engine)
        {
            _lan = lan;
            _wanName.SetAscii(wan.Name);
            _accessPointName.SetAscii("nanoRouter-host");
            _uplinkAddress = wan.Address;
            _engine = engine;
        }

        public uint LanAddress => _lan.Address;

        public bool UplinkConnected => _uplinkAddress != 0;

        public WifiText UplinkSsid => _wanName;

        public WifiText AccessPointSsid => _accessPointName;

        public string WifiNotice => null;

        public uint UplinkAddress
        {
            get => _uplinkAddress;
            set => _uplinkAddress = value;
        }

        public int UplinkRssi => 0;

        public int ClientCount
        {
            get
            {
                RefreshClients();
                return _clientAddresses.Count;
            }
        }

        public uint ClientAddress(int index)
        {
            RefreshClients();
            return index >= 0 && index < _clientAddresses.Count ? _clientAddresses[index] : 0;
        }

        public string ClientMac(int index)
        {
            RefreshClients();
            return index >= 0 && index < _clientMacs.Count ? _clientMacs[index] : string.Empty;
        }

        public void ApplySettings(RouterSettings settings)
        {
            // Plain field writes the packet thread picks up on its next packet.
            _engine.SetTimeouts(settings.UdpTimeoutSeconds * 1000, settings.TcpEstablishedTimeoutSeconds * 1000,
                settings.TcpTransitoryTimeoutSeconds * 1000, settings.IcmpTimeoutSeconds * 1000);
            _engine.Options.MssClamp = settings.MssClamp;
            Log.Info("settings applied (timeouts, MSS clamp)");
        }

        public void Reboot()
        {
            _rebootRequested = true;
        }

        /// <summary>True once after the admin asked for a restart (the packet thread then clears the NAT state).</summary>
        public bool TakeRebootRequest()
        {
            if (!_rebootRequested)
            {
                return false;
            }

            _rebootRequested = false;
            return true;
        }

        private void RefreshClients()
        {
            long now = Environment.TickCount64;
            if (now - _clientsReadAt < 2000)
            {
                return;
            }

            _clientsReadAt = now;
            _clientAddresses.Clear();
            _clientMacs.Clear();
            string[] lines;
            try
            {
                lines = File.ReadAllLines("/proc/net/arp");
            }
            catch (IOException)
            {
                return;
            }

            // IP address  HW type  Flags  HW address  Mask  Device
            for (int i = 1; i < lines.Length; i++)
            {
                string[] f = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length >= 6 && f[5] == _lan.Name && f[2] == "0x2" && IPAddress.TryParse(f[0], out IPAddress address))
                {
                    _clientAddresses.Add(InterfaceInfo.ToNumber(address));
                    _clientMacs.Add(f[3]);
                }
            }
        }
    }
}
