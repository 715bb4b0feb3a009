using System;
using NanoRouter.Core.Config;
using NanoRouter.Core.Wire;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Fuzz target "settings": the settings codec and store. The input is decoded as it is, then again
    /// with its header made right (magic, version 1, payload length, CRC) so the fuzzer reaches the
    /// payload decoder; then both go to a two-slot store as a boot would find them.
    /// Invariants: no exception; a record whose header and CRC are right decodes Ok or BadField, never
    /// anything else; a decode that fails leaves the settings untouched; a decoded record encodes again
    /// to the same bytes (but the reserved byte and the CRC) and decodes to the same settings and
    /// sequence; the store loads the Ok record with the newer sequence (slot 0 on a tie), or the defaults when none is Ok.
    /// </summary>
    internal sealed class SettingsTarget : IFuzzTarget
    {
        private readonly byte[] _fixed = new byte[SettingsCodec.MaxRecordBytes + 64];
        private readonly byte[] _encoded = new byte[SettingsCodec.MaxRecordBytes];
        private readonly RouterSettings _defaults = new RouterSettings();

        public string Name => "settings";

        public void Run(byte[] input, int length)
        {
            var raw = new RouterSettings();
            uint rawSequence;
            SettingsDecodeStatus rawStatus = Decode(input, length, raw, out rawSequence);

            int fixedLength = Math.Min(length, _fixed.Length);
            Array.Clear(_fixed, 0, _fixed.Length);
            Buffer.BlockCopy(input, 0, _fixed, 0, fixedLength);
            var repaired = new RouterSettings();
            uint repairedSequence = 0;
            SettingsDecodeStatus repairedStatus = SettingsDecodeStatus.Empty;
            if (fixedLength >= SettingsCodec.HeaderBytes + 4)
            {
                _fixed[0] = (byte)'N';
                _fixed[1] = (byte)'R';
                _fixed[2] = (byte)'C';
                _fixed[3] = (byte)'F';
                _fixed[4] = SettingsCodec.Version;
                int payload = fixedLength - SettingsCodec.HeaderBytes - 4;
                Be.W16(_fixed, 6, payload);
                Be.W32(_fixed, SettingsCodec.HeaderBytes + payload, Crc(_fixed, SettingsCodec.HeaderBytes + payload));
                repairedStatus = Decode(_fixed, fixedLength, repaired, out repairedSequence);
                Invariant.That(repairedStatus == SettingsDecodeStatus.Ok || repairedStatus == SettingsDecodeStatus.BadField, "a record with a right header and CRC decodes Ok or BadField");
            }

            // A boot: slot 0 holds the input, slot 1 the repaired record.
            var store = new MemoryConfigStore();
            store.Slots[0] = input.AsSpan(0, length).ToArray();
            store.Slots[1] = _fixed.AsSpan(0, fixedLength >= SettingsCodec.HeaderBytes + 4 ? fixedLength : 0).ToArray();
            var loaded = new RouterSettings();
            loaded.ApSsid.CopyFrom(FakeRouterHost.Text("not loaded"));
            SettingsLoadStatus load = new SettingsStore(store).Load(loaded);
            bool rawOk = rawStatus == SettingsDecodeStatus.Ok && length <= SettingsCodec.MaxRecordBytes;
            bool repairedOk = repairedStatus == SettingsDecodeStatus.Ok && fixedLength <= SettingsCodec.MaxRecordBytes;
            if (Invariant.Verbose)
            {
                Console.WriteLine("  raw " + rawStatus + ", repaired " + repairedStatus + ", load " + load);
            }

            if (!rawOk && !repairedOk)
            {
                Invariant.That(load != SettingsLoadStatus.Loaded && SettingsCompare.Equal(loaded, _defaults), "no Ok record: the defaults are loaded");
            }
            else
            {
                Invariant.That(load == SettingsLoadStatus.Loaded, "an Ok record is loaded");
                RouterSettings expected = !repairedOk || (rawOk && (int)(rawSequence - repairedSequence) >= 0) ? raw : repaired;
                Invariant.That(SettingsCompare.Equal(loaded, expected), "the store loads the newer Ok record");
            }
        }

        private SettingsDecodeStatus Decode(byte[] record, int length, RouterSettings settings, out uint sequence)
        {
            SettingsDecodeStatus status = SettingsCodec.Decode(record, length, settings, out sequence);
            Invariant.That(status <= SettingsDecodeStatus.BadField, "a defined decode status");
            if (status != SettingsDecodeStatus.Ok)
            {
                Invariant.That(SettingsCompare.Equal(settings, _defaults), "a failed decode leaves the settings untouched");
                return status;
            }

            int encodedLength = SettingsCodec.Encode(settings, sequence, _encoded);
            Invariant.That(encodedLength > 0, "decoded settings encode again");
            int recordLength = SettingsCodec.HeaderBytes + Be.U16(record, 6) + 4;
            if (record[4] == SettingsCodec.VersionWithoutForwards)
            {
                // A format-1 record re-encodes as format 2: the same payload, then a rule count of 0.
                Invariant.That(encodedLength == recordLength + 1, "a format-1 record re-encodes one byte longer");
                Invariant.That(_encoded[4] == SettingsCodec.Version && _encoded.AsSpan(0, 4).SequenceEqual(record.AsSpan(0, 4))
                    && _encoded.AsSpan(8, recordLength - 12).SequenceEqual(record.AsSpan(8, recordLength - 12)) && _encoded[recordLength - 4] == 0,
                    "a format-1 record re-encodes as format 2 with the same fields and no rules");
            }
            else
            {
                Invariant.That(encodedLength == recordLength, "the record re-encodes to its own length");
                Invariant.That(_encoded.AsSpan(0, 5).SequenceEqual(record.AsSpan(0, 5)) && _encoded.AsSpan(6, encodedLength - 10).SequenceEqual(record.AsSpan(6, encodedLength - 10)), "the record re-encodes to the same bytes");
            }

            var again = new RouterSettings();
            uint sequenceAgain;
            Invariant.That(SettingsCodec.Decode(_encoded, encodedLength, again, out sequenceAgain) == SettingsDecodeStatus.Ok && sequenceAgain == sequence, "the re-encoded record decodes");
            Invariant.That(SettingsCompare.Equal(again, settings), "the round trip keeps every field");
            return status;
        }

        /// <summary>CRC-32 (IEEE 802.3, reflected, as zlib), the harness's own.</summary>
        private static uint Crc(byte[] b, int length)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < length; i++)
            {
                crc ^= b[i];
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
                }
            }

            return ~crc;
        }
    }
}
