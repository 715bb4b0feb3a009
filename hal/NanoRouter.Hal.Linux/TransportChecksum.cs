namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// Finishes a TCP or UDP checksum that was left for offload (the kernel's CHECKSUM_PARTIAL: the
    /// field holds only the pseudo-header sum). Like the kernel's software fallback, it sums the
    /// transport header and data with the field as it is and stores the complement, so the packet
    /// leaves with a full checksum that the core can update incrementally.
    /// </summary>
    public static class TransportChecksum
    {
        /// <summary>Completes the checksum of the IPv4 packet at index 0; leaves other packets alone.</summary>
        /// <returns>true when a checksum was written.</returns>
        public static bool Complete(byte[] packet, int length)
        {
            if (length < 20 || (packet[0] >> 4) != 4)
            {
                return false;
            }

            int headerLength = (packet[0] & 0x0F) * 4;
            int totalLength = (packet[2] << 8) | packet[3];
            bool fragment = (((packet[6] & 0x1F) << 8) | packet[7]) != 0 || (packet[6] & 0x20) != 0;
            if (headerLength < 20 || totalLength > length || totalLength <= headerLength || fragment)
            {
                return false;
            }

            int protocol = packet[9];
            int fieldOffset;
            if (protocol == 6)
            {
                fieldOffset = 16;
            }
            else if (protocol == 17)
            {
                fieldOffset = 6;
            }
            else
            {
                return false;
            }

            int start = headerLength;
            int end = totalLength;
            if (end - start < fieldOffset + 2)
            {
                return false;
            }

            ulong sum = 0;
            int i = start;
            for (; i + 1 < end; i += 2)
            {
                sum += (uint)((packet[i] << 8) | packet[i + 1]);
            }

            if (i < end)
            {
                sum += (uint)(packet[i] << 8);
            }

            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            ushort checksum = (ushort)~sum;
            if (protocol == 17 && checksum == 0)
            {
                checksum = 0xFFFF;
            }

            packet[start + fieldOffset] = (byte)(checksum >> 8);
            packet[start + fieldOffset + 1] = (byte)checksum;
            return true;
        }
    }
}
