using NanoRouter.Core.Router;

namespace NanoRouter.Core.Common
{
    /// <summary>
    /// CRC-32 as in IEEE 802.3, zlib and PNG (reflected polynomial 0xEDB88320, initial and final
    /// value 0xFFFFFFFF; "123456789" gives 0xCBF43926). Uses a 16-entry nibble table: 64 bytes
    /// instead of the usual 1 KB, plenty fast for a settings record.
    /// </summary>
    public static class Crc32
    {
        private static readonly uint[] s_nibbleTable = BuildTable();

        /// <summary>The CRC of <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] buffer, int offset, int count)
        {
            return Update(0xFFFFFFFF, buffer, offset, count) ^ 0xFFFFFFFF;
        }

        /// <summary>Continues a running (not yet inverted) CRC register over more bytes.</summary>
        public static uint Update(uint register, byte[] buffer, int offset, int count)
        {
            uint[] table = s_nibbleTable;
            for (int i = offset; i < offset + count; i++)
            {
                register ^= buffer[i];
                register = (register >> 4) ^ table[register & 0xF];
                register = (register >> 4) ^ table[register & 0xF];
                if ((i & 31) == 31)
                {
                    Pace.Spend(Pace.Budget);
                }
            }

            return register;
        }

        private static uint[] BuildTable()
        {
            uint[] table = new uint[16];
            for (uint n = 0; n < 16; n++)
            {
                uint c = n;
                for (int k = 0; k < 4; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
