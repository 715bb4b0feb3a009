using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Router;
using NanoRouter.Hal;
using NanoRouter.Hal.Linux;

namespace NanoRouter.Host
{
    /// <summary>
    /// `run` mode: the router in the current network namespace, on two existing interfaces.
    /// Start order: interfaces, admin port, NFQUEUE bind, then the netfilter rules (so no packet
    /// is queued before someone listens); stop order is the reverse.
    /// </summary>
    internal sealed class RouterService
    {
        private const int PacketBufferLength = 65535;
        private const int HousekeepingIntervalMs = 1000;
        private const int TickIntervalMs = 50;
        private const int TableFullLogIntervalMs = 10000;

        /// <summary>SIGUSR1 on Linux: the host board's short press of its button.</summary>
        private const PosixSignal SigUsr1 = (PosixSignal)10;

        private readonly CommandLine _line;
        private readonly MonotonicClock _clock = new MonotonicClock();
        private volatile bool _stop;
        private NativeFlowTable _flows;
        private string _stopReason = "stop requested";

        public RouterService(CommandLine line)
        {
            _line = line;
        }

        /// <summary>Runs until SIGTERM/SIGINT (or the lab's parent is gone); returns the exit code.</summary>
        public int Run()
        {
            if (!HostProcess.IsRoot)
            {
                Log.Error("must run as root (it adds netfilter rules and binds an NFQUEUE queue)");
                return 1;
            }

            if (!InterfaceInfo.TryFind(_line.Lan, out InterfaceInfo lan, out string error)
                || !InterfaceInfo.TryFind(_line.Wan, out InterfaceInfo wan, out error))
            {
                Log.Error(error);
                return 1;
            }

            byte[] password = null;
            if (_line.AdminPasswordFile != null && !TryReadPassword(_line.AdminPasswordFile, out password, out error))
            {
                Log.Error(error);
                return 1;
            }

            // Settings: the --config file (created on the first save), else memory for this run.
            var store = new SettingsStore(_line.ConfigFile != null ? new FileConfigStore(_line.ConfigFile) : new MemoryConfigStore());
            var settings = new RouterSettings();
            SettingsLoadStatus loaded = store.Load(settings);
            var clock = _clock;
            var options = new NatOptions
            {
                LanAddress = lan.Address,
                LanPrefixLength = lan.PrefixLength,
                WanAddress = wan.Address,
            };
            settings.ApplyTo(options);

            // The native flow path (dataplane/, libnrflow.so: the C code the ESP32 runs in its lwIP
            // hook) forwards established flows in the NFQUEUE loop: the default, and every e2e, VPN and
            // hostile test runs that way; --no-native sends every packet through the managed engine, for
            // comparison. Room for every flow the engine can hold: its sessions, tunnel mappings and PPTP calls.
            _flows = _line.Native ? new NativeFlowTable(Math.Min(0xFFFE, 2 * options.Capacity)) : null;
            var engine = new NatEngine(options, clock, _flows);
            settings.ApplyTo(engine.Passthrough);
            string settingsNote = _line.ConfigFile == null ? "in memory (no --config)"
                : (loaded == SettingsLoadStatus.Loaded ? "loaded from " : "defaults (" + loaded + "), saved to ") + _line.ConfigFile;
            var passwords = new DotNetKeyDerivation();
            if (password != null && !settings.HasAdminPassword)
            {
                SetAdminPassword(settings, password, passwords);
                settingsNote += (store.Save(settings) ? "; admin password set from " : "; admin password set (NOT saved) from ") + _line.AdminPasswordFile;
            }

            Array.Clear(password ?? Array.Empty<byte>());
            var host = new HostRouter(lan, wan, engine);
            // The host board's BOOT button is a signal: whoever may signal the process is at the board.
            var presence = new OwnerPresence("SIGUSR1 (kill -USR1 " + Environment.ProcessId + ")");
            using PosixSignalRegistration button = PosixSignalRegistration.Create(SigUsr1, context =>
            {
                context.Cancel = true;
                presence.Press(clock.NowMs);
                Log.Info("SIGUSR1: the board's button was pressed (owner presence)");
            });
            var app = new AdminApp(engine, host, store, settings, clock, new AdminEntropy(), passwords, presence);
            app.Port = _line.AdminPort;
            if (_line.AllowHost != null)
            {
                app.AllowHost(_line.AllowHost, _line.AllowHostPort);
            }

            // The admin page lives on the LAN address only, never on the WAN.
            var admin = new AdminSocketServer(app, IPAddress.Parse(lan.AddressText), _line.AdminPort);
            try
            {
                admin.Start();
            }
            catch (SocketException e)
            {
                Log.Error(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? "admin port " + _line.AdminPort + " on " + lan.AddressText + " is in use"
                    : "cannot open admin port " + _line.AdminPort + " on " + lan.AddressText + ": " + e.Message);
                return 1;
            }

            using (admin)
            {
                try
                {
                    return RunPacketPath(lan, wan, engine, host, settingsNote, !settings.HasAdminPassword);
                }
                finally
                {
                    _flows?.Dispose();
                }
            }
        }

