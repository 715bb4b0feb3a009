namespace NanoRouter.Core.Radio
{
    /// <summary>The text forms a Wi-Fi board shows: its own network name, MAC and IPv4 addresses.</summary>
    public static class Naming
    {
        private const string Hex = "0123456789abcdef";

        /// <summary>The board's own access-point name: "nanoRouter-" and the MAC's last two bytes in hex (nanoRouter-1A2B).</summary>
        public static string DefaultSsid(byte[] mac)
        {
            if (mac == null || mac.Length < 2)
            {
                return "nanoRouter";
            }

            int a = mac[mac.Length - 2];
            int b = mac[mac.Length - 1];
            return "nanoRouter-" + Upper(a >> 4) + Upper(a & 0xF) + Upper(b >> 4) + Upper(b & 0xF);
        }

        /// <summary>"aa:bb:cc:dd:ee:ff".</summary>
        public static string Mac(byte[] mac)
        {
            char[] text = new char[mac.Length * 3 - 1];
            for (int i = 0; i < mac.Length; i++)
            {
                text[i * 3] = Hex[mac[i] >> 4];
                text[i * 3 + 1] = Hex[mac[i] & 0xF];
                if (i + 1 < mac.Length)
                {
                    text[i * 3 + 2] = ':';
                }
            }

            return new string(text);
        }

        /// <summary>"a.b.c.d" to a big-endian number; 0 for none, empty or anything else.</summary>
        public static uint ParseAddress(string text)
        {
            return text == null ? 0 : ParseDotted(text, null, 0, text.Length);
        }

        /// <summary>The same for ASCII bytes (a form field, a JSON string): <paramref name="length"/> bytes
        /// at <paramref name="offset"/> of <paramref name="text"/>.</summary>
        public static uint ParseAddress(byte[] text, int offset, int length)
        {
            return text == null ? 0 : ParseDotted(null, text, offset, length);
        }

        /// <summary>One parser for both: the characters of <paramref name="chars"/>, or else of <paramref name="bytes"/>.</summary>
        private static uint ParseDotted(string chars, byte[] bytes, int offset, int length)
        {
            uint address = 0;
            int octet = -1;
            int dots = 0;
            for (int i = offset; i <= offset + length; i++)
            {
                int c = i == offset + length ? '.' : (chars != null ? chars[i] : bytes[i]);
                if (c >= '0' && c <= '9')
                {
                    octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                    if (octet > 255)
                    {
                        return 0;
                    }
                }
                else if (c == '.' && octet >= 0 && dots < 4)
                {
                    address = (address << 8) | (uint)octet;
                    octet = -1;
                    dots++;
                }
                else
                {
                    return 0;
                }
            }

            return dots == 4 ? address : 0;
        }

        /// <summary>"a.b.c.d" of a big-endian number.</summary>
        public static string FormatAddress(uint address)
        {
            return ((address >> 24) & 0xFF).ToString() + "." + ((address >> 16) & 0xFF).ToString() + "."
                + ((address >> 8) & 0xFF).ToString() + "." + (address & 0xFF).ToString();
        }

        private static char Upper(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
    }
}
