using NanoRouter.Core.Wire;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The IKE header view (RFC 7296 / RFC 2408) and the UDP 4500 classifier (RFC 3948) on scapy fixtures.</summary>
    [TestClass]
    public class IkeAndNatTraversalTests
    {
        [TestMethod]
        public void TryParse_IkeV2SaInit_FieldsRead()
        {
            byte[] bytes = Fixtures.IkeV2SaInit;

            Assert.AreEqual(WireStatus.Ok, IkeHeader.TryParse(bytes, 0, bytes.Length, out IkeHeader ike));
            Assert.AreEqual(0x01020304u, ike.InitiatorSpiHigh);
            Assert.AreEqual(0x05060708u, ike.InitiatorSpiLow);
            Assert.AreEqual(0u, ike.ResponderSpiHigh);
            Assert.AreEqual(0u, ike.ResponderSpiLow);
            Assert.IsTrue(ike.ResponderSpiIsZero);
            Assert.AreEqual((byte)40, ike.NextPayload);
            Assert.AreEqual(2, ike.MajorVersion);
            Assert.AreEqual(0, ike.MinorVersion);
            Assert.AreEqual(IkeHeader.ExchangeIkeSaInit, ike.ExchangeType);
            Assert.IsTrue(ike.IsInitiator);
            Assert.IsFalse(ike.IsResponse);
            Assert.AreEqual(0u, ike.MessageId);
            Assert.AreEqual(48u, ike.Length);
        }

        [TestMethod]
        public void TryParse_IkeV1MainMode_FieldsRead()
        {
            byte[] bytes = Fixtures.IkeV1MainMode;

            Assert.AreEqual(WireStatus.Ok, IkeHeader.TryParse(bytes, 0, bytes.Length, out IkeHeader ike));
            Assert.AreEqual(0xA1A2A3A4u, ike.InitiatorSpiHigh);
            Assert.AreEqual(0xB5B6B7B8u, ike.ResponderSpiLow);
            Assert.IsFalse(ike.ResponderSpiIsZero);
            Assert.AreEqual(1, ike.MajorVersion);
            Assert.AreEqual(IkeHeader.ExchangeIdentityProtection, ike.ExchangeType);
            Assert.AreEqual(0x01020304u, ike.MessageId);
            Assert.AreEqual(28u, ike.Length);
        }

        [TestMethod]
        [DataRow(0, (int)WireStatus.BadVersion)]      // major version 3
        [DataRow(1, (int)WireStatus.BadVersion)]      // major version 0
        [DataRow(2, (int)WireStatus.BadLength)]       // length 27
        [DataRow(3, (int)WireStatus.Truncated)]       // length 49 > 48 present
        [DataRow(4, (int)WireStatus.Truncated)]       // 27 bytes
        public void TryParse_BrokenHeader_Rejected(int breakage, int expected)
        {
            byte[] bytes = Fixtures.IkeV2SaInit;
            int length = bytes.Length;
            switch (breakage)
            {
                case 0: bytes[17] = 0x30; break;
                case 1: bytes[17] = 0x00; break;
                case 2: bytes[27] = 27; break;
                case 3: bytes[27] = 49; break;
                case 4: length = 27; break;
            }

            Assert.AreEqual((WireStatus)expected, IkeHeader.TryParse(bytes, 0, length, out IkeHeader _));
        }

        [TestMethod]
        public void Classify_ScapyPayloads_Kinds()
        {
            Assert.AreEqual(NatTraversalKind.Keepalive, NatTraversal.Classify(Fixtures.NatTraversalKeepalive, 0, 1));
            Assert.AreEqual(NatTraversalKind.Ike, NatTraversal.Classify(Fixtures.NatTraversalIke, 0, Fixtures.NatTraversalIke.Length));
            Assert.AreEqual(NatTraversalKind.Esp, NatTraversal.Classify(Fixtures.NatTraversalEsp, 0, Fixtures.NatTraversalEsp.Length));

            byte[] ikePayload = Fixtures.NatTraversalIke;
            Assert.AreEqual(WireStatus.Ok, IkeHeader.TryParse(ikePayload, NatTraversal.NonEspMarkerLength, ikePayload.Length - 4, out IkeHeader ike));
            Assert.AreEqual(IkeHeader.ExchangeIkeAuth, ike.ExchangeType);
            Assert.IsTrue(ike.IsResponse);
            Assert.AreEqual(1u, ike.MessageId);
        }

        [TestMethod]
        [DataRow("")]                                             // payloads as hex: DataRow takes int/long/string only
        [DataRow("00")]                                           // one byte, not 0xFF
        [DataRow("FF FF")]                                        // two bytes of 0xFF: too short for ESP
        [DataRow("00 00 00 00")]                                  // marker with no IKE header
        [DataRow("00 00 00 00 01 02 03 04 05 06 07 08")]          // marker with a short IKE header
        [DataRow("00 00 00 01 00 00 00 01")]                      // ESP needs 8 bytes: these are, SPI 1 is fine
        [DataRow("01 02 03 04 05 06 07")]                         // ESP with 7 bytes
        public void Classify_OddPayloads_NeverIke(string hex)
        {
            byte[] payload = Hex.Bytes(hex);
            NatTraversalKind kind = NatTraversal.Classify(payload, 0, payload.Length);

            Assert.AreEqual(payload.Length == 8 ? NatTraversalKind.Esp : NatTraversalKind.Malformed, kind);
        }

        [TestMethod]
        public void Classify_BadRange_Malformed()
        {
            Assert.AreEqual(NatTraversalKind.Malformed, NatTraversal.Classify(null, 0, 1));
            Assert.AreEqual(NatTraversalKind.Malformed, NatTraversal.Classify(new byte[] { 0xFF }, 1, 1));
        }
    }
}
