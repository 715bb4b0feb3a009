namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// The Internet checksum as RFC 1071 section 4.1 computes it, written here for the tests and
    /// independent of the core's InternetChecksum (which the tests check): 16-bit big-endian words
    /// summed in 32 bits, an odd last byte padded with zero, the carries folded back in.
    /// </summary>
    internal static class OnesComplement
    {
        /// <summary>Adds the words of <paramref name="length"/> bytes at <paramref name="offset"/> to <paramref name="sum"/>.</summary>
        public static uint Add(uint sum, byte[] bytes, int offset, int length)
        {
            int i = 0;
            while (i + 1 < length)
            {
                sum += (uint)((bytes[offset + i] << 8) | bytes[offset + i + 1]);
                i += 2;
                if ((sum & 0x80000000) != 0)
                {
                    sum = (sum & 0xFFFF) + (sum >> 16);
                }
            }

            if (i < length)
            {
                sum += (uint)(bytes[offset + i] << 8);
            }

            return sum;
        }

        /// <summary>Adds the IPv4 pseudo-header of RFC 793 / RFC 768: addresses, zero, protocol, transport length.</summary>
        public static uint AddPseudoHeader(uint sum, uint source, uint destination, int protocol, int transportLength)
        {
            sum += source >> 16;
            sum += source & 0xFFFF;
            sum += destination >> 16;
            sum += destination & 0xFFFF;
            sum += (uint)protocol;
            sum += (uint)transportLength;
            return sum;
        }

        /// <summary>Folds the carries into 16 bits.</summary>
        public static ushort Fold(uint sum)
        {
            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return (ushort)sum;
        }

        /// <summary>The checksum to write: the complement of the folded sum (the checksum field must be zero in the range).</summary>
        public static ushort Checksum(uint sum)
        {
            return (ushort)~Fold(sum);
        }

        /// <summary>The checksum of a byte range whose checksum field is zero.</summary>
        public static ushort Checksum(byte[] bytes, int offset, int length)
        {
            return Checksum(Add(0, bytes, offset, length));
        }

        /// <summary>True when a range that includes its checksum field sums to all ones (RFC 1071: the receiver's check).</summary>
        public static bool Verifies(uint sum)
        {
            return Fold(sum) == 0xFFFF;
        }
    }
}
