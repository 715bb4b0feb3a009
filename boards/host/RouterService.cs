using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
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

        private readonly CommandLine _line;
        private volatile bool _stop;
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

            if (_line.AdminPasswordFile != null && !File.Exists(_line.AdminPasswordFile))
            {
                Log.Error("cannot read the admin password file " + _line.AdminPasswordFile);
                return 1;
            }

            // TODO(admin): the admin adapter (hal/NanoRouter.Hal.Linux/Admin*.cs) binds here, on the LAN
            // address only, with --config (FileConfigStore) and --admin-password-file. Until it lands,
            // only check that the port is free so a clash is reported at start.
            if (!ProbeAdminPort(lan, _line.AdminPort, out error))
            {
                Log.Error(error);
                return 1;
            }

            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using PosixSignalRegistration quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

            if (!NfQueuePort.TryOpen(_line.Queue, lan.Index, wan.Index, out NfQueuePort port, out error))
            {
                Log.Error(error);
                return 1;
            }

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

                    var options = new NatOptions
                    {
                        LanAddress = lan.Address,
                        LanPrefixLength = lan.PrefixLength,
                        WanAddress = wan.Address,
                    };
                    var engine = new NatEngine(options, new MonotonicClock());

                    Log.Info("start: lan " + lan.Name + " " + lan.AddressText + "/" + lan.PrefixLength
                        + ", wan " + wan.Name + ", NFQUEUE " + _line.Queue + " (iptables raw chain " + rules.ChainName + "), NAT capacity " + engine.Capacity);
                    Log.Info("uplink address " + wan.AddressText + "/" + wan.PrefixLength + " on " + wan.Name);
                    Log.Info("admin page: not served yet (the admin server is not wired in); would be http://" + lan.AddressText + ":" + _line.AdminPort + "/");
                    Log.Info("ready");

                    PacketLoop(port, engine, wan);

                    Log.Info("stopping (" + _stopReason + "): " + port.PacketsReceived + " packets, "
                        + port.PacketsForwarded + " forwarded, " + port.PacketsLocal + " local, "
                        + port.PacketsDropped + " dropped, " + port.Overruns + " queue overruns");
                }
            }

            Log.Info("stopped; rules removed");
            return 0;
        }

        private void PacketLoop(NfQueuePort port, NatEngine engine, InterfaceInfo wan)
        {
            byte[] buffer = new byte[PacketBufferLength];
            long lastTick = Environment.TickCount64;
            long nextHousekeeping = lastTick + HousekeepingIntervalMs;
            long lastTableFullLog = long.MinValue / 2;
            int tableFullSeen = 0;
            uint wanAddress = wan.Address;
            bool[] enabled = new bool[PassthroughRules.Count];
            for (int i = 0; i < enabled.Length; i++)
            {
                enabled[i] = engine.Passthrough.IsEnabled((PassthroughProtocol)i);
            }

            while (!_stop)
            {
                int length = port.Receive(buffer, TickIntervalMs, out Side ingress);
                long now = Environment.TickCount64;
                if (now - lastTick >= TickIntervalMs)
                {
                    engine.Tick();
                    lastTick = now;
                }

                if (length > 0)
                {
                    Verdict verdict;
                    if (ingress == Side.Lan && buffer[8] <= 1)
                    {
                        // TTL expires here. The kernel (which decrements TTL as it forwards) answers
                        // with Time Exceeded from the LAN address, as a router must, but only while
                        // the packet still carries the LAN host's source; after NAT it would answer
                        // the router's own WAN address.
                        verdict = Verdict.Local;
                    }
                    else
                    {
                        verdict = engine.Process(buffer, length, ingress);
                    }

                    port.Complete(verdict, buffer, length, engine.Egress);
                }

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

                InterfaceInfo current = InterfaceInfo.Find(wan.Name);
                uint address = current == null ? 0 : current.Address;
                if (address != wanAddress)
                {
                    wanAddress = address;
                    engine.SetWanAddress(address);
                    Log.Info(address == 0
                        ? "uplink address lost on " + wan.Name
                        : "uplink address " + current.AddressText + "/" + current.PrefixLength + " on " + wan.Name + " (NAT sessions reset)");
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

        private static bool ProbeAdminPort(InterfaceInfo lan, int port, out string error)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(lan.AddressText), port));
                socket.Listen(1);
                error = null;
                return true;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                error = "admin port " + port + " on " + lan.AddressText + " is in use";
                return false;
            }
            catch (SocketException e)
            {
                error = "cannot open admin port " + port + " on " + lan.AddressText + ": " + e.Message;
                return false;
            }
        }
    }
}
