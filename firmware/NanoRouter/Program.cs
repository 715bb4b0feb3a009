using System.Device.Gpio;
using System.Threading;
using nanoFramework.Runtime.Native;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;
using NanoRouter.Hal.Esp32;

namespace NanoRouter
{
    /// <summary>
    /// The device's composition root (ESP32-DevKitC, boards/esp32-devkitc/board.json). Boot order:
    /// settings, access point, uplink (retried in the background, the AP stays up), forwarding,
    /// admin page. The LED blinks slowly without uplink and is solid while forwarding; holding
    /// BOOT for 5 s erases the settings and reboots.
    /// </summary>
    public static class Program
    {
        /// <summary>NAT entries (board.json natCapacity; budget in boards/esp32-devkitc/README.md).</summary>
        public const int NatCapacity = 512;

        /// <summary>External ports for remapped flows; lwIP's own sockets use 49152-65535.</summary>
        public const int NatPortLow = 10000;

        /// <summary>The highest external port (board.json natPortHigh).</summary>
        public const int NatPortHigh = 49151;

        /// <summary>The packet buffers (the native ring's slot size).</summary>
        public const int MaxPacket = 1500;

        /// <summary>How long the boot waits for the first uplink join before going on.</summary>
        public const int FirstJoinWaitMs = 20000;

        private static NatEngine s_engine;
        private static NativePacketPort s_port;
        private static WifiRouterHost s_host;
        private static DevKitBoard s_board;

        /// <summary>Boots the router.</summary>
        public static void Main()
        {
            s_board = new DevKitBoard(new GpioController());
            s_board.Show(LightPattern.SlowBlink);
            s_port = new NativePacketPort();
            IClock clock = s_port;

            // 1. Settings (defaults on first boot or when both flash slots are bad).
            SettingsStore store = new SettingsStore(new FlashConfigStore());
            RouterSettings settings = new RouterSettings();
            store.Load(settings);
            s_host = new WifiRouterHost(settings);
            if (settings.ApSsid == new RouterSettings().ApSsid)
            {
                settings.ApSsid = s_host.DefaultApSsid;
                store.Save(settings);
            }

            // 2. Access point (reboots once when its saved configuration changed).
            s_host.StartAccessPoint();

            // 3. Uplink: the first try holds the boot for a while, then a thread keeps trying.
            s_host.JoinUplink(FirstJoinWaitMs);
            new Thread(KeepUplink).Start();

            // 4. Forwarding.
            NatOptions options = new NatOptions();
            settings.ApplyTo(options);
            options.Capacity = NatCapacity;
            options.PortRangeStart = NatPortLow;
            options.PortRangeEnd = NatPortHigh;
            options.LanAddress = WifiRouterHost.ApAddress;
            options.MaxPacketLength = MaxPacket;
            options.TunnelCapacity = 16;
            options.FragmentHeldSlots = 2;
            s_engine = new NatEngine(options, clock);
            settings.ApplyTo(s_engine.Passthrough);
            while (!s_port.Start())
            {
                Thread.Sleep(500);
            }

            ConfigurePort();
            new Thread(Forward).Start();

            // 5. Admin page on http://192.168.4.1/.
            AdminApp app = new AdminApp(s_engine, s_host, store, settings, clock, new HardwareEntropy());
            AdminServer server = new AdminServer(app, new SocketAdminTransport("192.168.4.1", 80, AdminServer.MaxConnections), clock);
            new Thread(() => { while (true) { server.Poll(500); } }).Start();

            Supervise(store);
        }

        private static void Forward()
        {
            byte[] buffer = new byte[MaxPacket];
            byte[] released = new byte[MaxPacket];
            int lastTick = s_port.NowMs;
            while (true)
            {
                int length = s_port.Receive(buffer, 100, out Side ingress);
                if (length > 0)
                {
                    Verdict verdict = s_engine.Process(buffer, length, ingress);
                    s_port.Complete(verdict, buffer, length, s_engine.Egress);

                    // Later fragments that waited for their first one.
                    Side egress;
                    int extra;
                    while ((extra = s_engine.TakePending(released, out egress)) > 0)
                    {
                        s_port.Send(released, extra, egress);
                    }
                }

                // Timeouts, switches and uplink changes are applied on this thread.
                if (s_port.NowMs - lastTick >= 100)
                {
                    lastTick = s_port.NowMs;
                    s_engine.Tick();
                }
            }
        }

        private static void KeepUplink()
        {
            uint wan = 0;
            while (true)
            {
                s_host.JoinUplink(-1);
                if (s_host.UplinkAddress != wan && s_engine != null)
                {
                    wan = s_host.UplinkAddress;
                    ConfigurePort();
                }

                Thread.Sleep(2000);
            }
        }

        /// <summary>Tells the shim the addresses and which preserved ports the passthrough rules use.</summary>
        private static void ConfigurePort()
        {
            uint wan = s_host.UplinkAddress;
            s_engine.RequestWanAddress(wan);
            s_port.SetPreserved(17, 500, s_engine.Passthrough.IsEnabled(PassthroughProtocol.Ike));
            s_port.SetPreserved(17, 4500, s_engine.Passthrough.IsEnabled(PassthroughProtocol.NatT));
            s_port.SetPreserved(17, 1701, s_engine.Passthrough.IsEnabled(PassthroughProtocol.L2tp));
            s_port.Configure(WifiRouterHost.ApAddress, WifiRouterHost.ApMask, wan, NatPortLow, NatPortHigh);
        }

        private static void Supervise(SettingsStore store)
        {
            while (true)
            {
                if (s_board.FactoryResetRequested)
                {
                    s_board.Show(LightPattern.FastBlink);
                    store.Erase();
                    Thread.Sleep(1000);
                    Power.RebootDevice();
                }

                s_board.Show(s_host.UplinkConnected ? LightPattern.Solid : LightPattern.SlowBlink);
                Thread.Sleep(500);
            }
        }
    }
}
