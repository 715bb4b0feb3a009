using System.Device.Gpio;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Radio;
using NanoRouter.Hal.Esp32;

namespace NanoRouter
{
    /// <summary>
    /// The device's composition root (ESP32-DevKitC, boards/esp32-devkitc/board.json). The logic is
    /// the portable core's (NanoRouter.Core.Radio.WifiRouter), tested on the host; this file only
    /// hands it the ESP32's parts. Boot order: the BOOT button (before anything is applied),
    /// settings, the access point (the board restarts once when its stored configuration changed),
    /// forwarding, the uplink (in the background, the access point stays up), the admin page.
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

        /// <summary>Boots the router.</summary>
        public static void Main()
        {
            DevKitBoard board = new DevKitBoard(new GpioController());
            NativePacketPort port = new NativePacketPort();
            NatOptions options = new NatOptions { Capacity = NatCapacity, PortRangeStart = NatPortLow, PortRangeEnd = NatPortHigh,
                LanAddress = AccessPointPlan.Address, MaxPacketLength = MaxPacket, TunnelCapacity = 16, FragmentHeldSlots = 2 };
            WifiRouter router = new WifiRouter(board, port, new FlashConfigStore(), new Esp32Uplink(), new Esp32AccessPoint(),
                port, port, board, port, port, options);
            if (router.Boot())
            {
                router.Run(new SocketAdminTransport("192.168.4.1", 80, AdminServer.MaxConnections));
            }
        }
    }
}
