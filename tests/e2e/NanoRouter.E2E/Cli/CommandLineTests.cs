using System;
using System.IO;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Infrastructure;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Cli
{
    /// <summary>
    /// The host board's command-line contract (DESIGN.md "Host board contract"): every error is
    /// one clear line on stderr with a non-zero exit code, never a stack trace; a clean stop
    /// exits 0 and leaves no rule behind; the no-argument lab leaves no namespace behind.
    /// </summary>
    [TestClass]
    public sealed class CommandLineTests
    {
        private static readonly string[] s_run = { "run", "--lan", NamespaceLab.LanInterface, "--wan", NamespaceLab.WanInterface };

        [TestMethod]
        [DataRow("run")]
        [DataRow("")]
        public void NotRoot_OneLineSaysSo(string mode)
        {
            string[] arguments = mode == "run" ? s_run : Array.Empty<string>();

            // The checkout may sit where nobody cannot read it (mktemp -d makes mode 700), so the
            // unprivileged run uses a world-readable copy of the board's build output.
            string copy = WorldReadableCopy(Path.GetDirectoryName(HostBoard.DllPath));
            try
            {
                var result = RouterUnderTest.RunToExit(null, arguments, new[] { "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups" },
                    dllPath: Path.Combine(copy, Path.GetFileName(HostBoard.DllPath)));
                AssertOneErrorLine(result, "root");
            }
            finally
            {
                Directory.Delete(copy, true);
            }
        }

        private static string WorldReadableCopy(string source)
        {
            string target = Path.Combine("/tmp", "nr-e2e-notroot-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N"));
            CommandResult copy = ShellCommand.Run("cp", new[] { "-r", source, target });
            Assert.IsTrue(copy.Ok, "copying the board's build output: " + copy.FirstErrorLine);
            CommandResult chmod = ShellCommand.Run("chmod", new[] { "-R", "a+rX", target });
            Assert.IsTrue(chmod.Ok, "making the copy world-readable: " + chmod.FirstErrorLine);
            return target;
        }

        [TestMethod]
        public void BadNativeSwitchInTheEnvironment_OneLine()
        {
            var result = RouterUnderTest.RunToExit(null, s_run, new[] { "env", "NANOROUTER_NATIVE=yes" });
            AssertOneErrorLine(result, "NANOROUTER_NATIVE must be 0");
        }

        [TestMethod]
        public void UnknownOption_OneLine()
        {
            var result = RouterUnderTest.RunToExit(null, new[] { "run", "--lan", "a", "--wan", "b", "--frobnicate" });
            AssertOneErrorLine(result, "unknown option --frobnicate");
        }

        [TestMethod]
        public void MissingValue_OneLine()
        {
            var result = RouterUnderTest.RunToExit(null, new[] { "run", "--lan", "a", "--wan" });
            AssertOneErrorLine(result, "--wan needs a value");
        }

        [TestMethod]
        public void UnknownCommand_OneLine()
        {
            var result = RouterUnderTest.RunToExit(null, new[] { "fly" });
            AssertOneErrorLine(result, "unknown command fly");
        }

        [TestMethod]
        public void BadPort_OneLine()
        {
            var result = RouterUnderTest.RunToExit(null, new[] { "run", "--lan", "a", "--wan", "b", "--admin-port", "70000" });
            AssertOneErrorLine(result, "--admin-port");
        }

        [TestMethod]
        public void MissingInterface_OneLine()
        {
            using TestLab lab = TestLab.Create();
            var result = RouterUnderTest.RunToExit(lab.Router, new[] { "run", "--lan", "nosuch0", "--wan", NamespaceLab.WanInterface });
            AssertOneErrorLine(result, "interface nosuch0 does not exist");
        }

        [TestMethod]
        public void InterfaceWithoutIpv4_OneLine()
        {
            using TestLab lab = TestLab.Create();
            Assert.IsTrue(lab.Exec(lab.Router, "ip", "link", "add", "bare0", "type", "veth", "peer", "name", "bare1").Ok);
            Assert.IsTrue(lab.Exec(lab.Router, "ip", "link", "set", "bare0", "up").Ok);
            var result = RouterUnderTest.RunToExit(lab.Router, new[] { "run", "--lan", NamespaceLab.LanInterface, "--wan", "bare0" });
            AssertOneErrorLine(result, "interface bare0 has no IPv4 address");
            AssertNoRules(lab);
        }

        [TestMethod]
        public void AdminPortInUse_OneLine()
        {
            using TestLab lab = TestLab.Create();
            using Socket squatter = NsSocket.TcpListener(lab.Router, NamespaceLab.RouterLanAddress, 8088);
            var result = RouterUnderTest.RunToExit(lab.Router, new[] { "run", "--lan", NamespaceLab.LanInterface, "--wan", NamespaceLab.WanInterface, "--admin-port", "8088" });
            AssertOneErrorLine(result, "port 8088");
            StringAssert.Contains(result.Errors[0], "in use");
            AssertNoRules(lab);
        }

        [TestMethod]
        public void Run_SigTerm_ExitsZeroAndRemovesItsRules()
        {
            using TestLab lab = TestLab.Create();
            using RouterUnderTest router = RouterUnderTest.Start(lab);
            CommandResult rules = lab.Exec(lab.Router, "iptables", "-w", "-t", "raw", "-S");
            StringAssert.Contains(rules.Output, "NFQUEUE", "the board's rules while it runs");
            StringAssert.Contains(string.Join("\n", router.Output), "uplink address " + NamespaceLab.RouterWanAddress);
            router.StopAndVerify();
            Assert.AreEqual(0, router.Errors.Length, string.Join("\n", router.Errors));
        }

        [TestMethod]
        public void Run_SysctlsRestoredOnExit()
        {
            using TestLab lab = TestLab.Create();
            string before = lab.Exec(lab.Router, "cat", "/proc/sys/net/ipv4/ip_forward").Output.Trim();
            using (RouterUnderTest router = RouterUnderTest.Start(lab))
            {
                Assert.AreEqual("1", lab.Exec(lab.Router, "cat", "/proc/sys/net/ipv4/ip_forward").Output.Trim());
                router.StopAndVerify();
            }

            Assert.AreEqual(before, lab.Exec(lab.Router, "cat", "/proc/sys/net/ipv4/ip_forward").Output.Trim());
        }

        [TestMethod]
        public void NoArguments_BuildsTheNrLabAndRemovesItOnSigTerm()
        {
            foreach (string ns in new[] { "nr-lan", "nr-rtr", "nr-wan" })
            {
                Assert.IsFalse(NetworkNamespace.Exists(ns), ns + " exists before the test: is a host board lab running on this machine?");
            }

            var info = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = HostBoard.RepoRoot,
            };
            foreach (string argument in new[] { "run", "--project", "boards/host" })
            {
                info.ArgumentList.Add(argument);
            }

            using Process lab = Process.Start(info);
            var output = new System.Collections.Generic.List<string>();
            var ready = new ManualResetEventSlim(false);
            lab.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }

                lock (output)
                {
                    output.Add(e.Data);
                }

                if (e.Data.StartsWith("nanorouter lab: ready"))
                {
                    ready.Set();
                }
            };
            lab.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (output)
                    {
                        output.Add("stderr: " + e.Data);
                    }
                }
            };
            lab.BeginOutputReadLine();
            lab.BeginErrorReadLine();
            try
            {
                Assert.IsTrue(ready.Wait(120000), "the lab did not become ready:\n" + string.Join("\n", output));
                string namespaces = ShellCommand.Run("ip", new[] { "netns", "list" }).Output;
                StringAssert.Contains(namespaces, "nr-lan");
                StringAssert.Contains(namespaces, "nr-rtr");
                StringAssert.Contains(namespaces, "nr-wan");
                Assert.IsTrue(string.Join("\n", output).Contains("http://198.19.4.1/"), "admin URL printed:\n" + string.Join("\n", output));
                CommandResult ping = NamespaceLab.Exec("nr-lan", "ping", "-c", "1", "-W", "2", NamespaceLab.RouterLanAddress);
                Assert.IsTrue(ping.Ok, "ping from nr-lan to the router: " + ping.Output);
                Assert.IsTrue(HostProcess.Terminate(lab.Id));
                Assert.IsTrue(lab.WaitForExit(30000), "the lab did not stop on SIGTERM");
                lab.WaitForExit();
                Assert.AreEqual(0, lab.ExitCode, string.Join("\n", output));
                namespaces = ShellCommand.Run("ip", new[] { "netns", "list" }).Output;
                foreach (string ns in new[] { "nr-lan", "nr-rtr", "nr-wan" })
                {
                    Assert.IsFalse(namespaces.Contains(ns), ns + " left behind:\n" + namespaces);
                }
            }
            finally
            {
                if (!lab.HasExited)
                {
                    lab.Kill(true);
                }

                foreach (string ns in new[] { "nr-lan", "nr-rtr", "nr-wan" })
                {
                    if (NetworkNamespace.Exists(ns))
                    {
                        ShellCommand.Run("ip", new[] { "netns", "del", ns });
                    }
                }
            }
        }

        private static void AssertOneErrorLine((int ExitCode, string[] Output, string[] Errors) result, string expected)
        {
            string all = string.Join("\n", result.Output) + "\n" + string.Join("\n", result.Errors);
            Assert.AreNotEqual(0, result.ExitCode, "exit code:\n" + all);
            Assert.AreEqual(1, result.Errors.Length, "exactly one error line:\n" + all);
            StringAssert.Contains(result.Errors[0], expected, all);
            Assert.IsFalse(all.Contains("   at "), "no stack trace:\n" + all);
            Assert.IsFalse(all.Contains("ready"), "it must not have started:\n" + all);
        }

        private static void AssertNoRules(TestLab lab)
        {
            CommandResult rules = lab.Exec(lab.Router, "iptables", "-w", "-t", "raw", "-S");
            Assert.IsFalse(rules.Output.Contains("NFQUEUE"), "rules left behind:\n" + rules.Output);
        }
    }
}
