using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Wire;

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
        [DataRow(0, WireStatus.BadVersion)]      // major version 3
        [DataRow(1, WireStatus.BadVersion)]      // major version 0
        [DataRow(2, WireStatus.BadLength)]       // length 27
        [DataRow(3, WireStatus.Truncated)]       // length 49 > 48 present
        [DataRow(4, WireStatus.Truncated)]       // 27 bytes
        public void TryParse_BrokenHeader_Rejected(int breakage, WireStatus expected)
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

            Assert.AreEqual(expected, IkeHeader.TryParse(bytes, 0, length, out IkeHeader _));
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
        [DataRow(new byte[0])]
        [DataRow(new byte[] { 0x00 })]                                   // one byte, not 0xFF
        [DataRow(new byte[] { 0xFF, 0xFF })]                             // two bytes of 0xFF: too short for ESP
        [DataRow(new byte[] { 0, 0, 0, 0 })]                             // marker with no IKE header
        [DataRow(new byte[] { 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 })]     // marker with a short IKE header
        [DataRow(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1 })]                 // ESP needs 8 bytes: these are, SPI 1 is fine
        [DataRow(new byte[] { 1, 2, 3, 4, 5, 6, 7 })]                    // ESP with 7 bytes
        public void Classify_OddPayloads_NeverIke(byte[] payload)
        {
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