        private int RunPacketPath(InterfaceInfo lan, InterfaceInfo wan, NatEngine engine, HostRouter host, string settingsNote, bool awaitingOwner)
        {
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using PosixSignalRegistration quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

            if (!NfQueuePort.TryOpen(_line.Queue, lan.Index, wan.Index, !_line.NoGso, out NfQueuePort port, out string error))
            {
                Log.Error(error);
                return 1;
            }

            port.AttachFlowPath(_flows);
            using (port)
            {
                if (!RouterNetfilter.TryInstall(lan, wan, _line.Queue, out RouterNetfilter rules, out error))
                {
                    Log.Error(error);
                    return 1;
                }

                using (rules)
                {
                    if (rules.ReplacedStale)
                    {
                        Log.Info("replaced the iptables chain " + rules.ChainName + " a previous run left behind");
                    }

                    Log.Info("start: lan " + lan.Name + " " + lan.AddressText + "/" + lan.PrefixLength
                        + ", wan " + wan.Name + ", NFQUEUE " + _line.Queue + (port.Gso ? " with GSO" : " without GSO") + " (iptables chain " + rules.ChainName + "), NAT capacity " + engine.Capacity);
                    Log.Info("settings " + settingsNote);
                    Log.Info(_flows == null ? "native flow path off (--no-native): every packet through the managed engine"
                        : "native flow path on: " + _flows.Capacity + " slots (libnrflow.so); established flows are forwarded in C");
                    if (awaitingOwner)
                    {
                        Log.Info("no admin password yet: choose one on the admin page, then confirm it from this machine with kill -USR1 "
                            + Environment.ProcessId + " (the board's button; --admin-password-file sets one without the page)");
                    }

                    Log.Info("uplink address " + wan.AddressText + "/" + wan.PrefixLength + " on " + wan.Name);
                    Log.Info("admin page: http://" + lan.AddressText + (_line.AdminPort == 80 ? string.Empty : ":" + _line.AdminPort) + "/");
                    Log.Info("ready");

                    RunPackets(port, engine, wan, host);

                    long all = port.PacketsReceived + port.PacketsNative;
                    Log.Info("stopping (" + _stopReason + "): " + port.PacketsReceived + " packets, "
                        + port.PacketsForwarded + " forwarded, " + port.PacketsLocal + " local, "
                        + port.PacketsDropped + " dropped, " + port.Overruns + " queue overruns; "
                        + port.PacketsNative + " forwarded by the native flow path, "
                        + (all == 0 ? "0" : (100.0 * port.PacketsReceived / all).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)) + " % of packets reached the managed engine"
                        + (engine.Flows != null ? "; flows installed " + engine.Flows.Installs + ", removed " + engine.Flows.Removals + ", offloaded now " + engine.Flows.Offloaded
                            + ", installs refused " + engine.Flows.RefusedFull + " full / " + engine.Flows.RefusedBusy + " busy / " + engine.Flows.RefusedOther + " other" : string.Empty));
                }
            }

            Log.Info("stopped; rules removed");
            return 0;
        }

