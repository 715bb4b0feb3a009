using System;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Builds real IPv4 packets at index 0 of a caller's buffer with correct checksums (the harness's
    /// own <see cref="Checksums"/>): TCP (with an MSS option on SYNs), UDP, ICMP echo and errors, ESP,
    /// GRE v0 and v1 (PPTP), fragments. Each method returns the packet length. Nothing allocates.
    /// </summary>
    internal static class PacketWriter
    {
        public const int Fin = 0x01;
        public const int Syn = 0x02;
        public const int Rst = 0x04;
        public const int Psh = 0x08;
        public const int Ack = 0x10;

        /// <summary>An IPv4 header (no options) for a packet of <paramref name="total"/> bytes; checksum left to <see cref="Checksums.Fix"/>.</summary>
        public static void Ip(byte[] b, byte protocol, uint source, uint destination, int total, ushort identification, int flagsAndOffset = 0x4000, byte ttl = 64)
        {
            b[0] = 0x45;
            b[1] = 0;
            Be.W16(b, 2, total);
            Be.W16(b, 4, identification);
            Be.W16(b, 6, flagsAndOffset);
            b[8] = ttl;
            b[9] = protocol;
            b[10] = 0;
            b[11] = 0;
            Be.W32(b, 12, source);
            Be.W32(b, 16, destination);
        }

        /// <summary>A TCP segment; <paramref name="payload"/> (may be null) is copied after the header; an MSS option when <paramref name="mss"/> is not 0.</summary>
        public static int Tcp(byte[] b, uint source, ushort sourcePort, uint destination, ushort destinationPort, uint sequence, uint acknowledgment, int flags, int mss, byte[] payload, int payloadOffset, int payloadLength)
        {
            int headerLength = mss != 0 ? 24 : 20;
            int total = 20 + headerLength + payloadLength;
            Ip(b, Checksums.Tcp, source, destination, total, (ushort)(sequence ^ sourcePort));
            int t = 20;
            Be.W16(b, t, sourcePort);
            Be.W16(b, t + 2, destinationPort);
            Be.W32(b, t + 4, sequence);
            Be.W32(b, t + 8, acknowledgment);
            b[t + 12] = (byte)((headerLength / 4) << 4);
            b[t + 13] = (byte)flags;
            Be.W16(b, t + 14, 64240);
            Be.W16(b, t + 16, 0);
            Be.W16(b, t + 18, 0);
            if (mss != 0)
            {
                b[t + 20] = 2;
                b[t + 21] = 4;
                Be.W16(b, t + 22, mss);
            }

            if (payloadLength > 0)
            {
                Buffer.BlockCopy(payload, payloadOffset, b, t + headerLength, payloadLength);
            }

            Checksums.Fix(b);
            return total;
        }

        /// <summary>A UDP datagram with <paramref name="payloadLength"/> bytes of a counting pattern (or <paramref name="payload"/>).</summary>
        public static int Udp(byte[] b, uint source, ushort sourcePort, uint destination, ushort destinationPort, int payloadLength, byte[] payload = null, int payloadOffset = 0)
        {
            int total = 28 + payloadLength;
            Ip(b, Checksums.Udp, source, destination, total, (ushort)(sourcePort * 7));
            Be.W16(b, 20, sourcePort);
            Be.W16(b, 22, destinationPort);
            Be.W16(b, 24, 8 + payloadLength);
            Fill(b, 28, payloadLength, payload, payloadOffset);
            Checksums.Fix(b);
            return total;
        }

        /// <summary>An ICMP echo request (type 8) or reply (type 0).</summary>
        public static int Echo(byte[] b, uint source, uint destination, byte type, ushort identifier, ushort sequence, int payloadLength)
        {
            int total = 28 + payloadLength;
            Ip(b, Checksums.Icmp, source, destination, total, (ushort)(identifier + sequence));
            b[20] = type;
            b[21] = 0;
            Be.W16(b, 24, identifier);
            Be.W16(b, 26, sequence);
            Fill(b, 28, payloadLength, null, 0);
            Checksums.Fix(b);
            return total;
        }

        /// <summary>An ICMP error quoting the first <paramref name="quotedLength"/> bytes of <paramref name="quoted"/>.</summary>
        public static int IcmpError(byte[] b, uint source, uint destination, byte type, byte code, byte[] quoted, int quotedLength)
        {
            int total = 28 + quotedLength;
            Ip(b, Checksums.Icmp, source, destination, total, 0x3333);
            b[20] = type;
            b[21] = code;
            Be.W32(b, 24, type == 3 && code == 4 ? 1400u : 0u);
            Buffer.BlockCopy(quoted, 0, b, 28, quotedLength);
            Checksums.Fix(b);
            return total;
        }

        /// <summary>An ESP packet (RFC 4303): SPI, sequence number, opaque payload.</summary>
        public static int Esp(byte[] b, uint source, uint destination, uint spi, uint sequence, int payloadLength)
        {
            int total = 28 + payloadLength;
            Ip(b, Checksums.Esp, source, destination, total, (ushort)sequence);
            Be.W32(b, 20, spi);
            Be.W32(b, 24, sequence);
            Fill(b, 28, payloadLength, null, 0);
            Checksums.Fix(b);
            return total;
        }

        /// <summary>GRE version 0 (RFC 2784) carrying IPv4, optionally with a key (RFC 2890).</summary>
        public static int GreV0(byte[] b, uint source, uint destination, bool withKey, uint key, int payloadLength)
        {
            int greLength = withKey ? 8 : 4;
            int total = 20 + greLength + payloadLength;
            Ip(b, Checksums.Gre, source, destination, total, (ushort)payloadLength);
            b[20] = withKey ? (byte)0x20 : (byte)0;
            b[21] = 0;
            Be.W16(b, 22, 0x0800);
            if (withKey)
            {
                Be.W32(b, 24, key);
            }

            Fill(b, 20 + greLength, payloadLength, null, 0);
            Checksums.Fix(b);
            return total;
        }

        /// <summary>Enhanced GRE, version 1 (RFC 2637 section 4.1): key present (payload length, Call ID), sequence number present.</summary>
        public static int GreV1(byte[] b, uint source, uint destination, ushort callId, uint sequence, int payloadLength)
        {
            int total = 20 + 12 + payloadLength;
            Ip(b, Checksums.Gre, source, destination, total, (ushort)sequence);
            b[20] = 0x30;
            b[21] = 0x01;
            Be.W16(b, 22, 0x880B);
            Be.W16(b, 24, payloadLength);
            Be.W16(b, 26, callId);
            Be.W32(b, 28, sequence);
            Fill(b, 32, payloadLength, null, 0);
            Checksums.Fix(b);
            return total;
        }

        /// <summary>
        /// Cuts the UDP datagram <paramref name="whole"/> (an unfragmented packet) into the fragment that
        /// starts at payload byte <paramref name="offset"/> (a multiple of 8) and carries up to
        /// <paramref name="count"/> bytes; MF is set unless it is the last.
        /// </summary>
        public static int Fragment(byte[] b, byte[] whole, int offset, int count)
        {
            int wholePayload = Be.U16(whole, 2) - 20;
            if (offset + count >= wholePayload)
            {
                count = wholePayload - offset;
            }

            bool more = offset + count < wholePayload;
            Buffer.BlockCopy(whole, 0, b, 0, 20);
            Buffer.BlockCopy(whole, 20 + offset, b, 20, count);
            Be.W16(b, 2, 20 + count);
            Be.W16(b, 6, (more ? 0x2000 : 0) | (offset / 8));
            Checksums.Fix(b);
            return 20 + count;
        }

        /// <summary>A PPTP control message (RFC 2637 section 2): header, Call ID at 12, second field at 14, Result Code at 16.</summary>
        public static int PptpMessage(byte[] b, int at, int controlType, int length, ushort callId, ushort second, byte result)
        {
            Array.Clear(b, at, length);
            Be.W16(b, at, length);
            Be.W16(b, at + 2, 1);
            Be.W32(b, at + 4, 0x1A2B3C4D);
            Be.W16(b, at + 8, controlType);
            if (length >= 16)
            {
                Be.W16(b, at + 12, callId);
                Be.W16(b, at + 14, second);
            }

            if (length >= 20)
            {
                b[at + 16] = result;
            }

            return length;
        }

        private static void Fill(byte[] b, int at, int count, byte[] payload, int payloadOffset)
        {
            if (payload != null)
            {
                Buffer.BlockCopy(payload, payloadOffset, b, at, count);
                return;
            }

            for (int i = 0; i < count; i++)
            {
                b[at + i] = (byte)(i * 31 + 7);
            }
        }
    }
}
