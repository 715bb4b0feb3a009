namespace NanoRouter.Fuzz
{
    /// <summary>
    /// The harness's own Internet checksum (RFC 1071), written independently of the core's
    /// InternetChecksum so a bug there cannot hide itself: a validator for IPv4, TCP, UDP, ICMP
    /// (with the packet an ICMP error quotes) and GRE, and a fixer that makes built packets valid.
    /// Nothing allocates.
    /// </summary>
    internal static class Checksums
    {
        public const byte Icmp = 1;
        public const byte Tcp = 6;
        public const byte Udp = 17;
        public const byte Gre = 47;
        public const byte Esp = 50;

        /// <summary>The one's-complement sum of big-endian words (odd last byte padded), unfolded.</summary>
        public static uint Sum(uint sum, byte[] b, int offset, int length)
        {
            int end = offset + length;
            int i = offset;
            for (; i + 1 < end; i += 2)
            {
                sum += (uint)((b[i] << 8) | b[i + 1]);
            }

            if (i < end)
            {
                sum += (uint)(b[i] << 8);
            }

            return sum;
        }

        public static ushort Fold(uint sum)
        {
            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return (ushort)sum;
        }

        private static uint Pseudo(byte[] p, int ip, byte protocol, int length)
        {
            uint sum = Sum(0, p, ip + 12, 8);
            return sum + protocol + (uint)length;
        }

        /// <summary>
        /// True when the IPv4 packet at index 0 is well formed enough to judge and every checksum that
        /// can be judged is right: the header always; for an unfragmented packet TCP, UDP (unless 0,
        /// "none"), ICMP and GRE (when its C bit is set); for ICMP errors also the quoted header and,
        /// when the quoted packet is there whole, its transport checksum. The same rules apply to an
        /// engine's input and output, so "valid in" implies "valid out" is the property to check.
        /// </summary>
        public static bool Valid(byte[] p, int length) => Valid(p, 0, length, 0);

        private static bool Valid(byte[] p, int ip, int available, int depth)
        {
            if (available < 20 || (p[ip] >> 4) != 4)
            {
                return false;
            }

            int headerLength = (p[ip] & 0x0F) * 4;
            int total = Be.U16(p, ip + 2);
            if (headerLength < 20 || total < headerLength || total > available)
            {
                return false;
            }

            if (Fold(Sum(0, p, ip, headerLength)) != 0xFFFF)
            {
                return false;
            }

            int flagsOffset = Be.U16(p, ip + 6);
            if ((flagsOffset & 0x3FFF) != 0)
            {
                // A fragment: the transport checksum covers the whole datagram, not judged here.
                return true;
            }

            int l4 = ip + headerLength;
            int l4Length = total - headerLength;
            switch (p[ip + 9])
            {
                case Tcp:
                    return l4Length >= 20 && Fold(Pseudo(p, ip, Tcp, l4Length) + Sum(0, p, l4, l4Length)) == 0xFFFF;
                case Udp:
                    if (l4Length < 8)
                    {
                        return false;
                    }

                    return Be.U16(p, l4 + 6) == 0 || Fold(Pseudo(p, ip, Udp, l4Length) + Sum(0, p, l4, l4Length)) == 0xFFFF;
                case Icmp:
                    if (l4Length < 8 || Fold(Sum(0, p, l4, l4Length)) != 0xFFFF)
                    {
                        return false;
                    }

                    byte type = p[l4];
                    if (depth == 0 && (type == 3 || type == 4 || type == 5 || type == 11 || type == 12))
                    {
                        return QuotedValid(p, l4 + 8, l4Length - 8);
                    }

                    return true;
                case Gre:
                    if (l4Length >= 4 && (p[l4] & 0x80) != 0)
                    {
                        return Fold(Sum(0, p, l4, l4Length)) == 0xFFFF;
                    }

                    return true;
                default:
                    return true;
            }
        }

        /// <summary>The packet inside an ICMP error: its header checksum when a whole header is there;
        /// its transport checksum too when the whole packet is there.</summary>
        private static bool QuotedValid(byte[] p, int at, int available)
        {
            if (available < 20 || (p[at] >> 4) != 4)
            {
                return true;
            }

            int headerLength = (p[at] & 0x0F) * 4;
            if (headerLength < 20 || headerLength > available)
            {
                return true;
            }

            if (Fold(Sum(0, p, at, headerLength)) != 0xFFFF)
            {
                return false;
            }

            int total = Be.U16(p, at + 2);
            if (total != available)
            {
                return true;
            }

            return Valid(p, at, available, 1);
        }

        /// <summary>
        /// Makes whatever checksums of arbitrary bytes can be made right: the IPv4 header's when the
        /// header lengths are sane, then (unfragmented) the TCP, UDP or ICMP checksum when the header
        /// fits; for an ICMP error first the quoted header's and, when the quoted packet is whole, its
        /// transport checksum. Used by the fuzz target and the property run so that mutated packets
        /// still have valid checksums and the "valid in, valid out" property bites on them.
        /// </summary>
        public static void TryFix(byte[] p, int length) => TryFix(p, 0, length, 0);

        private static void TryFix(byte[] p, int ip, int available, int depth)
        {
            if (available < 20 || (p[ip] >> 4) != 4)
            {
                return;
            }

            int headerLength = (p[ip] & 0x0F) * 4;
            int total = Be.U16(p, ip + 2);
            if (headerLength < 20 || total < headerLength || total > available)
            {
                return;
            }

            int l4 = ip + headerLength;
            int l4Length = total - headerLength;
            if ((Be.U16(p, ip + 6) & 0x3FFF) == 0)
            {
                switch (p[ip + 9])
                {
                    case Tcp:
                        if (l4Length >= 20)
                        {
                            Be.W16(p, l4 + 16, 0);
                            Be.W16(p, l4 + 16, (ushort)~Fold(Pseudo(p, ip, Tcp, l4Length) + Sum(0, p, l4, l4Length)));
                        }

                        break;
                    case Udp:
                        if (l4Length >= 8 && Be.U16(p, l4 + 6) != 0)
                        {
                            Be.W16(p, l4 + 6, 0);
                            ushort udp = (ushort)~Fold(Pseudo(p, ip, Udp, l4Length) + Sum(0, p, l4, l4Length));
                            Be.W16(p, l4 + 6, udp == 0 ? 0xFFFF : udp);
                        }

                        break;
                    case Icmp:
                        if (l4Length >= 8)
                        {
                            byte type = p[l4];
                            if (depth == 0 && (type == 3 || type == 4 || type == 5 || type == 11 || type == 12))
                            {
                                int quoted = l4 + 8;
                                int quotedAvailable = l4Length - 8;
                                if (quotedAvailable >= 20 && (p[quoted] >> 4) == 4)
                                {
                                    int quotedHeader = (p[quoted] & 0x0F) * 4;
                                    if (quotedHeader >= 20 && quotedHeader <= quotedAvailable)
                                    {
                                        if (Be.U16(p, quoted + 2) == quotedAvailable)
                                        {
                                            TryFix(p, quoted, quotedAvailable, 1);
                                        }
                                        else
                                        {
                                            Be.W16(p, quoted + 10, 0);
                                            Be.W16(p, quoted + 10, (ushort)~Fold(Sum(0, p, quoted, quotedHeader)));
                                        }
                                    }
                                }
                            }

                            Be.W16(p, l4 + 2, 0);
                            Be.W16(p, l4 + 2, (ushort)~Fold(Sum(0, p, l4, l4Length)));
                        }

                        break;
                    case Gre:
                        if (l4Length >= 8 && (p[l4] & 0x80) != 0)
                        {
                            Be.W16(p, l4 + 4, 0);
                            Be.W16(p, l4 + 4, (ushort)~Fold(Sum(0, p, l4, l4Length)));
                        }

                        break;
                }
            }

            Be.W16(p, ip + 10, 0);
            Be.W16(p, ip + 10, (ushort)~Fold(Sum(0, p, ip, headerLength)));
        }

        /// <summary>Writes a correct IPv4 header checksum and transport checksum (TCP, UDP, ICMP) into
        /// the packet at index 0 (its total length taken from the header).</summary>
        public static void Fix(byte[] p)
        {
            int headerLength = (p[0] & 0x0F) * 4;
            int total = Be.U16(p, 2);
            p[10] = 0;
            p[11] = 0;
            Be.W16(p, 10, (ushort)~Fold(Sum(0, p, 0, headerLength)));
            if ((Be.U16(p, 6) & 0x3FFF) != 0)
            {
                return;
            }

            int l4 = headerLength;
            int l4Length = total - headerLength;
            switch (p[9])
            {
                case Tcp:
                    p[l4 + 16] = 0;
                    p[l4 + 17] = 0;
                    Be.W16(p, l4 + 16, (ushort)~Fold(Pseudo(p, 0, Tcp, l4Length) + Sum(0, p, l4, l4Length)));
                    break;
                case Udp:
                    p[l4 + 6] = 0;
                    p[l4 + 7] = 0;
                    ushort udp = (ushort)~Fold(Pseudo(p, 0, Udp, l4Length) + Sum(0, p, l4, l4Length));
                    Be.W16(p, l4 + 6, udp == 0 ? 0xFFFF : udp);
                    break;
                case Icmp:
                    p[l4 + 2] = 0;
                    p[l4 + 3] = 0;
                    Be.W16(p, l4 + 2, (ushort)~Fold(Sum(0, p, l4, l4Length)));
                    break;
            }
        }
    }
}