        private void RunPackets(NfQueuePort port, NatEngine engine, InterfaceInfo wan, HostRouter host)
        {
            var loop = new PacketLoop(engine, port, _clock, PacketBufferLength, TickIntervalMs);
            long nextHousekeeping = Environment.TickCount64 + HousekeepingIntervalMs;
            long lastTableFullLog = long.MinValue / 2;
            int tableFullSeen = 0;
            uint wanAddress = wan.Address;
            using var wanProbe = new InterfaceAddressProbe(wan.Name);
            bool[] enabled = new bool[PassthroughRules.Count];
            for (int i = 0; i < enabled.Length; i++)
            {
                enabled[i] = engine.Passthrough.IsEnabled((PassthroughProtocol)i);
            }

            while (!_stop)
            {
                loop.RunOnce(TickIntervalMs);
                long now = Environment.TickCount64;
                if (now < nextHousekeeping)
                {
                    continue;
                }

                nextHousekeeping = now + HousekeepingIntervalMs;
                int tableFull = engine.DropCount(DropReason.TableFull);
                if (tableFull != tableFullSeen && now - lastTableFullLog >= TableFullLogIntervalMs)
                {
                    Log.Info("NAT table full (" + engine.ActiveEntries + "/" + engine.Capacity + " entries): "
                        + (tableFull - tableFullSeen) + " packets dropped since the last report");
                    tableFullSeen = tableFull;
                    lastTableFullLog = now;
                }

                for (int i = 0; i < enabled.Length; i++)
                {
                    bool on = engine.Passthrough.IsEnabled((PassthroughProtocol)i);
                    if (on != enabled[i])
                    {
                        enabled[i] = on;
                        Log.Info("passthrough " + PassthroughRules.KeyOf((PassthroughProtocol)i) + (on ? " on" : " off"));
                    }
                }

                // Read without allocating; the interface list is walked only when the address changed.
                uint address = wanProbe.Read();
                if (host.TakeRebootRequest())
                {
                    // The host board's restart: the NAT state starts over, the process and its rules stay.
                    engine.SetWanAddress(address);
                    wanAddress = address;
                    Log.Info("restart requested from the admin page: NAT sessions cleared");
                }

                if (address != wanAddress)
                {
                    wanAddress = address;
                    host.UplinkAddress = address;
                    engine.SetWanAddress(address);
                    InterfaceInfo current = address == 0 ? null : InterfaceInfo.Find(wan.Name);
                    Log.Info(address == 0
                        ? "uplink address lost on " + wan.Name
                        : "uplink address " + InterfaceInfo.FormatAddress(address) + (current != null && current.Address == address ? "/" + current.PrefixLength : "") + " on " + wan.Name + " (NAT sessions reset)");
                }

                if (_line.ParentPid > 0 && !HostProcess.IsAlive(_line.ParentPid))
                {
                    _stopReason = "the lab process " + _line.ParentPid + " is gone";
                    _stop = true;
                }
            }

            port.Flush();
        }

        private void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            _stopReason = context.Signal.ToString();
            _stop = true;
        }

        /// <summary>Reads the admin password: the file's first line, 8 to 128 bytes of UTF-8.</summary>
        private static bool TryReadPassword(string path, out byte[] password, out string error)
        {
            password = null;
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                error = "cannot read the admin password file " + path + ": " + e.Message;
                return false;
            }

            int end = text.IndexOfAny(new[] { '\r', '\n' });
            string line = end >= 0 ? text.Substring(0, end) : text;
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
            if (bytes.Length < 8 || bytes.Length > 128)
            {
                error = "the admin password in " + path + " must be 8 to 128 bytes";
                return false;
            }

            password = bytes;
            error = null;
            return true;
        }

        /// <summary>Sets the admin password the way the admin app does (PBKDF2-HMAC-SHA256 with a fresh salt).</summary>
        private static void SetAdminPassword(RouterSettings settings, byte[] password, IKeyDerivation passwords)
        {
            new AdminEntropy().Fill(settings.AdminSalt, 0, RouterSettings.SaltBytes);
            settings.AdminIterations = passwords.Iterations;
            passwords.DeriveKey(password, password.Length, settings.AdminSalt, RouterSettings.SaltBytes, settings.AdminIterations, settings.AdminHash);
            settings.HasAdminPassword = true;
        }
    }
}
