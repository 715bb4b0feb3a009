using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>
    /// A background process the tests started, in its own session and process group (via setsid),
    /// so that stopping it reaches every child it made, and nothing else. Standard output and
    /// error go to a log file; lines of standard output are also queued for <see cref="ReadLine"/>.
    /// </summary>
    public sealed class LabProcess : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();
        private readonly List<string> _allLines = new List<string>();
        private readonly StreamWriter _log;
        private readonly object _logLock = new object();
        private int _stopped;

        private LabProcess(string name, string logPath, IReadOnlyList<string> argv, IDictionary<string, string> environment)
        {
            Name = name;
            LogPath = logPath;
            var info = new ProcessStartInfo("setsid")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var arg in argv)
            {
                info.ArgumentList.Add(arg);
            }
            if (environment != null)
            {
                foreach (var pair in environment)
                {
                    info.Environment[pair.Key] = pair.Value;
                }
            }
            _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
            _process = Process.Start(info);
            ProcessGroup = _process.Id;
            LabRegistry.Add(this);
            _process.OutputDataReceived += (_, e) => OnLine(e.Data, true);
            _process.ErrorDataReceived += (_, e) => OnLine(e.Data, false);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Name { get; }

        public string LogPath { get; }

        /// <summary>The process id, which is also its process group id (setsid).</summary>
        public int ProcessGroup { get; }

        public bool HasExited => _process.HasExited;

        public int ExitCode => _process.ExitCode;

        public static LabProcess Start(string name, string logPath, IReadOnlyList<string> argv, IDictionary<string, string> environment = null)
        {
            return new LabProcess(name, logPath, argv, environment);
        }

        private void OnLine(string line, bool stdout)
        {
            if (line == null)
            {
                if (stdout)
                {
                    _lines.CompleteAdding();
                }
                return;
            }
            lock (_logLock)
            {
                _allLines.Add(line);
                try
                {
                    _log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                }
            }
            if (stdout && !_lines.IsAddingCompleted)
            {
                try
                {
                    _lines.Add(line);
                }
                catch (InvalidOperationException)
                {
                }
            }
        }

        /// <summary>Everything the process printed so far (stdout and stderr).</summary>
        public string Output()
        {
            lock (_logLock)
            {
                return string.Join("\n", _allLines);
            }
        }

        /// <summary>Waits for a line of output that matches; false on timeout or exit.</summary>
        public bool WaitForOutput(Regex pattern, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (_logLock)
                {
                    foreach (var line in _allLines)
                    {
                        if (pattern.IsMatch(line))
                        {
                            return true;
                        }
                    }
                }
                if (_process.HasExited)
                {
                    Thread.Sleep(100);
                    lock (_logLock)
                    {
                        foreach (var line in _allLines)
                        {
                            if (pattern.IsMatch(line))
                            {
                                return true;
                            }
                        }
                    }
                    return false;
                }
                Thread.Sleep(50);
            }
            return false;
        }

        /// <summary>Reads the next line of standard output, or null on timeout or end.</summary>
        public string ReadLine(TimeSpan timeout)
        {
            return _lines.TryTake(out var line, timeout) ? line : null;
        }

        public void WriteLine(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        /// <summary>SIGTERM to the process group, then SIGKILL after the grace period.</summary>
        public void Stop(TimeSpan grace)
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }
            if (!_process.HasExited)
            {
                Shell.SignalGroup(ProcessGroup, Shell.SigTerm);
                if (!_process.WaitForExit((int)grace.TotalMilliseconds))
                {
                    Shell.SignalGroup(ProcessGroup, Shell.SigKill);
                    _process.WaitForExit(5000);
                }
            }
            // Children that outlived the leader are still in the group.
            Shell.SignalGroup(ProcessGroup, Shell.SigKill);
            _process.WaitForExit(2000);
            lock (_logLock)
            {
                _log.Dispose();
            }
            LabRegistry.Remove(this);
        }

        public void Dispose()
        {
            Stop(TimeSpan.FromSeconds(3));
        }
    }
}
