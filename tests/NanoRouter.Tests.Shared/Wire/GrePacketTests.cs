using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The GRE view: version 0 (RFC 2784/2890) and enhanced GRE version 1 (RFC 2637), on scapy fixtures.</summary>
    [TestClass]
    public class GrePacketTests
    {
        private static GrePacket Parse(byte[] bytes)
        {
            Assert.AreEqual(WireStatus.Ok, GrePacket.TryParse(bytes, 0, bytes.Length, out GrePacket gre));
            return gre;
        }

        [TestMethod]
        public void TryParse_Version0KeySequence_FieldsRead()
        {
            GrePacket gre = Parse(Fixtures.GreKeySequence);

            Assert.AreEqual(0, gre.Version);
            Assert.IsFalse(gre.ChecksumPresent);
            Assert.IsTrue(gre.KeyPresent);
            Assert.IsTrue(gre.SequenceNumberPresent);
            Assert.IsFalse(gre.AcknowledgmentNumberPresent);
            Assert.AreEqual((ushort)0x0800, gre.ProtocolType);
            Assert.IsTrue(gre.TryGetKey(out uint key));
            Assert.AreEqual(0xAABBCCDDu, key);
            Assert.IsTrue(gre.TryGetSequenceNumber(out uint sequence));
            Assert.AreEqual(5u, sequence);
            Assert.IsFalse(gre.TryGetAcknowledgmentNumber(out uint _));
            Assert.AreEqual(12, gre.HeaderLength);
            Assert.AreEqual(4, gre.PayloadLength);
            Assert.AreEqual((ushort)0, gre.CallId);
            Assert.IsTrue(gre.IsChecksumValid());
        }

        [TestMethod]
        public void TryParse_Version0Plain_NoOptionalFields()
        {
            GrePacket gre = Parse(Fixtures.GrePlain);

            Assert.AreEqual(4, gre.HeaderLength);
            Assert.AreEqual(4, gre.PayloadOffset);
            Assert.IsFalse(gre.TryGetKey(out uint _));
            Assert.IsFalse(gre.TryGetSequenceNumber(out uint _));
            Assert.IsFalse(gre.SetKeyWithChecksumUpdate(1));
        }

        [TestMethod]
        public void SetKeyWithChecksumUpdate_ChecksumPresent_EqualsScapyRebuild()
        {
            byte[] bytes = Fixtures.GreChecksumKeySequence;
            GrePacket gre = Parse(bytes);
            Assert.IsTrue(gre.IsChecksumValid());
            Assert.AreEqual((ushort)0x869F, gre.Checksum);
            Assert.AreEqual(gre.Checksum, gre.ComputeChecksum());

            Assert.IsTrue(gre.SetKeyWithChecksumUpdate(0x0A0B0C0D));

            // raw(GRE(chksum_present=1, key_present=1, seqnum_present=1, key=0x0A0B0C0D, sequence_number=9, proto=0x0800)/b'payload!')
            byte[] expected = { 0xB0, 0x00, 0x08, 0x00, 0x74, 0x8D, 0x00, 0x00, 0x0A, 0x0B, 0x0C, 0x0D, 0x00, 0x00, 0x00, 0x09, 0x70, 0x61, 0x79, 0x6C, 0x6F, 0x61, 0x64, 0x21 };
            CollectionAssert.AreEqual(expected, bytes);
            Assert.IsTrue(gre.IsChecksumValid());
        }

        [TestMethod]
        public void TryParse_EnhancedSequenceAcknowledgment_FieldsRead()
        {
            GrePacket gre = Parse(Fixtures.EnhancedGreSequenceAcknowledgment);

            Assert.AreEqual(1, gre.Version);
            Assert.IsTrue(gre.KeyPresent);
            Assert.IsTrue(gre.AcknowledgmentNumberPresent);
            Assert.AreEqual(GrePacket.ProtocolTypePpp, gre.ProtocolType);
            Assert.AreEqual((ushort)4, gre.EnhancedPayloadLength);
            Assert.AreEqual((ushort)0x4321, gre.CallId);
            Assert.IsTrue(gre.TryGetSequenceNumber(out uint sequence));
            Assert.AreEqual(17u, sequence);
            Assert.IsTrue(gre.TryGetAcknowledgmentNumber(out uint acknowledgment));
            Assert.AreEqual(16u, acknowledgment);
            Assert.IsFalse(gre.TryGetKey(out uint _));
            Assert.AreEqual(16, gre.HeaderLength);
            Assert.AreEqual(4, gre.PayloadLength);
        }

        [TestMethod]
        public void TryParse_EnhancedAcknowledgmentOnly_AckFollowsKey()
        {
            GrePacket gre = Parse(Fixtures.EnhancedGreAcknowledgmentOnly);

            Assert.IsFalse(gre.SequenceNumberPresent);
            Assert.IsTrue(gre.TryGetAcknowledgmentNumber(out uint acknowledgment));
            Assert.AreEqual(99u, acknowledgment);
            Assert.AreEqual((ushort)0x0102, gre.CallId);
            Assert.AreEqual(12, gre.HeaderLength);
            Assert.AreEqual(0, gre.PayloadLength);
        }

        [TestMethod]
        public void SetCallId_Enhanced_WritesOnlyTheCallId()
        {
            byte[] bytes = Fixtures.EnhancedGreSequenceAcknowledgment;
            GrePacket gre = Parse(bytes);

            Assert.IsTrue(gre.SetCallId(0xBEEF));

            byte[] expected = Fixtures.EnhancedGreSequenceAcknowledgment;
            expected[6] = 0xBE;
            expected[7] = 0xEF;
            CollectionAssert.AreEqual(expected, bytes);
            Assert.IsFalse(Parse(Fixtures.GreKeySequence).SetCallId(1));
        }

        [TestMethod]
        [DataRow(0, 0x02, (int)WireStatus.BadVersion)]          // version 2
        [DataRow(0, 0x07, (int)WireStatus.BadVersion)]          // version 7
        [DataRow(1, 0x00, (int)WireStatus.ReservedBitsSet)]     // v1 without K
        [DataRow(2, 0x00, (int)WireStatus.ReservedBitsSet)]     // v1 with C
        [DataRow(3, 0x00, (int)WireStatus.ReservedBitsSet)]     // R set
        [DataRow(4, 0x00, (int)WireStatus.ReservedBitsSet)]     // recursion control set
        [DataRow(5, 0x00, (int)WireStatus.ReservedBitsSet)]     // v1 flag bits between A and version
        [DataRow(6, 0x00, (int)WireStatus.BadProtocolType)]     // v1 not PPP
        [DataRow(7, 0x00, (int)WireStatus.BadLength)]           // v1 payload length past the bytes
        [DataRow(8, 0x00, (int)WireStatus.Truncated)]           // v1 with S and A but only 12 bytes
        public void TryParse_BrokenEnhancedHeader_Rejected(int breakage, int version, int expected)
        {
            byte[] bytes = Fixtures.EnhancedGreSequenceAcknowledgment;
            int length = bytes.Length;
            switch (breakage)
            {
                case 0: bytes[1] = (byte)((bytes[1] & 0xF8) | version); break;
                case 1: bytes[0] &= 0xDF; break;
                case 2: bytes[0] |= 0x80; break;
                case 3: bytes[0] |= 0x40; break;
                case 4: bytes[0] |= 0x01; break;
                case 5: bytes[1] |= 0x08; break;
                case 6: bytes[2] = 0x08; bytes[3] = 0x00; break;
                case 7: bytes[5] = 5; break;
                case 8: length = 12; break;
            }

            Assert.AreEqual((WireStatus)expected, GrePacket.TryParse(bytes, 0, length, out GrePacket _));
        }

        [TestMethod]
        [DataRow(0x40, (int)WireStatus.ReservedBitsSet)]   // routing present (RFC 1701)
        [DataRow(0x08, (int)WireStatus.ReservedBitsSet)]   // strict source route
        [DataRow(0x04, (int)WireStatus.ReservedBitsSet)]   // recursion control
        [DataRow(0x80, (int)WireStatus.Truncated)]         // C set: needs 4 more bytes than the fixture has
        public void TryParse_Version0FlagBits_CheckedPerRfc2784(int extraFlag, int expected)
        {
            byte[] bytes = Fixtures.GrePlain;
            bytes[0] |= (byte)extraFlag;

            Assert.AreEqual((WireStatus)expected, GrePacket.TryParse(bytes, 0, bytes.Length, out GrePacket _));
        }
    }
}
