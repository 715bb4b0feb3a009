using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Hal.Linux;

namespace NanoRouter.BrowserTests
{
    /// <summary>A board for the in-process router: fixed uplink facts, one client, counts reboots.</summary>
    internal sealed class TestRouterHost : IRouterHost
    {
        public uint LanAddress { get; set; } = 0x7F000001;

        public bool UplinkConnected => true;

        public WifiText UplinkSsid { get; set; } = Text("lab-uplink <wan0>");

        public WifiText AccessPointSsid { get; } = Text("nanoRouter-lab");

        public string WifiNotice => null;

        private static WifiText Text(string text)
        {
            var value = new WifiText();
            value.SetAscii(text);
            return value;
        }

        public uint UplinkAddress => 0xC6120002;

        public int UplinkRssi => -61;

        public int ClientCount => 1;

        public uint ClientAddress(int index) => 0xC6130402;

        public string ClientMac(int index) => "02:00:c6:13:04:02";

        public int Reboots;

        public void ApplySettings(RouterSettings settings)
        {
        }

        public void Reboot() => Reboots++;
    }

    /// <summary>
    /// The core admin app and a real NAT engine, served by the host-board adapter
    /// (<see cref="AdminSocketServer"/>) on 127.0.0.1 with settings in a temporary file.
    /// </summary>
    internal sealed class InProcessRouter : IDisposable
    {
        public readonly string Directory = Path.Combine(Path.GetTempPath(), "nr-admin-" + Guid.NewGuid().ToString("N"));
        public readonly MonotonicClock Clock = new MonotonicClock();
        public readonly TestRouterHost Host = new TestRouterHost();
        public readonly RouterSettings Settings = new RouterSettings();
        public readonly SettingsStore Store;
        public readonly NatEngine Engine;
        public readonly OwnerPresence Presence = new OwnerPresence("the test button");
        public readonly AdminApp App;
        public readonly AdminSocketServer Server;

        public InProcessRouter(int port = 0)
        {
            System.IO.Directory.CreateDirectory(Directory);
            Store = new SettingsStore(new FileConfigStore(Path.Combine(Directory, "settings.bin")));
            Store.Load(Settings);
            var options = new NatOptions
            {
                LanAddress = 0xC6130401,    // 198.19.4.1
                WanAddress = 0xC6120002,    // 198.18.0.2
                Capacity = 512,
            };
            Settings.ApplyTo(options);
            Engine = new NatEngine(options, Clock);
            Settings.ApplyTo(Engine.Passthrough);
            App = new AdminApp(Engine, Host, Store, Settings, Clock, new AdminEntropy(), new DotNetKeyDerivation(), Presence);
            Server = new AdminSocketServer(App, IPAddress.Loopback, port);
            Server.Start();
        }

        public string BaseUrl => "http://127.0.0.1:" + Server.LocalEndPoint.Port;

        public void Dispose()
        {
            Server.Stop();
            try
            {
                System.IO.Directory.Delete(Directory, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
