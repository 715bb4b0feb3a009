using NanoRouter.Core.Config;
using NanoRouter.Core.Radio;
using NanoRouter.Hal;
using NanoRouter.Tests.Config;
using NanoRouter.Tests.Nat;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Radio
{
    /// <summary>
    /// Uplink supervision (issue 11, point 5): the address is read fresh at every step and handed to
    /// the listener (engine, shim, DHCP), joins back off, a settings change rejoins at once, a drop is
    /// left to the radio's own rejoining first, and a step allocates nothing.
    /// </summary>
    [TestClass]
    public class UplinkSupervisorTests
    {
        private sealed class Rig
        {
            public readonly ManualClock Clock = new ManualClock(123456);
            public readonly FakeUplink Radio = new FakeUplink();
            public readonly AddressLog Log = new AddressLog();
            public readonly UplinkSupervisor Supervisor;

            public Rig(string ssid = "HomeNet", string passphrase = "home-secret")
            {
                Supervisor = new UplinkSupervisor(Radio, Clock, Log);
                Supervisor.Configure(TestText.Of(ssid), TestText.Of(passphrase));
            }

            /// <summary>Steps for <paramref name="ms"/>, sleeping what each step asks.</summary>
            public void Run(int ms)
            {
                int end = Clock.NowMs + ms;
                while (end - Clock.NowMs > 0)
                {
                    int wait = Supervisor.Step();
                    Assert.IsTrue(wait >= 1 && wait <= UplinkSupervisor.PollMs, "wait " + wait);
                    Clock.Advance(wait);
                }
            }
        }

        [TestMethod]
        public void Step_Joins_ThenPublishesTheAddressAndDns()
        {
            var r = new Rig();
            r.Supervisor.Step();
            Assert.AreEqual(1, r.Radio.Joins);
            Assert.AreEqual("HomeNet", r.Radio.LastSsid);
            Assert.AreEqual("home-secret", r.Radio.LastPassphrase);
            Assert.AreEqual(UplinkState.Up, r.Supervisor.State);
            Assert.AreEqual(0xC6120002u, r.Supervisor.Address);
            Assert.AreEqual(1, r.Log.Changes);
            Assert.AreEqual(0xC6120002u, r.Log.Address);
            Assert.AreEqual(0xC6120001u, r.Log.Dns);
        }

        [TestMethod]
        public void Step_AddressComesLater_ReadFreshEveryStep()
        {
            var r = new Rig();
            r.Radio.AddressAfterJoin = 0;
            r.Run(3000);
            Assert.AreEqual(UplinkState.WaitingForAddress, r.Supervisor.State);
            Assert.AreEqual(0, r.Log.Changes);
            int reads = r.Radio.AddressReads;
            r.Radio.Address = 0xC6120055;
            r.Run(1000);
            Assert.IsTrue(r.Radio.AddressReads > reads);
            Assert.AreEqual(0xC6120055u, r.Log.Address, "the DHCP address arrived after the join");
            Assert.AreEqual(1, r.Radio.Joins, "no rejoin while the address was on its way");
        }

        [TestMethod]
        public void Step_AddressChangesAtRunTime_NewOnePublished()
        {
            var r = new Rig();
            r.Run(2000);
            r.Radio.Address = 0xC6120077;
            r.Run(1000);
            Assert.AreEqual(0xC6120077u, r.Log.Address);
            Assert.AreEqual(2, r.Log.Changes);
        }

        [TestMethod]
        public void Step_NoAddressWithin20s_LeavesAndBacksOff()
        {
            var r = new Rig();
            r.Radio.AddressAfterJoin = 0;
            r.Run(UplinkSupervisor.AddressWaitMs + 1000);
            Assert.AreEqual(1, r.Radio.Leaves);
            Assert.AreEqual(UplinkState.BackingOff, r.Supervisor.State);
        }

        [TestMethod]
        public void Step_FailedJoins_BackOffDoublingTo5Minutes()
        {
            var r = new Rig();
            r.Radio.NextResult = UplinkJoinResult.NotFound;
            int[] joinedAt = new int[12];
            int start = r.Clock.NowMs;
            for (int i = 0; i < joinedAt.Length; i++)
            {
                int before = r.Radio.Joins;
                while (r.Radio.Joins == before)
                {
                    r.Clock.Advance(r.Supervisor.Step());
                }

                joinedAt[i] = r.Clock.NowMs - start;
            }

            int[] expected = { 5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000, 300000 };
            for (int i = 0; i < expected.Length; i++)
            {
                int gap = joinedAt[i + 1] - joinedAt[i];
                Assert.IsTrue(gap >= expected[i] && gap <= expected[i] + UplinkSupervisor.PollMs, "gap " + i + ": " + gap);
            }

            Assert.AreEqual(UplinkJoinResult.NotFound, r.Supervisor.LastResult);
            Assert.AreEqual(0, r.Log.Changes);
        }

        [TestMethod]
        public void Configure_WhileBackingOff_RejoinsAtOnce_WithTheNewNetwork()
        {
            var r = new Rig();
            r.Radio.NextResult = UplinkJoinResult.Refused;
            r.Run(60000);
            int joins = r.Radio.Joins;
            r.Radio.NextResult = UplinkJoinResult.Joined;
            r.Supervisor.Configure(TestText.Of("Caf\u00e9 \U0001F600"), TestText.Of("new-secret"));
            r.Supervisor.Step();
            Assert.AreEqual(joins + 1, r.Radio.Joins);
            Assert.AreEqual("Caf\u00e9 \U0001F600", r.Radio.LastSsid, "the bytes reach the radio unchanged");
            Assert.AreEqual(UplinkState.Up, r.Supervisor.State);
        }

        [TestMethod]
        public void Configure_WhileUp_LeavesThenJoinsTheNewOne()
        {
            var r = new Rig();
            r.Run(2000);
            r.Supervisor.Configure(TestText.Of("Other"), TestText.Of(string.Empty));
            r.Supervisor.Step();
            Assert.AreEqual(1, r.Radio.Leaves);
            Assert.AreEqual(2, r.Radio.Joins);
            Assert.AreEqual("Other", r.Radio.LastSsid);
            Assert.AreEqual(string.Empty, r.Radio.LastPassphrase, "open network");
            Assert.AreEqual(3, r.Log.Changes, "up, lost by the change, up again");
        }

        [TestMethod]
        public void Configure_NoNetwork_LeavesAndJoinsNothing()
        {
            var r = new Rig();
            r.Run(2000);
            r.Supervisor.Configure(TestText.Of(string.Empty), TestText.Of(string.Empty));
            r.Run(60000);
            Assert.AreEqual(UplinkState.NotConfigured, r.Supervisor.State);
            Assert.AreEqual(1, r.Radio.Joins);
            Assert.AreEqual(0u, r.Log.Address);
        }

        [TestMethod]
        public void Configure_ValuesTheDeviceRefuses_NothingTried()
        {
            var r = new Rig(new string('s', 32), "home-secret");
            r.Run(60000);
            Assert.AreEqual(UplinkState.Invalid, r.Supervisor.State);
            Assert.AreEqual(WifiProblem.SsidLength, r.Supervisor.Problem);
            Assert.AreEqual(0, r.Radio.Joins);
            r = new Rig("HomeNet", "short");
            r.Run(10000);
            Assert.AreEqual(WifiProblem.PassphraseLength, r.Supervisor.Problem);
            Assert.AreEqual(0, r.Radio.Joins);
        }

        [TestMethod]
        public void Join_RadioRefusesTheValues_InvalidNotRetried()
        {
            var r = new Rig();
            r.Radio.NextResult = UplinkJoinResult.Invalid;
            r.Run(60000);
            Assert.AreEqual(1, r.Radio.Joins);
            Assert.AreEqual(WifiProblem.DeviceRefused, r.Supervisor.Problem);
        }

        [TestMethod]
        public void Step_AddressLost_RadioRejoinsOnItsOwn_WithinTheGrace()
        {
            var r = new Rig();
            r.Run(2000);
            r.Radio.Address = 0;
            r.Run(5000);
            Assert.AreEqual(0u, r.Log.Address, "the engine and the shim hear of the loss at once");
            Assert.AreEqual(0, r.Radio.Leaves, "the driver's own rejoin gets its chance");
            r.Radio.Address = 0xC6120002;
            r.Run(1000);
            Assert.AreEqual(0xC6120002u, r.Log.Address);
            Assert.AreEqual(1, r.Radio.Joins);
        }

        [TestMethod]
        public void Step_AddressLostForGood_LeavesAfterTheGraceAndRejoins()
        {
            var r = new Rig();
            r.Run(2000);
            r.Radio.Address = 0;
            r.Radio.AddressAfterJoin = 0xC6120009;
            r.Run(UplinkSupervisor.ReconnectGraceMs + UplinkSupervisor.FirstBackoffMs + 3000);
            Assert.AreEqual(1, r.Radio.Leaves);
            Assert.AreEqual(2, r.Radio.Joins);
            Assert.AreEqual(0xC6120009u, r.Log.Address);
        }

        [TestMethod]
        public void Step_AllocatesNothing()
        {
            var r = new Rig();
            r.Radio.NextResult = UplinkJoinResult.Failed;
            r.Run(1000);
            long before = Platform.AllocatedBytes();
            for (int i = 0; i < 20000; i++)
            {
                r.Clock.Advance(r.Supervisor.Step());
                if (i == 10000)
                {
                    r.Radio.NextResult = UplinkJoinResult.Joined;
                }
            }

            // The fake radio copies what it is given; the supervisor itself allocates nothing.
            // Counted on .NET; nanoCLR counts nothing (Platform.CountsAllocations), so there it holds trivially.
            long allocated = Platform.AllocatedBytes() - before;
            Assert.IsTrue(allocated <= r.Radio.Joins * 256L, "allocated " + allocated + " bytes over " + r.Radio.Joins + " joins");
        }
    }
}
