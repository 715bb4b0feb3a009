using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Hostile.Lab;
using NanoRouter.E2E.Vpn.Lab;

// Two classes at a time: the admin-abuse class (mostly waiting on the rate-limit block and the
// 5 s cuts) beside the power-cut loop. The classes that measure throughput, memory or occupancy
// (flood, barrage, soak) are [DoNotParallelize] and run alone afterwards.
[assembly: Parallelize(Workers = 2, Scope = ExecutionScope.ClassLevel)]

namespace NanoRouter.E2E.Hostile.Tests
{
    /// <summary>Setup shared by every hostile-input test.</summary>
    [TestClass]
    public sealed class AssemblySetup
    {
        [AssemblyInitialize]
        public static void Initialize(TestContext context)
        {
            if (!Shell.IsRoot)
            {
                throw new InvalidOperationException("the hostile-input end-to-end tests need root (network namespaces)");
            }

            VpnLab.RemoveStaleNamespaces();
            HostileNamespaces.RemoveStale();
            try
            {
                // Build once, up front; a failure is reported by every test that needs the board.
                BoardBuild.EntryAssembly();
            }
            catch (InvalidOperationException)
            {
            }
        }

        [AssemblyCleanup]
        public static void Cleanup()
        {
            LabRegistry.DisposeAll();
        }
    }

    /// <summary>Helpers: failure messages with the lab's diagnostics, figures printed to the test log, tool output parsing.</summary>
    public abstract class HostileTestBase
    {
        public TestContext TestContext { get; set; }

        private static readonly object s_figuresLock = new object();

        /// <summary>
        /// Prints a figure line: on standard output (shown with --logger "console;verbosity=detailed")
        /// and appended to the file NANOROUTER_HOSTILE_FIGURES names, if any (stage 47 prints it).
        /// </summary>
        protected void Figure(string text)
        {
            string line = "[" + TestContext.TestName + "] " + text;
            Console.WriteLine(line);
            string file = Environment.GetEnvironmentVariable("NANOROUTER_HOSTILE_FIGURES");
            if (!string.IsNullOrEmpty(file))
            {
                lock (s_figuresLock)
                {
                    System.IO.File.AppendAllText(file, line + "\n");
                }
            }
        }

        protected static void Expect(HostileLab lab, bool condition, string message, string captureFilter = null)
        {
            if (!condition)
            {
                throw new AssertFailedException(message + "\n" + lab.Diagnostics(captureFilter));
            }
        }

        protected static bool WaitUntil(Func<bool> condition, TimeSpan timeout, int pollMs = 200) => Polling.Until(condition, timeout, pollMs);

        /// <summary>ping from a namespace: (sent, received).</summary>
        protected static (int Sent, int Received, string Output) Ping(string ns, string target, int count, double interval = 0.2)
        {
            var result = Shell.InNs(ns, TimeSpan.FromSeconds(count * interval + 15), "ping", "-n", "-q", "-c", count.ToString(),
                "-i", interval.ToString(System.Globalization.CultureInfo.InvariantCulture), "-W", "2", target);
            var match = Regex.Match(result.Output, @"(\d+) packets transmitted, (\d+) received");
            return match.Success ? (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), result.Output) : (count, 0, result.Output + result.Error);
        }

        /// <summary>iperf3 -J client run; Mbit/s received by the server, or -1 with the reason.</summary>
        protected static (double Mbps, string Detail) Iperf(string ns, string server, int seconds)
        {
            var result = Shell.InNs(ns, TimeSpan.FromSeconds(seconds + 30), "iperf3", "-J", "-c", server, "-t", seconds.ToString(), "--connect-timeout", "5000");
            try
            {
                var json = JsonNode.Parse(result.Output);
                var error = json["error"]?.GetValue<string>();
                if (error != null)
                {
                    return (-1, error);
                }

                double bits = json["end"]["sum_received"]["bits_per_second"].GetValue<double>();
                return (bits / 1e6, "ok");
            }
            catch (Exception e)
            {
                return (-1, "iperf3 output not understood (" + e.Message + "): " + result.Output + result.Error);
            }
        }

        /// <summary>Reads GET /api/status "nat" every <paramref name="periodMs"/> on a background thread until disposed.</summary>
        protected sealed class NatSampler : IDisposable
        {
            private readonly Thread _thread;
            private volatile bool _stop;

            public NatSampler(AdminApi admin, int periodMs)
            {
                _thread = new Thread(() =>
                {
                    var start = DateTime.UtcNow;
                    while (!_stop)
                    {
                        var t0 = DateTime.UtcNow;
                        try
                        {
                            var nat = admin.Nat(3000);
                            lock (Samples)
                            {
                                Samples.Add(((t0 - start).TotalSeconds, nat, (DateTime.UtcNow - t0).TotalMilliseconds));
                            }
                        }
                        catch (Exception e)
                        {
                            lock (Samples)
                            {
                                Failures.Add(e.Message);
                            }
                        }

                        int left = periodMs - (int)(DateTime.UtcNow - t0).TotalMilliseconds;
                        if (left > 0)
                        {
                            Thread.Sleep(left);
                        }
                    }
                })
                { IsBackground = true };
                _thread.Start();
            }

            public List<(double Seconds, NatFigures Nat, double LatencyMs)> Samples { get; } = new List<(double, NatFigures, double)>();

            public List<string> Failures { get; } = new List<string>();

            public void Dispose()
            {
                _stop = true;
                _thread.Join(10000);
            }
        }
    }
}
