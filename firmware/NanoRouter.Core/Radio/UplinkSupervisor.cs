using NanoRouter.Core.Config;
using NanoRouter.Hal;

namespace NanoRouter.Core.Radio
{
    /// <summary>Where the uplink is.</summary>
    public enum UplinkState : byte
    {
        /// <summary>No uplink network is configured.</summary>
        NotConfigured = 0,

        /// <summary>The next step joins the network.</summary>
        Joining = 1,

        /// <summary>Joined; waiting for the network's DHCP server to give an address.</summary>
        WaitingForAddress = 2,

        /// <summary>Joined with an address: forwarding.</summary>
        Up = 3,

        /// <summary>The last attempt failed; the next one waits out the backoff.</summary>
        BackingOff = 4,

        /// <summary>The configured name or passphrase is one the Wi-Fi API refuses: nothing is tried.</summary>
        Invalid = 5,
    }

    /// <summary>Told whenever the uplink's address changes (0: none).</summary>
    public interface IUplinkListener
    {
        /// <summary>The uplink has a new address (and the DNS server its DHCP gave), or lost it.
        /// Called on the uplink thread.</summary>
        void UplinkAddressChanged(uint address, uint dnsServer);
    }

    /// <summary>
    /// Keeps the uplink joined: the board's uplink thread calls <see cref="Step"/> in a loop and
    /// sleeps for what it returns. Every step reads the station's address afresh (the ESP32's
    /// NetworkInterface objects keep what they held when they were made, System.Net
    /// NetworkInterface.cs, so nothing may be cached). A new address goes to the listener (the NAT
    /// engine, the native shim, the DHCP server's DNS option). Failed joins back off from
    /// <see cref="FirstBackoffMs"/> doubling to <see cref="MaxBackoffMs"/>: each attempt scans, and
    /// on the ESP32's single radio a scan leaves the access point's channel, which its clients feel.
    /// A lost address first waits <see cref="ReconnectGraceMs"/>: nanoFramework's Wi-Fi driver
    /// rejoins by itself after a drop (targetHAL_Network.cpp, WIFI_EVENT_STA_DISCONNECTED while
    /// NF_ESP32_IsToConnect). The access point is never touched. A step allocates nothing.
    /// </summary>
    public sealed class UplinkSupervisor
    {
        /// <summary>The first wait after a failed attempt.</summary>
        public const int FirstBackoffMs = 5000;

        /// <summary>The longest wait between attempts.</summary>
        public const int MaxBackoffMs = 300000;

        /// <summary>How long a join may take to bring an address before it counts as failed.</summary>
        public const int AddressWaitMs = 20000;

        /// <summary>How long a lost address is left to the radio's own rejoining.</summary>
        public const int ReconnectGraceMs = 30000;

        /// <summary>How often an established uplink's address is read.</summary>
        public const int PollMs = 1000;

        private readonly IUplinkRadio _radio;
        private readonly IClock _clock;
        private readonly IUplinkListener _listener;
        private readonly WifiText _ssid = new WifiText();
        private readonly WifiText _passphrase = new WifiText();
        private readonly WifiText _pendingSsid = new WifiText();
        private readonly WifiText _pendingPassphrase = new WifiText();
        private readonly object _lock = new object();
        private bool _changed;
        private UplinkState _state = UplinkState.NotConfigured;
        private bool _associated;
        private int _deadlineMs;
        private int _backoffMs = FirstBackoffMs;
        private uint _address;
        private uint _dnsServer;
        private int _attempts;
        private UplinkJoinResult _lastResult = UplinkJoinResult.Joined;
        private WifiProblem _problem;

        /// <summary>Supervises <paramref name="radio"/>; tells <paramref name="listener"/> of addresses.</summary>
        public UplinkSupervisor(IUplinkRadio radio, IClock clock, IUplinkListener listener)
        {
            _radio = radio;
            _clock = clock;
            _listener = listener;
        }

        /// <summary>The state after the last step.</summary>
        public UplinkState State => _state;

        /// <summary>The uplink's address from the last read (big-endian number); 0 when none. Any thread
        /// (one aligned word: nanoFramework has no volatile, and a reader sees the old or the new value).</summary>
        public uint Address => _address;

        /// <summary>Join attempts made so far.</summary>
        public int Attempts => _attempts;

