using System;
using System.Threading;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Router;
using NanoRouter.Hal;

namespace NanoRouter.Core.Radio
{
    /// <summary>
    /// A Wi-Fi router board put together: what the ESP32's Program does, in portable code the host
    /// tests run. <see cref="Boot"/> reads the reset button before anything else is applied, loads
    /// the settings, builds the NAT engine and makes the access point what the settings ask for;
    /// <see cref="Run"/> then runs <see cref="PacketStep"/>, <see cref="UplinkStep"/> and
    /// <see cref="AdminStep"/> forever, each on a thread of its own, and <see cref="WatchStep"/> on
    /// the board's main thread.
    /// </summary>
    public sealed class WifiRouter : IUplinkListener
    {
        /// <summary>The packet loop's longest wait for a packet, and how often the engine ticks.</summary>
        public const int PacketWaitMs = 100;

        /// <summary>PBKDF2 iterations for a new admin password on the board's native chain (mbedTLS):
        /// 4 SHA-256 blocks per iteration at about 15 µs each in software at 240 MHz (less with the
        /// SHA accelerator) make at most about 0.7 s per login, an estimate (no hardware here).</summary>
        public const int NativePasswordIterations = 10000;

        /// <summary>Native iterations per step, between two yields of the admin thread: about 2 ms
        /// per call by the same estimate, within the 3.5 ms (6,000 IL) a managed run may take.</summary>
        public const int NativeIterationsPerStep = 32;

        /// <summary>PBKDF2 iterations for a new admin password when the board has no native chain
        /// (the core's managed HMAC, about 15 ms per iteration on an ESP32's interpreter).</summary>
        public const int ManagedPasswordIterations = 64;

        private readonly IBoard _board;
        private readonly IClock _clock;
        private readonly IUplinkRadio _uplink;
        private readonly IAccessPointRadio _accessPoint;
        private readonly IPacketPort _port;
        private readonly IForwardingShim _shim;
        private readonly IEntropySource _entropy;
        private readonly IHmacSha256Chain _passwordChain;
        private readonly IFlowPath _flowPath;
        private readonly NatOptions _options;
        private readonly SettingsStore _store;
        private readonly RouterSettings _settings = new RouterSettings();
        private NatEngine _engine;
        private RadioRouterHost _host;
        private PacketLoop _loop;
        private AdminServer _admin;
        private int _faults;

        /// <summary>Gathers the board's parts; nothing is applied until <see cref="Boot"/>.</summary>
        /// <param name="board">Reset button, light, restart.</param>
        /// <param name="clock">The board's monotonic milliseconds.</param>
        /// <param name="flash">Where the settings live.</param>
        /// <param name="uplink">The station.</param>
        /// <param name="accessPoint">The access point and its DHCP server.</param>
        /// <param name="port">The packet port (the native shim on the ESP32).</param>
        /// <param name="shim">The native shim that picks the packets to forward from the stack.</param>
        /// <param name="entropy">Random bytes for the admin app.</param>
        /// <param name="passwordChain">The board's native HMAC-SHA256 chain for the admin password's
        /// PBKDF2 (null: the core's managed one, with <see cref="ManagedPasswordIterations"/>).</param>
        /// <param name="flowPath">The board's native flow path (the ESP32's input hook), where the engine
        /// installs its established flows; null, or one of no slots (a firmware built without the
        /// table): every packet goes through the engine.</param>
        /// <param name="options">The NAT engine's sizes and port range (the settings add the timeouts).</param>
        public WifiRouter(IBoard board, IClock clock, IConfigStore flash, IUplinkRadio uplink, IAccessPointRadio accessPoint,
            IPacketPort port, IForwardingShim shim, IEntropySource entropy, IHmacSha256Chain passwordChain, IFlowPath flowPath,
            NatOptions options)
        {
            _passwordChain = passwordChain;
            _flowPath = flowPath;
            _board = board;
            _clock = clock;
            _uplink = uplink;
            _accessPoint = accessPoint;
            _port = port;
            _shim = shim;
            _entropy = entropy;
            _options = options;
            _store = new SettingsStore(flash);
        }

        /// <summary>The settings in force.</summary>
        public RouterSettings Settings => _settings;

        /// <summary>The NAT engine (after <see cref="Boot"/>).</summary>
        public NatEngine Engine => _engine;

        /// <summary>Steps that threw (each a bug; counted, skipped).</summary>
        public int Faults => _faults;

        /// <summary>The board as the admin pages see it (after <see cref="Boot"/>).</summary>
        public RadioRouterHost Host => _host;

