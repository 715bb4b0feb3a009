using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>
    /// A lab of namespaces for one test (see <see cref="NamespaceLab"/>), with names unique to
    /// this test run ("nre" + process id + counter), and every process a test starts in it.
    /// Dispose kills those processes by PID and removes the namespaces; a process-exit handler
    /// does the same for any lab a crashed test left.
    /// </summary>
    public sealed class TestLab : IDisposable
    {
        private static readonly object s_lock = new object();
        private static readonly List<TestLab> s_live = new List<TestLab>();
        private static int s_counter;
        private static bool s_hooked;

        private readonly List<Process> _processes = new List<Process>();
        private bool _disposed;

        private TestLab(NamespaceLab lab)
        {
            Lab = lab;
        }

        /// <summary>The namespaces.</summary>
        public NamespaceLab Lab { get; }

        /// <summary>The router's namespace.</summary>
        public string Router => Lab.RouterNamespace;

        /// <summary>The upstream namespace (198.18.0.1).</summary>
        public string Wan => Lab.WanNamespace;

        /// <summary>LAN client namespace <paramref name="index"/> (0-based).</summary>
        public string Lan(int index = 0) => Lab.LanNamespaces[index];

        /// <summary>Builds a lab with <paramref name="clients"/> LAN clients.</summary>
        public static TestLab Create(int clients = 1)
        {
            lock (s_lock)
            {
                if (!s_hooked)
                {
                    s_hooked = true;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAll();
                }
            }

            int n = Interlocked.Increment(ref s_counter);
            string prefix = "nre" + Environment.ProcessId.ToString("x") + "-" + n;
            var lab = new TestLab(NamespaceLab.Create(prefix, clients));
            lock (s_lock)
            {
                s_live.Add(lab);
            }

            return lab;
        }

        /// <summary>Runs a command in namespace <paramref name="ns"/> and waits for it.</summary>
        public CommandResult Exec(string ns, params string[] command) => NamespaceLab.Exec(ns, command);

        /// <summary>Starts a command in namespace <paramref name="ns"/> in the background; the lab kills it on Dispose.</summary>
        public Process Start(string ns, params string[] command)
        {
            var info = new ProcessStartInfo("ip")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            info.ArgumentList.Add("netns");
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(ns);
            foreach (string part in command)
            {
                info.ArgumentList.Add(part);
            }

            Process process = Process.Start(info);
            Track(process);
            return process;
        }

        /// <summary>Makes the lab kill <paramref name="process"/> (by PID) on Dispose if it is still running.</summary>
        public void Track(Process process)
        {
            lock (_processes)
            {
                _processes.Add(process);
            }
        }

        /// <summary>Kills the lab's processes and removes its namespaces.</summary>
        public void Dispose()
        {
            lock (s_lock)
            {
                s_live.Remove(this);
            }

            if (_disposed)
            {
                return;
            }

            _disposed = true;
            lock (_processes)
            {
                foreach (Process process in _processes)
                {
                    try
                    {
                        if (!process.HasExited)
                        {
                            process.Kill(true);
                            process.WaitForExit(5000);
                        }
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    process.Dispose();
                }

                _processes.Clear();
            }

            Lab.Dispose();
        }

        private static void DisposeAll()
        {
            TestLab[] labs;
            lock (s_lock)
            {
                labs = s_live.ToArray();
            }

            foreach (TestLab lab in labs)
            {
                lab.Dispose();
            }
        }
    }
}
