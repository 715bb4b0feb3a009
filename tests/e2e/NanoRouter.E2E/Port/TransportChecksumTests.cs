using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Infrastructure;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Port
{
    /// <summary>Recomputing a checksum the kernel left unfinished (partial or GSO), as the port does before the core sees it.</summary>
    [TestClass]
    public sealed class TransportChecksumTests
    {
        [TestMethod]
        [DataRow(17, 5)]
        [DataRow(17, 6)]
        [DataRow(6, 0)]
        [DataRow(6, 101)]
        public void Recompute_PartialChecksum_BecomesValid(int protocol, int payloadLength)
        {
            int transportHeader = protocol == 6 ? 20 : 8;
            int total = 20 + transportHeader + payloadLength;
            byte[] p = new byte[total];
            p[0] = 0x45;
            p[2] = (byte)(total >> 8);
            p[3] = (byte)total;
            p[8] = 64;
            p[9] = (byte)protocol;
            byte[] source = { 198, 19, 4, 2 };
            byte[] destination = { 198, 18, 0, 1 };
            System.Array.Copy(source, 0, p, 12, 4);
            System.Array.Copy(destination, 0, p, 16, 4);
            for (int i = 20; i < total; i++)
            {
                p[i] = (byte)(i * 7 + 3);
            }

            int field = 20 + (protocol == 6 ? 16 : 6);
            if (protocol == 17)
            {
                p[24] = (byte)((transportHeader + payloadLength) >> 8);
                p[25] = (byte)(transportHeader + payloadLength);
            }
            else
            {
                p[32] = 0x50;
            }

            // What the kernel leaves in the field: the folded pseudo-header sum, not complemented.
            uint pseudo = PseudoHeaderSum(p, protocol, total - 20);
            p[field] = (byte)(pseudo >> 8);
            p[field + 1] = (byte)pseudo;

            Assert.IsFalse(Packets.SumIsValid(p, 20, total - 20, pseudo), "precondition: the partial checksum is not a valid one");
            Assert.IsTrue(TransportChecksum.Recompute(p, total));
            Assert.IsTrue(Packets.SumIsValid(p, 20, total - 20, PseudoHeaderSum(p, protocol, total - 20)), "the completed checksum verifies");
        }

        [TestMethod]
        [DataRow(6, 1, 0x1234)]
        [DataRow(6, 60000, 0xFFFF)]
        [DataRow(17, 3, 0x0000)]
        [DataRow(17, 40000, 0xBEEF)]
        public void Recompute_AnyOldField_BecomesValid(int protocol, int payloadLength, int oldField)
        {
            int transportHeader = protocol == 6 ? 20 : 8;
            int total = 20 + transportHeader + payloadLength;
            byte[] p = new byte[total];
            p[0] = 0x45;
            p[2] = (byte)(total >> 8);
            p[3] = (byte)total;
            p[9] = (byte)protocol;
            p[12] = 198; p[13] = 18; p[14] = 0; p[15] = 2;
            p[16] = 198; p[17] = 18; p[18] = 0; p[19] = 1;
            new System.Random(payloadLength).NextBytes(p.AsSpan(20 + transportHeader));
            int field = 20 + (protocol == 6 ? 16 : 6);
            p[field] = (byte)(oldField >> 8);
            p[field + 1] = (byte)oldField;
            Assert.IsTrue(TransportChecksum.Recompute(p, total));
            Assert.IsTrue(Packets.SumIsValid(p, 20, total - 20, PseudoHeaderSum(p, protocol, total - 20)));
        }

        [TestMethod]
        public void Recompute_Fragment_LeftAlone()
        {
            byte[] p = new byte[40];
            p[0] = 0x45;
            p[3] = 40;
            p[6] = 0x20; // more fragments
            p[9] = 17;
            p[26] = 0x12;
            Assert.IsFalse(TransportChecksum.Recompute(p, 40));
            Assert.AreEqual(0x12, p[26]);
        }

        private static uint PseudoHeaderSum(byte[] p, int protocol, int transportLength)
        {
            uint sum = (uint)((p[12] << 8) | p[13]) + (uint)((p[14] << 8) | p[15])
                + (uint)((p[16] << 8) | p[17]) + (uint)((p[18] << 8) | p[19])
                + (uint)protocol + (uint)transportLength;
            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return sum;
        }
    }
}
