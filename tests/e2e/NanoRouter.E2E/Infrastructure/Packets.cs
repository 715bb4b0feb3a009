namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>Tiny IPv4 helpers for tests that look into or rewrite packets.</summary>
    public static class Packets
    {
        /// <summary>The IP protocol number.</summary>
        public static int Protocol(byte[] p) => p[9];

        /// <summary>The IPv4 header length in bytes.</summary>
        public static int HeaderLength(byte[] p) => (p[0] & 0x0F) * 4;

        /// <summary>The transport destination port (TCP/UDP).</summary>
        public static int DestinationPort(byte[] p) => (p[HeaderLength(p) + 2] << 8) | p[HeaderLength(p) + 3];

        /// <summary>The source address, dotted.</summary>
        public static string Source(byte[] p) => p[12] + "." + p[13] + "." + p[14] + "." + p[15];

        /// <summary>
        /// Replaces the 16-bit word at <paramref name="wordOffset"/> (even, from the packet start) and
        /// keeps the checksum at <paramref name="checksumOffset"/> right (RFC 1624: HC' = ~(~HC + ~m + m')).
        /// </summary>
        public static void ReplaceWord(byte[] p, int wordOffset, ushort value, int checksumOffset)
        {
            ushort old = (ushort)((p[wordOffset] << 8) | p[wordOffset + 1]);
            ushort checksum = (ushort)((p[checksumOffset] << 8) | p[checksumOffset + 1]);
            uint sum = (uint)(~checksum & 0xFFFF) + (uint)(~old & 0xFFFF) + value;
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            ushort updated = (ushort)~sum;
            p[wordOffset] = (byte)(value >> 8);
            p[wordOffset + 1] = (byte)value;
            p[checksumOffset] = (byte)(updated >> 8);
            p[checksumOffset + 1] = (byte)updated;
        }

        /// <summary>The one's complement sum check of a region (true when it folds to 0xFFFF).</summary>
        public static bool SumIsValid(byte[] data, int offset, int length, uint initial)
        {
            uint sum = initial;
            int i = offset;
            for (; i + 1 < offset + length; i += 2)
            {
                sum += (uint)((data[i] << 8) | data[i + 1]);
            }

            if (i < offset + length)
            {
                sum += (uint)(data[i] << 8);
            }

            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return sum == 0xFFFF;
        }
    }
}
