using System;
using NanoRouter.Core.Wire;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Shows the harness's checksum validator can fail: every packet kind the harness builds is valid,
    /// agrees with the core's InternetChecksum on the IPv4 header, and becomes invalid when any single
    /// bit of its addresses or transport bytes flips (for an ICMP error also of the quoted packet), except
    /// the two that rightly leave nothing to judge: a UDP checksum that becomes 0 ("none") and a GRE
    /// checksum-present bit that goes off.
    /// </summary>
    internal static class SelfTest
    {
        public static int Run()
        {
            byte[] b = new byte[2048];
            byte[] q = new byte[2048];
            int checks = 0;
            int failures = 0;
            void Expect(bool condition, string what)
            {
                checks++;
                if (!condition)
                {
                    failures++;
                    Console.WriteLine("FAILED: " + what);
                }
            }

            for (int kind = 0; kind < 7; kind++)
            {
                int length;
                string name;
                switch (kind)
                {
                    case 0:
                        name = "tcp";
                        length = PacketWriter.Tcp(b, 0xC6130402, 1000, 0xC6120001, 80, 7, 9, PacketWriter.Syn, 1460, null, 0, 0);
                        break;
                    case 1:
                        name = "udp";
                        length = PacketWriter.Udp(b, 0xC6130402, 53, 0xC6120001, 53, 33);
                        break;
                    case 2:
                        name = "icmp echo";
                        length = PacketWriter.Echo(b, 0xC6130402, 0xC6120001, 8, 77, 1, 31);
                        break;
                    case 3:
                        name = "icmp error";
                        int quoted = PacketWriter.Udp(q, 0xC6120002, 53, 0xC6120001, 53, 12);
                        length = PacketWriter.IcmpError(b, 0xC6120001, 0xC6120002, 3, 3, q, quoted);
                        break;
                    case 4:
                        name = "gre with checksum";
                        length = PacketWriter.GreV0(b, 0xC6130402, 0xC6120001, false, 0, 40);
                        b[20] |= 0x80;
                        Checksums.TryFix(b, length);
                        break;
                    case 5:
                        name = "tcp fixed by TryFix after a change";
                        length = PacketWriter.Tcp(b, 0xC6130402, 1000, 0xC6120001, 80, 7, 9, PacketWriter.Ack, 0, null, 0, 0);
                        b[length - 1] ^= 0x55;
                        Checksums.TryFix(b, length);
                        break;
                    default:
                        name = "udp fixed by TryFix after a change";
                        length = PacketWriter.Udp(b, 0xC6130402, 53, 0xC6120001, 53, 33);
                        b[30] ^= 0x01;
                        Checksums.TryFix(b, length);
                        break;
                }

                Expect(Checksums.Valid(b, length), name + ": built valid");
                Expect(InternetChecksum.IsValid(b, 0, 20), name + ": the core agrees on the IPv4 header");
                for (int i = 12; i < length; i++)
                {
                    for (int bit = 0; bit < 8; bit++)
                    {
                        b[i] ^= (byte)(1 << bit);
                        bool valid = Checksums.Valid(b, length);
                        b[i] ^= (byte)(1 << bit);
                        bool udpChecksumToZero = kind == 1 || kind == 6 ? (i == 26 || i == 27) && (b[26] ^ (i == 26 ? 1 << bit : 0)) == 0 && (b[27] ^ (i == 27 ? 1 << bit : 0)) == 0 : false;
                        bool greChecksumBitOff = kind == 4 && i == 20 && bit == 7;
                        if (!udpChecksumToZero && !greChecksumBitOff)
                        {
                            Expect(!valid, name + ": byte " + i + " bit " + bit + " flipped is invalid");
                        }
                    }
                }
            }

            Console.WriteLine("selftest: " + checks + " checks, " + failures + " failed");
            return failures == 0 ? 0 : 1;
        }
    }
}
