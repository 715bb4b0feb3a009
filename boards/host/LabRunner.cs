using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading;
using NanoRouter.Hal.Linux;

namespace NanoRouter.Host
{
    /// <summary>
    /// The no-argument mode: builds the nr-* lab, runs this same program in `run` mode inside
    /// nr-rtr, forwards 127.0.0.1:8080 on the host to the admin page, and on Ctrl-C/SIGTERM
    /// stops the router and removes every namespace it made.
    /// </summary>
    internal sealed class LabRunner
    {
        /// <summary>The lab's namespace prefix (nr-lan, nr-rtr, nr-wan).</summary>
        public const string Prefix = "nr";

        /// <summary>The admin port inside the lab.</summary>
        public const int AdminPort = 80;

        /// <summary>The host-side port forwarded to the admin page.</summary>
        public const int HostPort = 8080;

        private readonly CommandLine _line;
        private readonly ManualResetEventSlim _stop = new ManualResetEventSlim(false);
        private readonly ManualResetEventSlim _ready = new ManualResetEventSlim(false);
        private string _childError;

        public LabRunner(CommandLine line)
        {
            _line = line;
        }

        public int Run()
        {
            Log.Source = "nanorouter lab";
            if (!HostProcess.IsRoot)
            {
                Log.Error("must run as root (it creates network namespaces and runs the router with netfilter rules)");
                return 1;
            }

            foreach (string tool in new[] { "ip", "iptables-restore" })
            {
                if (!ShellCommand.Exists(tool))
                {
                    Log.Error("the " + tool + " tool is missing (apt-get install " + (tool == "ip" ? "iproute2" : "iptables") + ")");
                    return 1;
                }
            }

            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

            NamespaceLab lab;
            try
            {
                lab = NamespaceLab.Create(Prefix, 1);
            }
            catch (InvalidOperationException e)
            {
                Log.Error(e.Message);
                return 1;
            }

            Process child = null;
            HostForwarder forwarder = null;
            int exitCode = 0;
            try
            {
                Log.Info("lab up: " + lab.LanNamespaces[0] + " " + NamespaceLab.ClientAddress(0) + " -> " + lab.RouterNamespace
                    + " (" + NamespaceLab.RouterLanAddress + " | " + NamespaceLab.RouterWanAddress + ") -> " + lab.WanNamespace + " " + NamespaceLab.UpstreamAddress);
                child = StartRouter(lab);
                WaitHandle.WaitAny(new[] { _ready.WaitHandle, _stop.WaitHandle }, 60000);
                if (!_ready.IsSet)
                {
                    if (!_stop.IsSet || child.HasExited)
                    {
                        // The router's own error line was already passed through to stderr.
                        if (_childError == null)
                        {
                            Log.Error("the router did not become ready");
                        }

                        exitCode = 1;
                    }

                    return exitCode;
                }

                var target = new IPEndPoint(IPAddress.Parse(NamespaceLab.RouterLanAddress), AdminPort);
                if (!HostForwarder.TryStart(HostPort, lab.RouterNamespace, target, out forwarder, out string error))
                {
                    Log.Error(error);
                    exitCode = 1;
                    return exitCode;
                }

                Log.Info("admin page: http://" + NamespaceLab.RouterLanAddress + "/ from " + lab.LanNamespaces[0]
                    + " (ip netns exec " + lab.LanNamespaces[0] + " curl http://" + NamespaceLab.RouterLanAddress + "/), http://127.0.0.1:" + HostPort + "/ from this host");
                Log.Info("ready; Ctrl-C stops the router and removes the lab");
                _stop.Wait();
                if (child.HasExited)
                {
                    exitCode = child.ExitCode == 0 ? 1 : child.ExitCode;
                    Log.Error("the router exited on its own with code " + child.ExitCode);
                }
            }
            finally
            {
                forwarder?.Dispose();
                if (child != null)
                {
                    int code = StopRouter(child);
                    if (code != 0 && exitCode == 0 && _ready.IsSet)
                    {
                        exitCode = 1;
                    }
                }

                lab.Dispose();
                Log.Info("lab removed");
            }

            return exitCode;
        }

        private Process StartRouter(NamespaceLab lab)
        {
            var info = new ProcessStartInfo("ip")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var arguments = new List<string> { "netns", "exec", lab.RouterNamespace };
            arguments.AddRange(SelfCommand());
            arguments.AddRange(new[] { "run", "--lan", NamespaceLab.LanInterface, "--wan", NamespaceLab.WanInterface, "--admin-port", AdminPort.ToString(), "--parent-pid", Environment.ProcessId.ToString(), "--allow-host", "127.0.0.1:" + HostPort });
            if (_line.ConfigFile != null)
            {
                arguments.Add("--config");
                arguments.Add(Path.GetFullPath(_line.ConfigFile));
            }

            if (_line.AdminPasswordFile != null)
            {
                arguments.Add("--admin-password-file");
                arguments.Add(Path.GetFullPath(_line.AdminPasswordFile));
            }

            if (!_line.Native)
            {
                arguments.Add("--no-native");
            }

            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var child = new Process { StartInfo = info, EnableRaisingEvents = true };
            child.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }

                Console.Out.WriteLine(e.Data);
                Console.Out.Flush();
                if (e.Data.EndsWith(": ready"))
                {
                    _ready.Set();
                }
            };
            child.ErrorDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }

                _childError ??= e.Data;
                Console.Error.WriteLine(e.Data);
                Console.Error.Flush();
            };
            child.Exited += (_, _) => _stop.Set();
            child.Start();
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            return child;
        }

        private static int StopRouter(Process child)
        {
            if (!child.HasExited)
            {
                HostProcess.Terminate(child.Id);
                if (!child.WaitForExit(15000))
                {
                    Log.Error("the router did not stop within 15 s; killing it");
                    child.Kill();
                    child.WaitForExit();
                    return 1;
                }
            }

            child.WaitForExit();
            return child.ExitCode;
        }

        /// <summary>The command that runs this program again: the apphost, or `dotnet ASSEMBLY`.</summary>
        private static string[] SelfCommand()
        {
            string process = Environment.ProcessPath;
            string assembly = typeof(LabRunner).Assembly.Location;
            if (Path.GetFileNameWithoutExtension(process) == "dotnet")
            {
                return new[] { process, assembly };
            }

            return new[] { process };
        }

        private void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            _stop.Set();
        }
    }
}
