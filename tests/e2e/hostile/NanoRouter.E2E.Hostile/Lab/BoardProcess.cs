using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Hostile.Lab
{
    /// <summary>
    /// One run of the host board (`dotnet NanoRouter.Host.dll run --lan L --wan W ...`, built once
    /// by the VPN harness's <see cref="BoardBuild"/>) inside a lab namespace, started by this test
    /// process. `ip netns exec` execs dotnet, so <see cref="Pid"/> is the board's own process id:
    /// the one /proc/PID/status, the diagnostics socket and SIGKILL refer to. Dispose stops it
    /// (SIGTERM, then SIGKILL) if it is still running; nothing else is ever signalled.
    /// </summary>
    public sealed class BoardProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = new List<string>();
        private readonly ManualResetEventSlim _ready = new ManualResetEventSlim(false);
        private readonly StreamWriter _log;
        private int _disposed;

        private BoardProcess(Process process, string logPath)
        {
            _process = process;
            _log = logPath == null ? null : new StreamWriter(logPath, append: true) { AutoFlush = true };
            Pid = process.Id;
        }

        /// <summary>The board's process id.</summary>
        public int Pid { get; }

        /// <summary>True once the process has exited.</summary>
        public bool HasExited => _process.HasExited;

        /// <summary>The exit code (after exit).</summary>
        public int ExitCode => _process.ExitCode;

        /// <summary>Everything the board printed (stdout and stderr), in order.</summary>
        public string[] Lines
        {
            get
            {
                lock (_lines)
                {
                    return _lines.ToArray();
                }
            }
        }

        /// <summary>The last lines of output, for failure messages.</summary>
        public string Tail(int count = 25)
        {
            var lines = Lines;
            return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - count)));
        }

        /// <summary>Starts the board in <paramref name="ns"/> and waits for its ready line.</summary>
        /// <param name="ns">The router's namespace.</param>
        /// <param name="arguments">Everything after the dll: "run", "--lan", ...</param>
        /// <param name="logPath">A file that receives every line (null: none).</param>
        /// <param name="readyTimeout">How long to wait for ": ready"; zero: do not wait.</param>
        /// <param name="environment">Extra environment variables for the board (null: none).</param>
        public static BoardProcess Start(string ns, IEnumerable<string> arguments, string logPath, TimeSpan readyTimeout, IDictionary<string, string> environment = null)
        {
            var info = new ProcessStartInfo("ip")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (var part in new[] { "netns", "exec", ns, "dotnet", BoardBuild.EntryAssembly() }.Concat(arguments))
            {
                info.ArgumentList.Add(part);
            }

            if (environment != null)
            {
                foreach (var pair in environment)
                {
                    info.Environment[pair.Key] = pair.Value;
                }
            }

            var board = new BoardProcess(Process.Start(info), logPath);
            LabRegistry.Add(board);
            board._process.OutputDataReceived += (_, e) => board.OnLine(e.Data);
            board._process.ErrorDataReceived += (_, e) => board.OnLine(e.Data);
            board._process.BeginOutputReadLine();
            board._process.BeginErrorReadLine();
            if (readyTimeout > TimeSpan.Zero && !board.WaitReady(readyTimeout))
            {
                string why = board.HasExited ? "exited with " + board.ExitCode : "no ready line within " + readyTimeout.TotalSeconds + " s";
                board.Dispose();
                throw new InvalidOperationException("the host board did not start (" + why + "):\n" + board.Tail());
            }

            return board;
        }

        /// <summary>Waits for the board's "...: ready" line; false on timeout or exit.</summary>
        public bool WaitReady(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!_ready.Wait(20))
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    return _ready.Wait(100);
                }
            }

            return true;
        }

        private void OnLine(string line)
        {
            if (line == null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Add(line);
                try
                {
                    _log?.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                }
            }

            if (line.EndsWith(": ready", StringComparison.Ordinal))
            {
                _ready.Set();
            }
        }

        /// <summary>SIGKILL, as a power cut: no handler runs, nothing is flushed or removed.</summary>
        public void Kill9()
        {
            if (!_process.HasExited)
            {
                Signals.Send(Pid, Signals.SigKill);
            }

            _process.WaitForExit(5000);
        }

        /// <summary>SIGTERM and wait; returns the exit code (SIGKILL after <paramref name="timeout"/>, then -1).</summary>
        public int Stop(TimeSpan timeout)
        {
            if (!_process.HasExited)
            {
                Signals.Send(Pid, Signals.SigTerm);
            }

            if (!_process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                Kill9();
                return -1;
            }

            _process.WaitForExit();
            return _process.ExitCode;
        }

        /// <summary>Stops the board if it still runs (SIGTERM, then SIGKILL).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                if (!_process.HasExited)
                {
                    Stop(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
            }

            LabRegistry.Remove(this);
            lock (_lines)
            {
                _log?.Dispose();
            }

            _process.Dispose();
        }
    }
}