        /// <summary>
        /// Boots: the reset button first (held 5 s: the settings are erased before they are read),
        /// then the settings, the engine (over the board's native flow path when it has one), the access
        /// point (stored anew when it differs) and its DHCP server.
        /// </summary>
        /// <returns>False when the board had to restart for a new access-point configuration (on the
        /// device <see cref="IBoard.Reboot"/> does not return).</returns>
        public bool Boot()
        {
            if (RadioRouterHost.ResetHeldAtStart(_board, _clock))
            {
                _store.Erase();
            }

            _store.Load(_settings);
            _settings.ApplyTo(_options);
            _engine = new NatEngine(_options, _clock, _flowPath != null && _flowPath.Capacity > 0 ? _flowPath : null);
            _settings.ApplyTo(_engine.Passthrough);
            _settings.ApplyForwardsTo(_engine);
            _host = new RadioRouterHost(_engine, _settings, _uplink, _accessPoint, _board, _clock, this);
            if (_host.ApplyAccessPoint())
            {
                _board.Reboot();
                return false;
            }

            _accessPoint.StartDhcp(AccessPointPlan.Address, AccessPointPlan.Mask);
            _loop = new PacketLoop(_engine, _port, _clock, _options.MaxPacketLength > 0 ? _options.MaxPacketLength : 1600, PacketWaitMs);
            return true;
        }

        /// <summary>
        /// Attaches the shim (waiting until Wi-Fi is up) with its rule: the LAN, no uplink yet, the NAT
        /// range, and UDP 4500 (NAT-T), which the engine keeps outside the range when it is free.
        /// Ports below 1024 and every echo reply the shim takes by itself (nr_shim.c).
        /// </summary>
        public void StartForwarding()
        {
            _shim.SetPreserved(17, 4500, true);
            UplinkAddressChanged(0, 0);
            while (!_shim.Start())
            {
                _board.Sleep(500);
            }
        }

        /// <summary>The shim's rule follows the uplink address (the host calls this on the uplink thread).</summary>
        public void UplinkAddressChanged(uint address, uint dnsServer)
        {
            _shim.Configure(_options.LanAddress, 0xFFFFFFFFu << (32 - _options.LanPrefixLength), address, _options.PortRangeStart, _options.PortRangeEnd);
        }

        /// <summary>Starts the admin page on a transport listening on the access point's address.</summary>
        public void StartAdmin(IAdminTransport transport)
        {
            Pbkdf2 passwords = _passwordChain != null
                ? new Pbkdf2(_passwordChain, NativePasswordIterations, NativeIterationsPerStep)
                : Pbkdf2.Managed(ManagedPasswordIterations);
            AdminApp app = new AdminApp(_engine, _host, _store, _settings, _clock, _entropy, passwords, _host.Presence);
            _admin = new AdminServer(app, transport, _clock);
        }

        /// <summary>
        /// Runs the router: attaches the shim, starts the admin page on <paramref name="admin"/> (a
        /// listener on the access point's address), then the packet loop, the uplink and the admin
        /// page each on a thread of its own, and the light and the reset button on the calling thread,
        /// until the board is reset.
        /// </summary>
        public void Run(IAdminTransport admin)
        {
            StartForwarding();
            StartAdmin(admin);
            Pace.Enabled = true;
            RunForever(PacketStep);
            RunForever(UplinkStep);
            RunForever(AdminStep);
            while (!WatchStep())
            {
            }
        }

        /// <summary>The packet thread's step: at most one packet, and the engine's tick.</summary>
        public void PacketStep() => _loop.RunOnce(PacketWaitMs);

        /// <summary>The uplink thread's step, with its sleep.</summary>
        public void UplinkStep() => _board.Sleep(_host.Uplink.Step());

        /// <summary>The admin thread's step.</summary>
        public void AdminStep() => _admin.Poll(500);

        /// <summary>The main thread's step: the light and the reset button, then a short sleep.</summary>
        /// <returns>True when the board is being reset (it restarts).</returns>
        public bool WatchStep()
        {
            if (_host.Watch(_store, _clock.NowMs))
            {
                return true;
            }

            _board.Sleep(100);
            return false;
        }

        /// <summary>Runs a step forever on a thread of its own. A step that throws (a bug: the engine
        /// and the admin app never mean to) is skipped, so one bad packet or request never stops the
        /// router; the next step runs 10 ms later.</summary>
        private void RunForever(ThreadStart step)
        {
            new Thread(() =>
            {
                while (true)
                {
                    try
                    {
                        step();
                    }
                    catch (Exception)
                    {
                        _faults++;
                        _board.Sleep(10);
                    }
                }
            }).Start();
        }
    }
}
