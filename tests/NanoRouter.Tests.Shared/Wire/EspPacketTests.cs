using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The ESP view (RFC 4303) on a scapy fixture.</summary>
    [TestClass]
    public class EspPacketTests
    {
        [TestMethod]
        public void TryParse_ScapyFixture_SpiAndSequence()
        {
            byte[] bytes = Fixtures.Esp;

            Assert.AreEqual(WireStatus.Ok, EspPacket.TryParse(bytes, 0, bytes.Length, out EspPacket esp));
            Assert.AreEqual(0x12345678u, esp.SecurityParametersIndex);
            Assert.AreEqual(7u, esp.SequenceNumber);
            Assert.AreEqual(8, esp.PayloadOffset);
            Assert.AreEqual(4, esp.PayloadLength);
        }

        [TestMethod]
        [DataRow(7, (int)WireStatus.Truncated)]
        [DataRow(8, (int)WireStatus.Ok)]
        public void TryParse_Length_NeedsSpiAndSequence(int length, int expected)
        {
            Assert.AreEqual((WireStatus)expected, EspPacket.TryParse(Fixtures.Esp, 0, length, out EspPacket _));
        }

        [TestMethod]
        public void TryParse_ZeroSpi_Rejected()
        {
            byte[] bytes = { 0, 0, 0, 0, 0, 0, 0, 1 };

            Assert.AreEqual(WireStatus.ZeroSecurityParametersIndex, EspPacket.TryParse(bytes, 0, bytes.Length, out EspPacket _));
        }
    }
}
