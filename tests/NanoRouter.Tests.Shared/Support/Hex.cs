namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// Byte vectors written as hex text ("FF 00 1A", spaces optional), for [DataRow]s: a byte[]
    /// argument there is one nanoCLR cannot decode (only numbers and strings), so the rows carry text.
    /// And back (<see cref="Format"/>), for messages.
    /// </summary>
    internal static class Hex
    {
        public static byte[] Bytes(string hex)
        {
            int digits = 0;
            for (int i = 0; i < hex.Length; i++)
            {
                if (hex[i] != ' ')
                {
                    digits++;
                }
            }

            Assert.IsTrue(digits % 2 == 0, "an even number of hex digits: \"" + hex + "\"");
            var bytes = new byte[digits / 2];
            int n = 0;
            for (int i = 0; i < hex.Length; i++)
            {
                if (hex[i] == ' ')
                {
                    continue;
                }

                int value = Digit(hex[i]);
                bytes[n / 2] = (byte)((n % 2 == 0) ? value << 4 : bytes[n / 2] | value);
                n++;
            }

            return bytes;
        }

        /// <summary>Bytes as hex text, a space between bytes ("43 61 66"), for failure messages.</summary>
        public static string Format(byte[] bytes, int offset, int count)
        {
            const string Digits = "0123456789ABCDEF";
            var chars = new char[count == 0 ? 0 : (count * 3) - 1];
            for (int i = 0; i < count; i++)
            {
                int b = bytes[offset + i];
                chars[i * 3] = Digits[b >> 4];
                chars[(i * 3) + 1] = Digits[b & 0xF];
                if (i + 1 < count)
                {
                    chars[(i * 3) + 2] = ' ';
                }
            }

            return new string(chars);
        }

        private static int Digit(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            Assert.IsTrue(c >= 'a' && c <= 'f', "a hex digit: '" + c + "'");
            return c - 'a' + 10;
        }
    }
}
