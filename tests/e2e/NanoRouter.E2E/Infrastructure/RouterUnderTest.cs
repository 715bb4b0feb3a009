using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>
    /// The built host board running `run --lan lan --wan wan` inside a lab's router namespace.
    /// <see cref="Start"/> waits for its "ready" line; <see cref="StopAndVerify"/> sends SIGTERM
    /// and checks a clean exit (code 0) with its netfilter chain gone.
    /// </summary>
    public sealed class RouterUnderTest : IDisposable
    {
        private readonly TestLab _lab;
        private readonly Process _process;
        private readonly List<string> _output = new List<string>();
        private readonly List<string> _errors = new List<string>();
        private readonly ManualResetEventSlim _ready = new ManualResetEventSlim(false);
        private readonly ushort _queue;

        private RouterUnderTest(TestLab lab, Process process, ushort queue)
        {
            _lab = lab;
            _process = process;
            _queue = queue;
        }

        /// <summary>Everything the router printed on stdout so far.</summary>
        public string[] Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToArray();
                }
            }
        }

        /// <summary>Waits up to <paramref name="timeoutMs"/> for a stdout line that <paramref name="line"/> accepts.</summary>
        public bool WaitForOutput(Func<string, bool> line, int timeoutMs)
        {
            long deadline = Environment.TickCount64 + timeoutMs;
            while (true)
            {
                if (Array.Exists(Output, l => line(l)))
                {
                    return true;
                }

                if (Environment.TickCount64 >= deadline)
                {
                    return false;
                }

                Thread.Sleep(100);
            }
        }

        /// <summary>Everything the router printed on stderr so far.</summary>
        public string[] Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToArray();
                }
            }
        }

        /// <summary>The router's process id.</summary>
        public int Pid => _process.Id;

        /// <summary>Everything printed, for assertion messages.</summary>
        public string Transcript => string.Join("\n", Output) + "\n" + string.Join("\n", Errors);

        /// <summary>Starts the board in <paramref name="lab"/>'s router namespace and waits for "ready".</summary>
        public static RouterUnderTest Start(TestLab lab, params string[] extraArguments)
        {
            ushort queue = 0;
            for (int i = 0; i + 1 < extraArguments.Length; i++)
            {
                if (extraArguments[i] == "--queue")
                {
                    queue = ushort.Parse(extraArguments[i + 1]);
                }
            }

            var arguments = new List<string> { "run", "--lan", NamespaceLab.LanInterface, "--wan", NamespaceLab.WanInterface };
            arguments.AddRange(extraArguments);
            Process process = StartBoard(lab.Router, arguments.ToArray());
            lab.Track(process);
            var router = new RouterUnderTest(lab, process, queue);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }

                lock (router._output)
                {
                    router._output.Add(e.Data);
                }

                if (e.Data == "nanorouter: ready")
                {
                    router._ready.Set();
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (router._errors)
                    {
                        router._errors.Add(e.Data);
                    }
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            long deadline = Environment.TickCount64 + 30000;
            while (!router._ready.Wait(100))
            {
                if (process.HasExited || Environment.TickCount64 > deadline)
                {
                    process.WaitForExit(1000);
                    Assert.Fail("the host board did not become ready:\n" + router.Transcript);
                }
            }

            return router;
        }

        /// <summary>Starts the board with <paramref name="arguments"/> in namespace <paramref name="ns"/> (null: the current one), without waiting.</summary>
        public static Process StartBoard(string ns, string[] arguments, string[] prefix = null, string dllPath = null)
        {
            var command = new List<string>();
            if (ns != null)
            {
                command.AddRange(new[] { "ip", "netns", "exec", ns });
            }

            if (prefix != null)
            {
                command.AddRange(prefix);
            }

            command.Add(HostBoard.DotNet);
            command.Add(dllPath ?? HostBoard.DllPath);
            command.AddRange(arguments);
            var info = new ProcessStartInfo(command[0])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            for (int i = 1; i < command.Count; i++)
            {
                info.ArgumentList.Add(command[i]);
            }

            return Process.Start(info);
        }

        /// <summary>
        /// Runs the board to completion (for command-line error tests) and returns its exit code
        /// and output. <paramref name="prefix"/> is a command that wraps dotnet (e.g. setpriv).
        /// </summary>
        public static (int ExitCode, string[] Output, string[] Errors) RunToExit(string ns, string[] arguments, string[] prefix = null, int timeoutMs = 20000, string dllPath = null)
        {
            using Process process = StartBoard(ns, arguments, prefix, dllPath);
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeoutMs))
            {
                HostProcess.Terminate(process.Id);
                if (!process.WaitForExit(10000))
                {
                    process.Kill(true);
                }

                process.WaitForExit();
                Assert.Fail("the host board did not exit within " + timeoutMs + " ms; it printed:\n" + output.Result + errors.Result);
            }

            process.WaitForExit();
            return (process.ExitCode, SplitLines(output.Result), SplitLines(errors.Result));
        }

        /// <summary>Sends SIGTERM and waits; returns the exit code.</summary>
        public int Stop(int timeoutMs = 20000)
        {
            if (!_process.HasExited)
            {
                HostProcess.Terminate(_process.Id);
            }

            if (!_process.WaitForExit(timeoutMs))
            {
                _process.Kill(true);
                Assert.Fail("the host board did not stop within " + timeoutMs + " ms of SIGTERM:\n" + Transcript);
            }

            _process.WaitForExit();
            return _process.ExitCode;
        }

        /// <summary>Stops the board and asserts exit code 0 and that its netfilter chain is gone.</summary>
        public void StopAndVerify()
        {
            int code = Stop();
            Assert.AreEqual(0, code, "exit code after SIGTERM:\n" + Transcript);
            foreach (string table in new[] { "raw", "filter" })
            {
                CommandResult rules = _lab.Exec(_lab.Router, "iptables", "-w", "-t", table, "-S");
                Assert.IsTrue(rules.Ok, "iptables -S failed: " + rules.FirstErrorLine);
                Assert.IsFalse(rules.Output.Contains(RouterNetfilter.ChainFor(_queue)), "rules left behind in " + table + ":\n" + rules.Output);
                Assert.IsFalse(rules.Output.Contains("NFQUEUE"), "NFQUEUE rules left behind:\n" + rules.Output);
            }
        }

        /// <summary>Kills the board if a test ended without stopping it.</summary>
        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    HostProcess.Terminate(_process.Id);
                    if (!_process.WaitForExit(10000))
                    {
                        _process.Kill(true);
                    }
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        private static string[] SplitLines(string text)
        {
            var lines = new List<string>();
            foreach (string line in text.Split('\n'))
            {
                if (line.Trim().Length > 0)
                {
                    lines.Add(line.TrimEnd('\r'));
                }
            }

            return lines.ToArray();
        }
    }
}
