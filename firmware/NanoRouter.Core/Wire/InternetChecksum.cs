using System;

namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// The Internet checksum: the full one's-complement sum (RFC 1071) and the incremental update
    /// (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')) used for every rewrite, by the views and by the
    /// NAT engine alike (the C flow path has its own, dataplane/src/nr_flow_path.c, and the
    /// differential tests hold the two to the same bytes).
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

        /// <summary>
        /// The one's-complement delta that moves a checksum from covering <paramref name="oldValue"/>
        /// to covering <paramref name="newValue"/> (a 32-bit value, e.g. an address, as two 16-bit
        /// words): ~m + m' of RFC 1624's eqn. 3, HC' = ~(~HC + ~m + m'), folded to 16 bits. Deltas
        /// add (<see cref="AddDelta"/>), so one computed per host when the WAN address changes moves
        /// every packet's IP and pseudo-header checksums. One's-complement sums do not depend on
        /// byte order (RFC 1071): a delta of wire-form values applies to a wire-form checksum and
        /// one of host-order values to a host-order checksum.
        /// </summary>
        public static uint Delta(uint oldValue, uint newValue)
        {
            return FoldDelta((~oldValue & 0xFFFF) + (~oldValue >> 16) + (newValue & 0xFFFF) + (newValue >> 16));
        }

        /// <summary>The delta for one 16-bit word (a port, an identifier) that changes.</summary>
        public static uint Delta16(uint oldWord, uint newWord)
        {
            return FoldDelta((~oldWord & 0xFFFF) + (newWord & 0xFFFF));
        }

        /// <summary>Two deltas (or a delta and an unfolded sum of words) as one.</summary>
        public static uint AddDelta(uint delta, uint more)
        {
            return FoldDelta(delta + more);
        }

        /// <summary>Folds a one's-complement sum to 16 bits, without complementing it.</summary>
        public static uint FoldDelta(uint sum)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            return sum;
        }

        /// <summary>
        /// RFC 1624 eqn. 3, the only place it is written: the checksum that covers the change
        /// <paramref name="delta"/> describes. A zero sum gives 0x0000, never 0xFFFF, as a full
        /// computation does.
        /// </summary>
        public static ushort Adjust(uint checksum, uint delta)
        {
            uint sum = (checksum ^ 0xFFFFu) + delta;
            sum = (sum & 0xFFFF) + (sum >> 16);
            return (ushort)~(sum + (sum >> 16));
        }

        /// <summary>
        /// <see cref="Adjust"/> for a UDP checksum, where 0 means "none" and stays 0, and a computed
        /// 0 is sent as 0xFFFF (RFC 768): HC + ~delta with end-around carry never yields 0x0000 for
        /// a non-zero HC, and it is the same value as eqn. 3.
        /// </summary>
        public static ushort AdjustUdp(uint checksum, uint delta)
        {
            if (checksum == 0)
            {
                return 0;
            }

            uint sum = checksum + (delta ^ 0xFFFF);
            sum = (sum & 0xFFFF) + (sum >> 16);
            return (ushort)(sum + (sum >> 16));
        }

        /// <summary>Applies a delta to the checksum stored at <paramref name="at"/>, in wire form
        /// (read and written in the machine's byte order, as the delta was computed).</summary>
        public static void ApplyDelta(byte[] buffer, int at, uint delta)
        {
            uint sum = Adjust(BitConverter.ToUInt16(buffer, at), delta);
            buffer[at] = (byte)sum;
            buffer[at + 1] = (byte)(sum >> 8);
        }

        /// <summary><see cref="ApplyDelta"/> for a UDP checksum (<see cref="AdjustUdp"/>).</summary>
        public static void ApplyDeltaUdp(byte[] buffer, int at, uint delta)
        {
            uint sum = AdjustUdp(BitConverter.ToUInt16(buffer, at), delta);
            buffer[at] = (byte)sum;
            buffer[at + 1] = (byte)(sum >> 8);
        }

        /// <summary>RFC 1624 update of a stored checksum when one 16-bit word changes.</summary>
        public static ushort Update(ushort checksum, ushort oldWord, ushort newWord) => Adjust(checksum, Delta16(oldWord, newWord));

        /// <summary>RFC 1624 update of a stored checksum when a 32-bit value (an address) changes.</summary>
        public static ushort Update(ushort checksum, uint oldValue, uint newValue) => Adjust(checksum, Delta(oldValue, newValue));

        /// <summary>RFC 1624 update of a UDP checksum, where 0 means "none": it stays 0, and a
        /// computed 0 is sent as 0xFFFF (RFC 768).</summary>
        public static ushort UpdateUdp(ushort checksum, uint oldValue, uint newValue) => AdjustUdp(checksum, Delta(oldValue, newValue));

        /// <summary>RFC 1624 update of a UDP checksum when one 16-bit word (a port) changes, with the
        /// same rules: 0 ("none") stays 0, and a computed 0 is sent as 0xFFFF (RFC 768).</summary>
        public static ushort UpdateUdp(ushort checksum, ushort oldWord, ushort newWord) => AdjustUdp(checksum, Delta16(oldWord, newWord));
    }
}
