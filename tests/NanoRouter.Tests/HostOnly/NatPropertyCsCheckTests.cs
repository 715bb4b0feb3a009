using System;
using CsCheck;
using NanoRouter.Hal;
using NanoRouter.Tests.Nat;

namespace NanoRouter.Tests.HostOnly
{
    /// <summary>
    /// The engine's properties (issue #2, "Tests") driven by CsCheck on the host, with more cases than
    /// the shared <see cref="NatPropertyTests"/> runs in nanoCLR and CsCheck's generators and
    /// replayable seeds (<see cref="CsCheckRuns"/>). The property bodies are the shared ones. Each run
    /// takes a few seconds.
    /// </summary>
    [TestClass]
    public class NatPropertyCsCheckTests
    {
        /// <summary>Remote addresses: anything routable on the WAN side (not the LAN, not ours, not 0/8, 127/8 or 224/3).</summary>
        private static readonly Gen<uint> s_remote = Gen.UInt.Where(NatPropertyTests.IsRemote);

        private static readonly Gen<ushort> s_port = Gen.UShort[1, 65535];

        private static readonly Gen<int> s_host = Gen.Int[2, 254];

        /// <summary>0 UDP, 1 TCP, 2 ICMP echo.</summary>
        private static readonly Gen<int> s_kind = Gen.Int[0, 2];

        [TestMethod]
        public void Process_OutThenIn_RestoresOriginalFiveTuple()
        {
            // Other hosts may already hold the same port (forcing a remap) towards random remotes.
            CsCheckRuns.Sample(Gen.Select(s_kind, s_host, s_port, s_remote, s_port, Gen.Select(s_host, s_remote).Array[0, 4]), t =>
            {
                var otherHosts = new int[t.Item6.Length];
                var otherRemotes = new uint[t.Item6.Length];
                for (int i = 0; i < t.Item6.Length; i++)
                {
                    (otherHosts[i], otherRemotes[i]) = t.Item6[i];
                }

                NatPropertyTests.OutThenIn(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, otherHosts, otherRemotes);
            }, 1500);
        }

        [TestMethod]
        public void Process_RandomBytes_NeverThrow()
        {
            var rig = new NatRig();
            NatPropertyTests.ForwardablePackets(rig, out Side[] _);
            CsCheckRuns.Sample(Gen.Select(Gen.Byte.Array[0, 120], Gen.Int[-2, 130], Gen.Bool), t =>
            {
                (byte[] bytes, int length, bool fromLan) = t;
                rig.Engine.Process(bytes, Math.Min(length, bytes.Length), fromLan ? Side.Lan : Side.Wan);
                rig.Engine.Process(bytes, bytes.Length, fromLan ? Side.Lan : Side.Wan);
            }, 30000);
        }

        [TestMethod]
        public void Process_MutatedValidPackets_NeverThrow()
        {
            var rig = new NatRig();
            byte[][] valid = NatPropertyTests.ForwardablePackets(rig, out Side[] sides);
            CsCheckRuns.Sample(Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Select(Gen.Int[0, 4095], Gen.Byte).Array[1, 4], Gen.Int[0, 8]), t =>
            {
                (int which, (int, byte)[] mutations, int shorten) = t;
                byte[] packet = (byte[])valid[which].Clone();
                foreach ((int at, byte value) in mutations)
                {
                    packet[at % packet.Length] = value;
                }

                rig.Engine.Process(packet, Math.Max(0, packet.Length - shorten), sides[which]);
            }, 30000);
        }

        /// <summary>One step of random traffic, with <see cref="TrafficStep.Random"/>'s distribution.</summary>
        private static readonly Gen<TrafficStep> s_step =
            Gen.Select(Gen.Int[2, 13], Gen.Int[0, 6], Gen.Int[0, 40], Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[0, 9].Select(s => s < 7 ? 0 : s * 6))
                .Select(t => new TrafficStep(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6));

        [TestMethod]
        public void Process_RandomTraffic_CapacityQuotasAndChecksumsHold()
        {
            CsCheckRuns.Sample(s_step.Array[20, 200], steps => NatPropertyTests.RandomTraffic(steps, 32), 150);
        }

        [TestMethod]
        public void Process_RandomTrafficTinyTable_CapacityAndQuotasHold()
        {
            CsCheckRuns.Sample(s_step.Array[20, 200], steps => NatPropertyTests.RandomTraffic(steps, 8), 150);
        }
    }
}
