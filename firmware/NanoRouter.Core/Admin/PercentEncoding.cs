using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>Percent-decoding (RFC 3986) for paths, queries and form bodies
    /// (application/x-www-form-urlencoded, where '+' is a space).</summary>
    public static class PercentEncoding
    {
        private const byte BytePercent = (byte)'%';
        private const byte BytePlus = (byte)'+';

        /// <summary>Whether every '%' is followed by two hex digits.</summary>
        public static bool IsValid(byte[] buffer, int offset, int count)
        {
            Pace.Spend(count);
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                if (buffer[i] == BytePercent)
                {
                    if (i + 2 >= end || HexValue(buffer[i + 1]) < 0 || HexValue(buffer[i + 2]) < 0)
                    {
                        return false;
                    }

                    i += 2;
                }
            }

            return true;
        }

        /// <summary>The decoded length of valid input.</summary>
        public static int DecodedLength(byte[] buffer, int offset, int count)
        {
            Pace.Spend(count);
            int length = 0;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                if (buffer[i] == BytePercent)
                {
                    i += 2;
                }

                length++;
            }

            return length;
        }

        /// <summary>Decodes into <paramref name="destination"/>.</summary>
        /// <returns>The decoded length, or -1 when the input is invalid or does not fit.</returns>
        public static int Decode(byte[] source, int offset, int count, byte[] destination, int destinationOffset, bool plusIsSpace)
        {
            Pace.Spend(2 * count);
            int end = offset + count;
            int position = destinationOffset;
            for (int i = offset; i < end; i++)
            {
                if ((uint)position >= (uint)destination.Length)
                {
                    return -1;
                }

                byte b = source[i];
                if (b == BytePercent)
                {
                    if (i + 2 >= end)
                    {
                        return -1;
                    }

                    int high = HexValue(source[i + 1]);
                    int low = HexValue(source[i + 2]);
                    if (high < 0 || low < 0)
                    {
                        return -1;
                    }

                    destination[position++] = (byte)((high << 4) | low);
                    i += 2;
                }
                else if (b == BytePlus && plusIsSpace)
                {
                    destination[position++] = (byte)' ';
                }
                else
                {
                    destination[position++] = b;
                }
            }

            return position - destinationOffset;
        }

        /// <summary>The value of one hex digit, or -1.</summary>
        public static int HexValue(byte b)
        {
            if (b >= (byte)'0' && b <= (byte)'9')
            {
                return b - '0';
            }

            if (b >= (byte)'a' && b <= (byte)'f')
            {
                return b - 'a' + 10;
            }

            if (b >= (byte)'A' && b <= (byte)'F')
            {
                return b - 'A' + 10;
            }

            return -1;
        }
    }
}
