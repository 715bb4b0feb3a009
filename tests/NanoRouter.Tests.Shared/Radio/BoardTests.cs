using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Radio;
using NanoRouter.Hal;
using MemoryConfigStore = NanoRouter.Tests.Admin.MemoryConfigStore;
using NanoRouter.Tests.Config;
using NanoRouter.Tests.Nat;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Radio
{
    /// <summary>
    /// The reset button and the light (issue 11, "BOOT held at power-on is read before anything
    /// else is applied"; point 10, the light is optional): held 5 s at start-up or later it erases
    /// the settings; released earlier nothing happens.
    /// </summary>
    [TestClass]
    public class BoardTests
    {
        [TestMethod]
        public void ResetHeldAtStart_NotPressed_FalseAtOnce()
        {
            var clock = new ManualClock(0);
            var board = new FakeBoard(clock);
            Assert.IsFalse(RadioRouterHost.ResetHeldAtStart(board, clock));
            Assert.AreEqual(0, clock.NowMs, "boot is not delayed");
        }

        [TestMethod]
        public void ResetHeldAtStart_Held5s_True_FastBlink()
        {
            var clock = new ManualClock(0);
            var board = new FakeBoard(clock) { ResetButtonDown = true };
            Assert.IsTrue(RadioRouterHost.ResetHeldAtStart(board, clock));
            Assert.IsTrue(clock.NowMs >= RadioRouterHost.ResetHoldMs);
            Assert.IsTrue(board.LightChanges >= 30, "blinking fast (4 Hz) while held: " + board.LightChanges);
        }

        [TestMethod]
        public void ResetHeldAtStart_ReleasedAfter3s_False()
        {
            var clock = new ManualClock(-2000); // across the clock's zero: wrap-safe
            var board = new FakeBoard(clock) { ResetButtonDown = true, ReleaseAtMs = 1000 };
            Assert.IsFalse(RadioRouterHost.ResetHeldAtStart(board, clock));
            Assert.IsTrue(clock.NowMs < 1100);
        }

        [TestMethod]
        public void Watch_ButtonHeld5s_ErasesAndReboots_LightShowsTheUplink()
        {
            var clock = new ManualClock(10000);
            var board = new FakeBoard(clock);
            var uplink = new FakeUplink();
            var settings = new RouterSettings();
            TestText.Set(settings.UplinkSsid, "HomeNet");
            var store = new SettingsStore(new MemoryConfigStore(2));
            Assert.IsTrue(store.Save(settings));
            var engine = new NatEngine(new NatOptions { Capacity = 16 }, clock);
            var host = new RadioRouterHost(engine, settings, uplink, new FakeAccessPoint(), board, clock, new AddressLog());
            Assert.IsFalse(host.Watch(store, clock.NowMs));
            Assert.AreEqual(LightPattern.SlowBlink, host.Light.Pattern, "no uplink yet");
            host.Uplink.Step();
            host.Watch(store, clock.NowMs);
            Assert.AreEqual(LightPattern.Solid, host.Light.Pattern, "forwarding");
            Assert.IsTrue(board.LightOn);

            board.ResetButtonDown = true;
            for (int t = 0; t < 4900; t += 500)
            {
                Assert.IsFalse(host.Watch(store, clock.NowMs + t));
            }

            Assert.AreEqual(LightPattern.FastBlink, host.Light.Pattern);
            Assert.AreEqual(0, board.Reboots);
            Assert.IsTrue(host.Watch(store, clock.NowMs + 5000));
            Assert.AreEqual(1, board.Reboots);
            var loaded = new RouterSettings();
            Assert.AreEqual(SettingsLoadStatus.Empty, store.Load(loaded), "erased");
        }

        [TestMethod]
        public void Watch_ButtonTappedAgain_HoldCountsFromTheNewPress()
        {
            var clock = new ManualClock(0);
            var board = new FakeBoard(clock);
            var store = new SettingsStore(new MemoryConfigStore(2));
            var engine = new NatEngine(new NatOptions { Capacity = 16 }, clock);
            var host = new RadioRouterHost(engine, new RouterSettings(), new FakeUplink(), new FakeAccessPoint(), board, clock, new AddressLog());
            board.ResetButtonDown = true;
            host.Watch(store, 0);
            host.Watch(store, 4000);
            board.ResetButtonDown = false;
            host.Watch(store, 4500);
            board.ResetButtonDown = true;
            Assert.IsFalse(host.Watch(store, 5000));
            Assert.IsFalse(host.Watch(store, 9000));
            Assert.IsTrue(host.Watch(store, 10000));
        }

        [TestMethod]
        public void ApplySettings_TimeoutsMssAndUplinkTakeEffect()
        {
            var clock = new ManualClock(0);
            var uplink = new FakeUplink();
            var engine = new NatEngine(new NatOptions { Capacity = 16 }, clock);
            var settings = new RouterSettings();
            var host = new RadioRouterHost(engine, settings, uplink, new FakeAccessPoint(), new FakeBoard(clock), clock, new AddressLog());
            host.Uplink.Step();
            Assert.AreEqual(0, uplink.Joins, "no uplink configured");
            TestText.Set(settings.UplinkSsid, "HomeNet");
            settings.MssClamp = 1200;
            host.ApplySettings(settings);
            host.Uplink.Step();
            Assert.AreEqual(1, uplink.Joins);
            Assert.AreEqual(1200, engine.Options.MssClamp);
            Assert.IsTrue(host.UplinkConnected);
            Assert.AreEqual("HomeNet", TestText.Str(host.UplinkSsid));
        }

        [TestMethod]
        public void UplinkAddress_ReachesTheEngineAndTheBoard()
        {
            var clock = new ManualClock(0);
            var uplink = new FakeUplink();
            var engine = new NatEngine(new NatOptions { Capacity = 16 }, clock);
            var settings = new RouterSettings();
            TestText.Set(settings.UplinkSsid, "HomeNet");
            var shim = new AddressLog();
            var host = new RadioRouterHost(engine, settings, uplink, new FakeAccessPoint(), new FakeBoard(clock), clock, shim);
            host.Uplink.Step();
            Assert.AreEqual(0xC6120002u, shim.Address, "the board (native shim, DHCP) heard of it");
            engine.Tick();
            Assert.AreEqual(0xC6120002u, engine.WanAddress, "the engine applies it at its next tick");
        }

        [TestMethod]
        public void WifiNotice_InvalidUplink_SaysSo()
        {
            var clock = new ManualClock(0);
            var engine = new NatEngine(new NatOptions { Capacity = 16 }, clock);
            var settings = new RouterSettings();
            TestText.Set(settings.UplinkSsid, "HomeNet");
            TestText.Set(settings.UplinkPassword, "short");
            var host = new RadioRouterHost(engine, settings, new FakeUplink(), new FakeAccessPoint(), new FakeBoard(clock), clock, new AddressLog());
            host.ApplyAccessPoint();
            Assert.IsNull(host.WifiNotice);
            host.Uplink.Step();
            Expect.Contains(host.WifiNotice, "uplink settings cannot be used");
        }
    }
}
