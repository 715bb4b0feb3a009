using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Radio;
using NanoRouter.Hal;
using NanoRouter.Tests.Config;
using NanoRouter.Tests.Nat;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Radio
{
    /// <summary>
    /// The access point at boot (issue 11, points 7 and 9): the stored configuration becomes the
    /// settings' with one restart, a second boot finds nothing to change (no restart loop), values
    /// the device refuses fall back to the factory access point with a notice, and the channel is
    /// applied. <see cref="FakeAccessPoint"/> keeps the configuration the way nf-interpreter does.
    /// </summary>
    [TestClass]
    public class AccessPointBootTests
    {
        private sealed class Boot
        {
            public readonly ManualClock Clock = new ManualClock(1000);
            public readonly FakeAccessPoint AccessPoint = new FakeAccessPoint();
            public readonly RouterSettings Settings = new RouterSettings();
            public RadioRouterHost Host;

            /// <summary>One power-on: a fresh host over the same device; true when it asked to restart.</summary>
            public bool PowerOn()
            {
                var engine = new NatEngine(new NatOptions { Capacity = 16 }, Clock);
                Host = new RadioRouterHost(engine, Settings, new FakeUplink(), AccessPoint, new FakeBoard(Clock), Clock, new AddressLog());
                return Host.ApplyAccessPoint();
            }
        }

        [TestMethod]
        public void FirstBoot_FactorySettings_BoardNameOpen_OneRestartThenNone()
        {
            var b = new Boot();
            Assert.IsTrue(b.PowerOn(), "nanoFramework's own block differs: store ours and restart");
            Assert.AreEqual("nanoRouter-1A2B", Text.FromAscii(b.AccessPoint.Stored.Ssid, 0, b.AccessPoint.Stored.SsidLength));
            Assert.IsTrue(b.AccessPoint.Stored.Open);
            Assert.AreEqual(6, b.AccessPoint.Stored.Channel);
            Assert.AreEqual(0xC0A80401u, b.AccessPoint.Stored.Address);
            Assert.IsNull(b.Host.WifiNotice);
            Assert.IsFalse(b.PowerOn(), "the second boot finds what it stored");
            Assert.IsFalse(b.PowerOn());
            Assert.AreEqual(1, b.AccessPoint.Writes);
        }

        [TestMethod]
        public void SavedSettings_Applied_NameBytesAndPassword()
        {
            var b = new Boot();
            TestText.Set(b.Settings.ApSsid, "Caf\u00e9 \U0001F600");
            TestText.Set(b.Settings.ApPassword, "correct horse");
            b.Settings.ApChannel = 11;
            Assert.IsTrue(b.PowerOn());
            AccessPointConfig stored = b.AccessPoint.Stored;
            CollectionAssert.AreEqual(Text.Utf8("Caf\u00e9 \U0001F600"), Bytes(stored.Ssid, stored.SsidLength));
            Assert.IsFalse(stored.Open);
            Assert.AreEqual("correct horse", Text.FromAscii(stored.Passphrase, 0, stored.PassphraseLength));
            Assert.AreEqual(11, stored.Channel);
            Assert.AreEqual("Caf\u00e9 \U0001F600", TestText.Str(b.Host.AccessPointSsid));
            Assert.IsFalse(b.PowerOn());
        }

        [TestMethod]
        public void ChannelChange_Applied_WithOneRestart()
        {
            var b = new Boot();
            b.PowerOn();
            b.Settings.ApChannel = 3;
            Assert.IsTrue(b.PowerOn(), "a channel change from the admin page is applied");
            Assert.AreEqual(3, b.AccessPoint.Stored.Channel);
            Assert.IsFalse(b.PowerOn());
        }

        [TestMethod]
        public void SavedSsidOf32Bytes_FactoryAccessPoint_NoticeAndOtherSettingsKept()
        {
            // A record from the old firmware, which accepted 32 bytes: the device would throw at every boot.
            var b = new Boot();
            TestText.Set(b.Settings.ApSsid, new string('x', 32));
            TestText.Set(b.Settings.ApPassword, "long-enough-pass");
            b.Settings.UdpTimeoutSeconds = 999;
            Assert.IsTrue(b.PowerOn());
            Assert.AreEqual("nanoRouter-1A2B", Text.FromAscii(b.AccessPoint.Stored.Ssid, 0, b.AccessPoint.Stored.SsidLength));
            Assert.IsTrue(b.AccessPoint.Stored.Open, "factory access point");
            Expect.Contains(b.Host.WifiNotice, "cannot be used");
            Expect.Contains(b.Host.WifiNotice, "nanoRouter-1A2B");
            Assert.AreEqual(999, b.Settings.UdpTimeoutSeconds, "the other settings stay");
            Assert.AreEqual(32, b.Settings.ApSsid.Length, "the setting itself is not rewritten behind the owner's back");
            Assert.IsFalse(b.PowerOn(), "no restart loop");
            Expect.Contains(b.Host.WifiNotice, "cannot be used");
        }

        [TestMethod]
        public void SavedPassphraseOf64Characters_FactoryAccessPoint()
        {
            var b = new Boot();
            TestText.Set(b.Settings.ApSsid, "home");
            TestText.Set(b.Settings.ApPassword, new string('a', 64));
            Assert.IsTrue(b.PowerOn());
            Assert.IsTrue(b.AccessPoint.Stored.Open);
            Assert.IsNotNull(b.Host.WifiNotice);
            Assert.IsFalse(b.PowerOn());
        }

        [TestMethod]
        public void DeviceRefusesValidSettings_FactoryAccessPoint_NoLoop()
        {
            var b = new Boot();
            b.PowerOn();
            TestText.Set(b.Settings.ApSsid, "home");
            b.AccessPoint.Refuse = true;
            Assert.IsFalse(b.PowerOn(), "refused: the factory access point already stored, nothing to restart for");
            Expect.Contains(b.Host.WifiNotice, "refused");
            Assert.AreEqual("nanoRouter-1A2B", TestText.Str(b.Host.AccessPointSsid));
            Assert.IsFalse(b.PowerOn());
            Assert.IsFalse(b.PowerOn());
        }

        [TestMethod]
        public void DeviceStoresSomethingElse_NoRestart_Notice()
        {
            var b = new Boot();
            b.AccessPoint.Normalize = true;
            for (int boot = 0; boot < 3; boot++)
            {
                Assert.IsFalse(b.PowerOn(), "a read-back that differs from the plan must not restart (boot " + boot + ")");
            }

            Assert.IsNotNull(b.Host.WifiNotice);
        }

        [TestMethod]
        public void NoConfigurationOnTheDevice_Written()
        {
            var b = new Boot();
            b.AccessPoint.HasConfig = false;
            Assert.IsTrue(b.PowerOn());
            Assert.IsFalse(b.PowerOn());
        }

        [TestMethod]
        public void Same_OpenIgnoresPassphrase_EveryOtherFieldCounts()
        {
            var plan = new AccessPointConfig();
            AccessPointPlan.Factory("nanoRouter-1A2B", 6, plan);
            var stored = new AccessPointConfig();
            stored.CopyFrom(plan);
            Assert.IsTrue(AccessPointPlan.Same(stored, plan));
            byte[] junk = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
            stored.SetText(plan.Ssid, plan.SsidLength, junk, junk.Length);
            Assert.IsTrue(AccessPointPlan.Same(stored, plan), "an open network's leftover password does not matter");
            stored.CopyFrom(plan);
            stored.StartsAtBoot = false;
            Assert.IsFalse(AccessPointPlan.Same(stored, plan));
            stored.CopyFrom(plan);
            stored.MaxClients = 5;
            Assert.IsFalse(AccessPointPlan.Same(stored, plan));
            stored.CopyFrom(plan);
            stored.Mask = 0xFFFF0000;
            Assert.IsFalse(AccessPointPlan.Same(stored, plan));
            stored.CopyFrom(plan);
            stored.Ssid[3] ^= 1;
            Assert.IsFalse(AccessPointPlan.Same(stored, plan));
        }

        private static byte[] Bytes(byte[] source, int count)
        {
            byte[] copy = new byte[count];
            System.Array.Copy(source, copy, count);
            return copy;
        }
    }
}
