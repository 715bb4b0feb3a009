using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Hal.Linux;

[assembly: DoNotParallelize]

namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>Checks once that the tests can work at all: root, and the tools the labs use.</summary>
    [TestClass]
    public static class AssemblySetup
    {
        [AssemblyInitialize]
        public static void Check(TestContext context)
        {
            Assert.IsTrue(HostProcess.IsRoot, "the end-to-end tests need root (network namespaces, netfilter, NFQUEUE)");
            foreach (string tool in new[] { "ip", "iptables", "iptables-restore", "ping", "setpriv" })
            {
                Assert.IsTrue(ShellCommand.Exists(tool), "missing tool " + tool + " (see tests/stages/40-e2e-host.apt)");
            }
        }
    }
}
