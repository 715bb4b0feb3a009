using NanoRouter.Core.Nat;
using NanoRouter.Core.Radio;
using NanoRouter.Hal;
using MemoryConfigStore = NanoRouter.Tests.Admin.MemoryConfigStore;
using SeededEntropy = NanoRouter.Tests.Admin.SeededEntropy;
using NanoRouter.Tests.Nat;

namespace NanoRouter.Tests.Radio
{
    /// <summary>
    /// The router put together as the ESP32's Program does it (issue 13, the device part): the board's
    /// native flow path reaches the engine, which installs its established flows there; a board
    /// without one, or whose firmware has no table (no slots), runs every packet through the engine.
    /// </summary>
    [TestClass]
    public class WifiRouterTests
    {
        private const uint LanHost = 0xC0A80402;

        /// <summary>A native table that takes every install and forwards nothing; it records the calls.</summary>
        private sealed class RecordingFlowPath : IFlowPath
        {
            private readonly byte[] _state;

            public RecordingFlowPath(int capacity)
            {
                _state = new byte[capacity];
            }

            public int AddressCalls;
            public uint LanAddress;
            public int LanPrefixLength;
            public uint WanAddress;
            public int Installs;
            public int Seconds = -1;

            public int Capacity => _state.Length;

            public int SetAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress)
            {
                AddressCalls++;
                LanAddress = lanAddress;
                LanPrefixLength = lanPrefixLength;
                WanAddress = wanAddress;
                return 0;
            }

            public void SetSeconds(int nowSeconds) => Seconds = nowSeconds;

            public int Install(int slot, byte[] spec)
            {
                _state[slot] = 1;
                Installs++;
                return 0;
            }

            public int Remove(int slot)
            {
                _state[slot] = 3;
                return 0;
            }

            public int Read(int slot, byte[] state)
            {
                System.Array.Clear(state, 0, 20);
                return _state[slot];
            }
        }

        /// <summary>The packet port and shim, unused until the router runs.</summary>
        private sealed class IdlePort : IPacketPort, IForwardingShim
        {
            public int Receive(byte[] buffer, int timeoutMs, out Side ingress)
            {
                ingress = Side.Lan;
                return 0;
            }

            public void Complete(Verdict verdict, byte[] buffer, int length, Side egress)
            {
            }

            public void Send(byte[] buffer, int length, Side egress)
            {
            }

            public bool Start() => true;

            public void Configure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh)
            {
            }

            public bool SetPreserved(int protocol, int port, bool active) => true;
        }

        /// <summary>Boots a router with the board's options over <paramref name="flowPath"/>; the first
        /// boot stores the access point and asks for a restart, the second runs.</summary>
        private static WifiRouter Booted(ManualClock clock, IFlowPath flowPath)
        {
            var options = new NatOptions { Capacity = 16, PortRangeStart = 10000, PortRangeEnd = 49151, LanAddress = AccessPointPlan.Address, MaxPacketLength = 1500 };
            var port = new IdlePort();
            var board = new FakeBoard(clock);
            var flash = new MemoryConfigStore(2);
            var accessPoint = new FakeAccessPoint();
            var router = new WifiRouter(board, clock, flash, new FakeUplink(), accessPoint, port, port, new SeededEntropy(7), null, flowPath, options);
            if (!router.Boot())
            {
                router = new WifiRouter(board, clock, flash, new FakeUplink(), accessPoint, port, port, new SeededEntropy(7), null, flowPath, options);
                Assert.IsTrue(router.Boot(), "the second boot runs");
            }

            return router;
        }

        [TestMethod]
        public void Boot_BoardFlowPath_EngineInstallsEstablishedFlowsThere()
        {
            var clock = new ManualClock(1000);
            var path = new RecordingFlowPath(8);
            WifiRouter router = Booted(clock, path);
            NatEngine engine = router.Engine;
            Assert.IsNotNull(engine.Flows, "the engine has the board's flow path");
            Assert.AreEqual(AccessPointPlan.Address, path.LanAddress);
            Assert.AreEqual(24, path.LanPrefixLength);
            Assert.AreEqual(0u, path.WanAddress, "no uplink yet");
            Assert.IsTrue(path.Seconds >= 0, "the engine's clock reached the native side");

            engine.SetWanAddress(Net.Wan);
            Assert.AreEqual(Net.Wan, path.WanAddress);
            byte[] query = Packets.Udp(LanHost, 40000, Net.Server, 53);
            Assert.AreEqual(Verdict.Forward, engine.Process(query, query.Length, Side.Lan));
            ushort external = (ushort)((query[20] << 8) | query[21]);
            byte[] answer = Packets.Udp(Net.Server, 53, Net.Wan, external);
            Assert.AreEqual(Verdict.Forward, engine.Process(answer, answer.Length, Side.Wan));
            Assert.AreEqual(0, path.Installs, "a query and its answer take no native slot");
            byte[] again = Packets.Udp(LanHost, 40000, Net.Server, 53);
            Assert.AreEqual(Verdict.Forward, engine.Process(again, again.Length, Side.Lan));
            Assert.AreEqual(1, path.Installs, "answered and used again: installed");
            Assert.AreEqual(1, engine.Flows.Offloaded);
        }

        [TestMethod]
        public void Boot_FlowPathWithoutSlots_EveryPacketManaged()
        {
            var clock = new ManualClock(1000);
            var path = new RecordingFlowPath(0);
            WifiRouter router = Booted(clock, path);
            Assert.IsNull(router.Engine.Flows, "a firmware without the table: no native path");
            Assert.AreEqual(0, path.AddressCalls, "never called");
            Assert.AreEqual(-1, path.Seconds);
        }

        [TestMethod]
        public void Boot_NoFlowPath_EveryPacketManaged()
        {
            WifiRouter router = Booted(new ManualClock(1000), null);
            Assert.IsNull(router.Engine.Flows);
        }
    }
}
