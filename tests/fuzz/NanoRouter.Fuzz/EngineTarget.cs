using System;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Fuzz target "engine": the input is a script of records run through one fresh NAT engine
    /// (<see cref="EngineRig"/>, which checks the invariants after every step):
    /// <code>
    /// 0x00-0x7F  packet: bit 0 the ingress side (0 LAN, 1 WAN); bits 1-6 milliseconds to advance the
    ///            clock first (then Tick); then a 16-bit big-endian length (low 11 bits, cut to 1600
    ///            and to what is left; bit 15 set: make its checksums right first, see
    ///            Checksums.TryFix, so the checksum property bites on mutated packets) and the bytes
    /// 0x80-0xBF  advance the clock (low 6 bits) x 100 ms + 1 ms, Tick
    /// 0xC0-0xFD  advance the clock ((low 6 bits) + 1) x 30 s, Tick (sessions expire)
    /// 0xFE b     set the WAN address (b bit 0: 198.18.0.3, else 198.18.0.2)
    /// 0xFF b     switch passthrough rule (b &amp; 7) mod 6 on (b bit 3) or off, Tick
    /// </code>
    /// The clock starts 65 s before the signed 32-bit millisecond counter wraps. The rig is differential
    /// (issue 13): the native flow path (libnrflow.so) is in the loop, and a reference engine without
    /// it must agree on every verdict, byte and counter.
    /// </summary>
    internal sealed class EngineTarget : IFuzzTarget
    {
        public const int StartMs = 0x7FFF0000;

        /// <summary>Slots of the native flow table in the loop: fewer than the engine's flows, so inputs reach
        /// the full native table and the crowded-table policy too.</summary>
        public const int NativeSlots = 24;

        private readonly byte[] _packet = new byte[2048];

        public string Name => "engine";

        public void Run(byte[] input, int length)
        {
            var rig = new EngineRig(StartMs, 1, NativeSlots);
            Array.Clear(_packet, 0, _packet.Length);
            int i = 0;
            while (i < length)
            {
                byte h = input[i++];
                if (h < 0x80)
                {
                    int ms = (h >> 1) & 0x3F;
                    if (ms > 0)
                    {
                        rig.Advance(ms);
                    }

                    if (i + 2 > length)
                    {
                        break;
                    }

                    int lengthField = Be.U16(input, i);
                    int packetLength = lengthField & 0x7FF;
                    i += 2;
                    packetLength = Math.Min(packetLength, Math.Min(EngineRig.MaxPacket, length - i));
                    Buffer.BlockCopy(input, i, _packet, 0, packetLength);
                    i += packetLength;
                    if ((lengthField & 0x8000) != 0)
                    {
                        Checksums.TryFix(_packet, packetLength);
                    }

                    rig.Step(_packet, packetLength, (h & 1) == 0 ? Side.Lan : Side.Wan);
                }
                else if (h < 0xC0)
                {
                    rig.Advance(((h & 0x3F) * 100) + 1);
                }
                else if (h < 0xFE)
                {
                    rig.Advance(((h & 0x3F) + 1) * 30000);
                }
                else if (i < length)
                {
                    byte b = input[i++];
                    if (h == 0xFE)
                    {
                        rig.SetWan((b & 1) != 0 ? EngineRig.OtherWanAddress : EngineRig.WanAddress);
                    }
                    else
                    {
                        rig.Switch(b & 7, (b & 8) != 0);
                    }
                }
            }

            rig.CheckTables(true);
        }
    }
}
