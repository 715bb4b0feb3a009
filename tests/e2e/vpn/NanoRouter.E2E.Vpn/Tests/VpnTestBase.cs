using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;

[assembly: Parallelize(Workers = 4, Scope = ExecutionScope.MethodLevel)]

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>Setup shared by every VPN end-to-end test class.</summary>
    [TestClass]
    public sealed class AssemblySetup
    {
        [AssemblyInitialize]
        public static void Initialize(TestContext context)
        {
            if (!Shell.IsRoot)
            {
                throw new InvalidOperationException("the VPN end-to-end tests need root (network namespaces)");
            }
            VpnLab.RemoveStaleNamespaces();
            if (VpnLab.DefaultKind == RouterKind.Board)
            {
                try
                {
                    // Build once, up front; a failure is reported by every test that needs it.
                    BoardBuild.EntryAssembly();
                }
                catch (InvalidOperationException)
                {
                }
            }
        }

        [AssemblyCleanup]
        public static void Cleanup()
        {
            LabRegistry.DisposeAll();
        }
    }

    /// <summary>Helpers for tests that build a lab, check things and explain failures with captures.</summary>
    public abstract class VpnTestBase
    {
        public TestContext TestContext { get; set; }

        /// <summary>Builds a lab named after the running test, with the router kind under test.</summary>
        protected VpnLab NewLab(int lanHosts, int servers)
        {
            return VpnLab.Create(TestContext.TestName, lanHosts, servers);
        }

        /// <summary>Fails with the message, the router's log and the first captured packets.</summary>
        protected static void Expect(VpnLab lab, bool condition, string message, string captureFilter = null)
        {
            if (!condition)
            {
                throw new AssertFailedException(message + "\n" + lab.Diagnostics(captureFilter));
            }
        }

        /// <summary>Polls a condition until it holds or the timeout passes.</summary>
        protected static bool WaitUntil(Func<bool> condition, TimeSpan timeout, int pollMs = 200) => Polling.Until(condition, timeout, pollMs);

        /// <summary>Pings from a namespace; true when at least one reply came back.</summary>
        protected static CommandResult Ping(string ns, string target, int count = 3, string source = null)
        {
            return source == null
                ? Shell.InNs(ns, TimeSpan.FromSeconds(20), "ping", "-n", "-c", count.ToString(), "-i", "0.2", "-W", "2", target)
                : Shell.InNs(ns, TimeSpan.FromSeconds(20), "ping", "-n", "-c", count.ToString(), "-i", "0.2", "-W", "2", "-I", source, target);
        }
    }
}