        /// <summary>How the last join attempt ended.</summary>
        public UplinkJoinResult LastResult => _lastResult;

        /// <summary>What is wrong with the configured name or passphrase (<see cref="UplinkState.Invalid"/>).</summary>
        public WifiProblem Problem => _problem;

        /// <summary>Sets the network to join (an empty name: none). Any thread; the next step
        /// leaves the old network and joins the new one at once.</summary>
        public void Configure(WifiText ssid, WifiText passphrase)
        {
            lock (_lock)
            {
                _pendingSsid.CopyFrom(ssid);
                _pendingPassphrase.CopyFrom(passphrase);
                _changed = true;
            }
        }

        /// <summary>Does what is due and returns how long to wait before the next step (ms).</summary>
        public int Step()
        {
            bool changed;
            lock (_lock)
            {
                changed = _changed;
            }

            if (changed)
            {
                TakeConfiguration();
            }

            int now = _clock.NowMs;
            switch (_state)
            {
                case UplinkState.NotConfigured:
                case UplinkState.Invalid:
                    Publish(0);
                    return PollMs;
                case UplinkState.Joining:
                    return Join(now);
                case UplinkState.BackingOff:
                    if (now - _deadlineMs < 0)
                    {
                        return Until(now, _deadlineMs, PollMs);
                    }

                    _state = UplinkState.Joining;
                    return Join(now);
                default:
                    return Watch(now);
            }
        }

        private void TakeConfiguration()
        {
            lock (_lock)
            {
                _changed = false;
                _ssid.CopyFrom(_pendingSsid);
                _passphrase.CopyFrom(_pendingPassphrase);
            }

            if (_associated)
            {
                _radio.Leave();
                _associated = false;
            }

            Publish(0);
            _backoffMs = FirstBackoffMs;
            _problem = WifiRules.CheckSsid(_ssid, true);
            if (_problem == WifiProblem.None)
            {
                _problem = WifiRules.CheckPassphrase(_passphrase, false);
            }

            _state = _problem != WifiProblem.None ? UplinkState.Invalid : _ssid.Length == 0 ? UplinkState.NotConfigured : UplinkState.Joining;
        }

        private int Join(int now)
        {
            _attempts++;
            _lastResult = _radio.Join(_ssid.Bytes, _ssid.Length, _passphrase.Bytes, _passphrase.Length);
            if (_lastResult == UplinkJoinResult.Joined)
            {
                _associated = true;
                _state = UplinkState.WaitingForAddress;
                _deadlineMs = _clock.NowMs + AddressWaitMs;
                return Watch(_clock.NowMs);
            }

            if (_lastResult == UplinkJoinResult.Invalid)
            {
                _problem = WifiProblem.DeviceRefused;
                _state = UplinkState.Invalid;
                return PollMs;
            }

            return BackOff(_clock.NowMs);
        }

        private int Watch(int now)
        {
            uint address = _radio.ReadAddress();
            if (address != 0)
            {
                if (address != _address)
                {
                    _dnsServer = _radio.ReadDnsServer();
                    Publish(address);
                }

                _state = UplinkState.Up;
                _backoffMs = FirstBackoffMs;
                return PollMs;
            }

            if (_state == UplinkState.Up)
            {
                // Lost: the radio rejoins on its own first.
                Publish(0);
                _state = UplinkState.WaitingForAddress;
                _deadlineMs = now + ReconnectGraceMs;
                return PollMs;
            }

            if (now - _deadlineMs < 0)
            {
                return PollMs;
            }

            _radio.Leave();
            _associated = false;
            return BackOff(now);
        }

        private int BackOff(int now)
        {
            _state = UplinkState.BackingOff;
            _deadlineMs = now + _backoffMs;
            int wait = _backoffMs;
            _backoffMs = _backoffMs >= MaxBackoffMs / 2 ? MaxBackoffMs : _backoffMs * 2;
            return wait < PollMs ? wait : PollMs;
        }

        private void Publish(uint address)
        {
            if (address == _address)
            {
                return;
            }

            _address = address;
            if (address == 0)
            {
                _dnsServer = 0;
            }

            _listener.UplinkAddressChanged(address, _dnsServer);
        }

        private static int Until(int now, int deadline, int most)
        {
            int left = deadline - now;
            return left < most ? (left < 1 ? 1 : left) : most;
        }
    }
}
