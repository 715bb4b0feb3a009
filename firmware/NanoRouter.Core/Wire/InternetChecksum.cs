namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// The Internet checksum: the full one's-complement sum (RFC 1071) and the incremental update
    /// (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')) used for every rewrite.
    /// Sums are kept unfolded in a uint until <see cref="Fold"/>.
    /// </summary>
    public static class InternetChecksum
    {
        /// <summary>Adds <paramref name="length"/> bytes as big-endian 16-bit words (an odd last byte is
        /// padded with zero) to a running sum.</summary>
        public static uint Add(uint sum, byte[] buffer, int offset, int length)
        {
            int end = offset + (length & ~1);
            int i = offset;
            while (i < end)
            {
                sum += (uint)((buffer[i] << 8) | buffer[i + 1]);
                i += 2;
                if ((sum & 0x80000000) != 0)
                {
                    sum = (sum & 0xFFFF) + (sum >> 16);
                }
            }

            if ((length & 1) != 0)
            {
                sum += (uint)(buffer[end] << 8);
            }

            return sum;
        }

        /// <summary>Folds a running sum to 16 bits and complements it: the value to store.</summary>
        public static ushort Fold(uint sum)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            return (ushort)~sum;
        }

        /// <summary>The checksum of a byte range, to store in a zeroed checksum field.</summary>
        public static ushort Compute(byte[] buffer, int offset, int length)
        {
            return Fold(Add(0, buffer, offset, length));
        }

        /// <summary>True when a range that includes its checksum field sums to all ones.</summary>
        public static bool IsValid(byte[] buffer, int offset, int length)
        {
            return Compute(buffer, offset, length) == 0;
        }

        /// <summary>The sum of the IPv4 pseudo-header (RFC 793/768) for a transport checksum.</summary>
        public static uint PseudoHeaderSum(uint sourceAddress, uint destinationAddress, byte protocol, int transportLength)
        {
            return (sourceAddress >> 16) + (sourceAddress & 0xFFFF) + (destinationAddress >> 16) + (destinationAddress & 0xFFFF)
                + protocol + (uint)transportLength;
        }

        /// <summary>RFC 1624 update of a stored checksum when one 16-bit word changes.</summary>
        public static ushort Update(ushort checksum, ushort oldWord, ushort newWord)
        {
            uint sum = (uint)(~checksum & 0xFFFF) + (uint)(~oldWord & 0xFFFF) + newWord;
            return Fold(sum);
        }

        /// <summary>RFC 1624 update of a stored checksum when a 32-bit value (an address) changes.</summary>
        public static ushort Update(ushort checksum, uint oldValue, uint newValue)
        {
            uint sum = (uint)(~checksum & 0xFFFF) + (~oldValue >> 16) + (~oldValue & 0xFFFF) + (newValue >> 16) + (newValue & 0xFFFF);
            return Fold(sum);
        }

        /// <summary>RFC 1624 update of a UDP checksum, where 0 means "none": it stays 0, and a
        /// computed 0 is sent as 0xFFFF (RFC 768).</summary>
        public static ushort UpdateUdp(ushort checksum, uint oldValue, uint newValue)
        {
            if (checksum == 0)
            {
                return 0;
            }

            ushort updated = Update(checksum, oldValue, newValue);
            return updated == 0 ? (ushort)0xFFFF : updated;
        }

        /// <summary>RFC 1624 update of a UDP checksum when one 16-bit word (a port) changes, with the
        /// same rules: 0 ("none") stays 0, and a computed 0 is sent as 0xFFFF (RFC 768).</summary>
        public static ushort UpdateUdp(ushort checksum, ushort oldWord, ushort newWord)
        {
            if (checksum == 0)
            {
                return 0;
            }

            ushort updated = Update(checksum, oldWord, newWord);
            return updated == 0 ? (ushort)0xFFFF : updated;
        }
    }
}
