using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// Computes a TCP or UDP checksum from scratch (pseudo-header, header, data), for packets
    /// whose checksum field the kernel has not finished: CHECKSUM_PARTIAL ones (the field holds
    /// only the pseudo-header sum) and GSO/GRO super-packets (the field belongs to one segment).
    /// After that the core can update the checksum incrementally as it does on the device.
    /// </summary>
    public static class TransportChecksum
    {
        /// <summary>Writes the full checksum of the TCP/UDP packet at index 0; leaves other packets and fragments alone.</summary>
        /// <returns>true when a checksum was written.</returns>
        public static bool Recompute(byte[] packet, int length) => Recompute(packet, 0, length);

        /// <summary>As <see cref="Recompute(byte[], int)"/> for the packet at <paramref name="offset"/>.</summary>
        public static bool Recompute(byte[] buffer, int offset, int length)
        {
            if (length < 20 || (buffer[offset] >> 4) != 4)
            {
                return false;
            }

            Span<byte> packet = buffer.AsSpan(offset, length);
            int headerLength = (packet[0] & 0x0F) * 4;
            int totalLength = (packet[2] << 8) | packet[3];
            bool fragment = (((packet[6] & 0x1F) << 8) | packet[7]) != 0 || (packet[6] & 0x20) != 0;
            if (headerLength < 20 || totalLength > length || totalLength <= headerLength || fragment)
            {
                return false;
            }

            int protocol = packet[9];
            int fieldOffset = protocol == 6 ? 16 : protocol == 17 ? 6 : -1;
            int transportLength = totalLength - headerLength;
            if (fieldOffset < 0 || transportLength < fieldOffset + 2)
            {
                return false;
            }

            int field = headerLength + fieldOffset;
            packet[field] = 0;
            packet[field + 1] = 0;
            uint sum = Sum(buffer, offset + headerLength, transportLength)
                + (uint)((packet[12] << 8) | packet[13]) + (uint)((packet[14] << 8) | packet[15])
                + (uint)((packet[16] << 8) | packet[17]) + (uint)((packet[18] << 8) | packet[19])
                + (uint)protocol + (uint)transportLength;
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            ushort checksum = (ushort)~sum;
            if (protocol == 17 && checksum == 0)
            {
                checksum = 0xFFFF;
            }

            packet[field] = (byte)(checksum >> 8);
            packet[field + 1] = (byte)checksum;
            return true;
        }

        /// <summary>The folded one's-complement sum of <paramref name="count"/> bytes as big-endian 16-bit words.</summary>
        public static uint Sum(byte[] data, int offset, int count)
        {
            // Sum 32-bit little-endian words into 64 bits, fold to 16, then swap: the one's-complement
            // sum does not care about byte order except for that final swap (RFC 1071, section 2(B)).
            ReadOnlySpan<byte> bytes = data.AsSpan(offset, count);
            ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(bytes.Slice(0, count & ~3));
            ulong sum = 0;
            for (int i = 0; i < words.Length; i++)
            {
                sum += BitConverter.IsLittleEndian ? words[i] : BinaryPrimitives.ReverseEndianness(words[i]);
            }

            int tail = count & ~3;
            if (count - tail >= 2)
            {
                sum += (uint)(bytes[tail] | (bytes[tail + 1] << 8));
                tail += 2;
            }

            if (tail < count)
            {
                sum += bytes[tail];
            }

            sum = (sum & 0xFFFFFFFF) + (sum >> 32);
            sum = (sum & 0xFFFFFFFF) + (sum >> 32);
            uint folded = (uint)((sum & 0xFFFF) + ((sum >> 16) & 0xFFFF) + (sum >> 32));
            folded = (folded & 0xFFFF) + (folded >> 16);
            folded = (folded & 0xFFFF) + (folded >> 16);
            return (uint)BinaryPrimitives.ReverseEndianness((ushort)folded);
        }
    }
}
