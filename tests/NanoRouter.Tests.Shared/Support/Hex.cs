namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// Byte vectors written as hex text ("FF 00 1A", spaces optional), for [DataRow]s: a byte[]
    /// argument there is one nanoCLR cannot decode (only numbers and strings), so the rows carry text.
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
