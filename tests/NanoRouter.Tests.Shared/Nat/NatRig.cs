using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Nat
{
    /// <summary>A clock the test moves by hand (milliseconds, wrapping like an int tick count).</summary>
    internal sealed class ManualClock : IClock
    {
        public ManualClock(int nowMs)
        {
            NowMs = nowMs;
        }

        public int NowMs { get; set; }

        public void Advance(int ms)
        {
            NowMs = unchecked(NowMs + ms);
        }
    }

    /// <summary>
    /// The addresses of the test network: the router's LAN 198.19.4.1/24 and WAN 198.18.0.2, LAN
    /// hosts 198.19.4.x and remote servers in 198.18.7.0/24 and 198.18.9.0/24 (all in 198.18.0.0/15).
    /// </summary>
    internal static class Net
    {
        public const uint RouterLan = 0xC6130401;
        public const uint Wan = 0xC6120002;
        public const uint HostA = 0xC6130402;
        public const uint HostB = 0xC6130403;
        public const uint HostC = 0xC6130404;
        public const uint Server = 0xC6120701;
        public const uint Server2 = 0xC6120702;
        public const uint Stranger = 0xC6120766;
        public const uint HopRouter = 0xC6120901;

        public static uint Host(int lastByte)
        {
            return 0xC6130400 | (uint)lastByte;
        }
    }

    /// <summary>Sets options before the engine is built (a delegate of its own: nanoCLR runs no generic Action&lt;T&gt;).</summary>
    internal delegate void ConfigureOptions(NatOptions options);

    /// <summary>
    /// One NAT engine on a manual clock, with the calls every test makes: send a packet from a side
    /// and require a verdict, check the result with the oracle (<see cref="Check"/>), move time and tick.
    /// </summary>
    internal sealed class NatRig
    {
        public const int StartMs = 5000000;

        public NatRig(int capacity = 64, ConfigureOptions configure = null, int startMs = StartMs, bool tickFirst = true)
        {
            Options = new NatOptions
            {
                LanAddress = Net.RouterLan,
                LanPrefixLength = 24,
                WanAddress = Net.Wan,
                Capacity = capacity,
            };
            if (configure != null)
            {
                configure(Options);
            }
            Clock = new ManualClock(startMs);
            Engine = new NatEngine(Options, Clock);
            if (tickFirst)
            {
                Engine.Tick();
            }
        }

        public NatOptions Options { get; }

        public ManualClock Clock { get; }

        public NatEngine Engine { get; }

        /// <summary>Moves the clock and ticks once.</summary>
        public void Advance(int ms)
        {
            Clock.Advance(ms);
            Engine.Tick();
        }

        public void AdvanceSeconds(int seconds)
        {
            Advance(seconds * 1000);
        }

        /// <summary>Processes a copy of the packet; returns the verdict and leaves the (maybe rewritten) copy in <paramref name="result"/>.</summary>
        public Verdict Process(byte[] packet, Side ingress, out byte[] result)
        {
            result = (byte[])packet.Clone();
            return Engine.Process(result, result.Length, ingress);
        }

        public Verdict Process(byte[] packet, Side ingress)
        {
            byte[] result;
            return Process(packet, ingress, out result);
        }

        /// <summary>Sends from the LAN and requires Forward to the WAN with valid checksums; returns the output.</summary>
        public byte[] Out(byte[] packet, string because = "outbound")
        {
            Verdict verdict = Process(packet, Side.Lan, out byte[] result);
            Assert.AreEqual(Verdict.Forward, verdict, because + ": verdict (last drop " + Engine.LastDrop + ")");
            Assert.AreEqual(Side.Wan, Engine.Egress, because + ": egress");
            Check.ChecksumsValid(result, because);
            return result;
        }

        /// <summary>Sends from the WAN and requires Forward to the LAN with valid checksums; returns the output.</summary>
        public byte[] In(byte[] packet, string because = "inbound")
        {
            Verdict verdict = Process(packet, Side.Wan, out byte[] result);
            Assert.AreEqual(Verdict.Forward, verdict, because + ": verdict (last drop " + Engine.LastDrop + ")");
            Assert.AreEqual(Side.Lan, Engine.Egress, because + ": egress");
            Check.ChecksumsValid(result, because);
            return result;
        }

        /// <summary>Requires a Drop for the given reason, counted once, and no change to the table's size.</summary>
        public void Dropped(byte[] packet, Side ingress, DropReason reason, string because = "dropped")
        {
            int before = Engine.DropCount(reason);
            int count = Engine.Table.Count;
            Verdict verdict = Process(packet, ingress);
            Assert.AreEqual(Verdict.Drop, verdict, because + ": verdict");
            Assert.AreEqual(reason, Engine.LastDrop, because + ": reason");
            Assert.AreEqual(before + 1, Engine.DropCount(reason), because + ": counted");
            Assert.AreEqual(count, Engine.Table.Count, because + ": no entry created");
        }
    }
}
