using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Core.Radio
{
    /// <summary>
    /// A Wi-Fi router's board as the admin pages and the NAT engine see it (the ESP32's): the access
    /// point, set up once at boot; the uplink, kept joined by an <see cref="UplinkSupervisor"/>
    /// whose every new address goes to the engine, to the DHCP server (the DNS server it offers)
    /// and to the board (the constructor's boardListener: the native shim).
    /// Boot never depends on a setting being valid: a saved value the Wi-Fi API refuses is
    /// replaced by the factory value for that radio, the other settings stay, and
    /// <see cref="WifiNotice"/> says what happened.
    /// </summary>
    public sealed class RadioRouterHost : IRouterHost, IUplinkListener
    {
        /// <summary>How long the reset button must be held at start-up (and at any time later).</summary>
        public const int ResetHoldMs = 5000;

        private readonly NatEngine _engine;
        private readonly RouterSettings _settings;
        private readonly IAccessPointRadio _accessPoint;
        private readonly IBoard _board;
        private readonly IUplinkListener _boardListener;
        private readonly UplinkSupervisor _uplink;
        private readonly AccessPointConfig _stored = new AccessPointConfig();
        private readonly AccessPointConfig _plan = new AccessPointConfig();
        private readonly WifiText _apSsid = new WifiText();
        private readonly byte[] _mac = new byte[6];
        private readonly StatusLight _light;
        private readonly OwnerPresence _presence = new OwnerPresence("the BOOT button");
        private string _accessPointNotice;
        private bool _resetDown;
        private int _resetDownSinceMs;

        /// <summary>Builds the host over the board's radios. Call <see cref="ApplyAccessPoint"/> at boot.</summary>
        public RadioRouterHost(NatEngine engine, RouterSettings settings, IUplinkRadio uplinkRadio, IAccessPointRadio accessPoint, IBoard board, IClock clock, IUplinkListener boardListener)
        {
            _engine = engine;
            _settings = settings;
            _accessPoint = accessPoint;
            _board = board;
            _boardListener = boardListener;
            _light = new StatusLight(board);
            _uplink = new UplinkSupervisor(uplinkRadio, clock, this);
            _uplink.Configure(settings.UplinkSsid, settings.UplinkPassword);
        }

        /// <summary>The status light (what it shows last).</summary>
        public StatusLight Light => _light;

        /// <summary>Short presses of the reset button (BOOT), which confirm the first admin password.</summary>
        public OwnerPresence Presence => _presence;

        /// <summary>The uplink's supervisor: the board's uplink thread runs its steps.</summary>
        public UplinkSupervisor Uplink => _uplink;

        /// <inheritdoc />
        public uint LanAddress => AccessPointPlan.Address;

        /// <inheritdoc />
        public bool UplinkConnected => _uplink.Address != 0;

        /// <inheritdoc />
        public WifiText UplinkSsid => _settings.UplinkSsid;

        /// <inheritdoc />
        public uint UplinkAddress => _uplink.Address;

        /// <inheritdoc />
        public int UplinkRssi => 0;

        /// <inheritdoc />
        public int ClientCount => _accessPoint.ClientCount;

        /// <inheritdoc />
        public WifiText AccessPointSsid => _apSsid;

        /// <inheritdoc />
        public string WifiNotice
        {
            get
            {
                string uplink = null;
                if (_uplink.State == UplinkState.Invalid)
                {
                    uplink = "The uplink settings cannot be used: " + WifiRules.Describe(_uplink.Problem, false) + " Fix them in Settings.";
                }

                if (_accessPointNotice == null)
                {
                    return uplink;
                }

                return uplink == null ? _accessPointNotice : _accessPointNotice + " " + uplink;
            }
        }

        /// <summary>
        /// Whether the reset button is held at start-up: read before anything else is applied. When
        /// it is down, the board waits (blinking fast) until it has been down for
        /// <see cref="ResetHoldMs"/>; released earlier, nothing happens. On the ESP32 the button is
        /// BOOT (GPIO0), which must be pressed after reset is released, not during: GPIO0 low at
        /// reset starts the ROM's serial bootloader instead of the firmware.
        /// </summary>
        public static bool ResetHeldAtStart(IBoard board, IClock clock)
        {
            StatusLight light = new StatusLight(board);
            int start = clock.NowMs;
            while (board.ResetButtonDown)
            {
                if (clock.NowMs - start >= ResetHoldMs)
                {
                    return true;
                }

                light.Show(LightPattern.FastBlink, clock.NowMs);
                board.Sleep(50);
            }

            light.Show(LightPattern.SlowBlink, clock.NowMs);
            return false;
        }

        /// <summary>
        /// Makes the device's stored access-point configuration what the settings ask for. The
        /// device starts its access point at boot from that configuration, so a change needs a
        /// restart: this returns true only when the new configuration was stored and reads back
        /// exactly as planned, so the next boot finds nothing to change (no restart loop). Values the
        /// Wi-Fi API refuses fall back to the factory access point, with a <see cref="WifiNotice"/>.
        /// </summary>
        /// <returns>True when the board must restart now.</returns>
        public bool ApplyAccessPoint()
        {
            _accessPointNotice = null;
            WifiProblem problem = AccessPointPlan.Build(_settings, DefaultSsid, _plan);
            if (problem != WifiProblem.None)
            {
                _accessPointNotice = "The saved access-point settings cannot be used (" + WifiRules.Describe(problem, true)
                    + ") The access point runs as " + DefaultSsid + ", open. Fix them in Settings.";
            }

            bool restart = Store();
            if (!restart && _accessPointNotice == null && !AccessPointPlan.Same(_stored, _plan))
            {
                // The device refused what the settings ask for: use the factory access point instead.
                AccessPointPlan.Factory(DefaultSsid, _settings.ApChannel, _plan);
                _accessPointNotice = "The device refused the saved access-point settings. The access point runs as "
                    + DefaultSsid + ", open. Change them in Settings.";
                restart = Store();
            }

            if (!AccessPointPlan.Same(_stored, _plan) && !restart)
            {
                _accessPointNotice = "The device did not store the access-point settings; it runs on what it had before.";
            }

            _apSsid.Set(_plan.Ssid, 0, _plan.SsidLength);
            return restart;
        }

        /// <summary>
        /// One look at the board from its supervision loop (every 100 ms or so): the light
        /// shows the uplink (solid: forwarding; slow blink: no uplink), the reset button pressed
        /// briefly (up within <see cref="OwnerPresence.ShortPressMaxMs"/>) is the owner's presence,
        /// and held for <see cref="ResetHoldMs"/> it erases the settings and restarts the board.
        /// </summary>
        /// <returns>True when the board is being reset (it restarts; on a host the call returns).</returns>
        public bool Watch(SettingsStore store, int nowMs)
        {
            bool down = _board.ResetButtonDown;
            _presence.Sample(down, nowMs);
            if (!down)
            {
                _resetDown = false;
                _light.Show(UplinkConnected ? LightPattern.Solid : LightPattern.SlowBlink, nowMs);
                return false;
            }

            if (!_resetDown)
            {
                _resetDown = true;
                _resetDownSinceMs = nowMs;
            }

            if (nowMs - _resetDownSinceMs < ResetHoldMs)
            {
                _light.Show(LightPattern.FastBlink, nowMs);
                return false;
            }

            store.Erase();
            _board.Sleep(1000);
            _board.Reboot();
            return true;
        }

        /// <inheritdoc />
        public uint ClientAddress(int index) => 0;

        /// <inheritdoc />
        public string ClientMac(int index) => _accessPoint.ReadClientMac(index, _mac) ? Naming.Mac(_mac) : string.Empty;

        /// <summary>The board's own access-point name, from its MAC address.</summary>
        public string DefaultSsid => Naming.DefaultSsid(_accessPoint.MacAddress);

        /// <inheritdoc />
        public void ApplySettings(RouterSettings settings)
        {
            _engine.SetTimeouts(settings.UdpTimeoutSeconds * 1000, settings.TcpEstablishedTimeoutSeconds * 1000,
                settings.TcpTransitoryTimeoutSeconds * 1000, settings.IcmpTimeoutSeconds * 1000);
            _engine.Options.MssClamp = settings.MssClamp;
            _uplink.Configure(settings.UplinkSsid, settings.UplinkPassword);
        }

        /// <inheritdoc />
        public void Reboot() => _board.Reboot();

        /// <inheritdoc />
        public void UplinkAddressChanged(uint address, uint dnsServer)
        {
            _engine.RequestWanAddress(address);
            _accessPoint.OfferDnsServer(dnsServer);
            _boardListener.UplinkAddressChanged(address, dnsServer);
        }

        /// <summary>Stores the plan unless the device already has it.</summary>
        /// <returns>True when it was stored and reads back as planned.</returns>
        private bool Store()
        {
            if (_accessPoint.Read(_stored) && AccessPointPlan.Same(_stored, _plan))
            {
                return false;
            }

            return _accessPoint.Write(_plan) && _accessPoint.Read(_stored) && AccessPointPlan.Same(_stored, _plan);
        }
    }
}
