namespace NanoRouter.Core.Common
{
    /// <summary>
    /// UTF-8 by hand (nanoFramework's mscorlib has no System.Text). Decoding is strict: overlong
    /// forms, surrogates, code points above U+10FFFF and truncated sequences are rejected.
    /// </summary>
    public static class Utf8
    {
        /// <summary>The code point at index <paramref name="i"/>, joining a surrogate pair; a lone surrogate gives U+FFFD.</summary>
        public static int CodePointAt(string text, int i)
        {
            char c = text[i];
            if (c >= (char)0xD800 && c <= (char)0xDBFF)
            {
                if (i + 1 < text.Length)
                {
                    char low = text[i + 1];
                    if (low >= (char)0xDC00 && low <= (char)0xDFFF)
                    {
                        return 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                    }
                }

                return 0xFFFD;
            }

            if (c >= (char)0xDC00 && c <= (char)0xDFFF)
            {
                return 0xFFFD;
            }

            return c;
        }

        /// <summary>How many bytes <paramref name="text"/> takes in UTF-8.</summary>
        public static int ByteCount(string text)
        {
            int count = 0;
            for (int i = 0; i < text.Length; i++)
            {
                int codePoint = CodePointAt(text, i);
                if (codePoint < 0x80)
                {
                    count += 1;
                }
                else if (codePoint < 0x800)
                {
                    count += 2;
                }
                else if (codePoint < 0x10000)
                {
                    count += 3;
                }
                else
                {
                    count += 4;
                    i++;
                }
            }

            return count;
        }

        /// <summary>Writes one code point; the caller made room for 4 bytes.</summary>
        /// <returns>How many bytes were written.</returns>
        public static int EncodeCodePoint(int codePoint, byte[] buffer, int offset)
        {
            if (codePoint < 0x80)
            {
                buffer[offset] = (byte)codePoint;
                return 1;
            }

            if (codePoint < 0x800)
            {
                buffer[offset] = (byte)(0xC0 | (codePoint >> 6));
                buffer[offset + 1] = (byte)(0x80 | (codePoint & 0x3F));
                return 2;
            }

            if (codePoint < 0x10000)
            {
                buffer[offset] = (byte)(0xE0 | (codePoint >> 12));
                buffer[offset + 1] = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
                buffer[offset + 2] = (byte)(0x80 | (codePoint & 0x3F));
                return 3;
            }

            buffer[offset] = (byte)(0xF0 | (codePoint >> 18));
            buffer[offset + 1] = (byte)(0x80 | ((codePoint >> 12) & 0x3F));
            buffer[offset + 2] = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
            buffer[offset + 3] = (byte)(0x80 | (codePoint & 0x3F));
            return 4;
        }

        /// <summary>Writes a whole string; the caller made room for <see cref="ByteCount"/> bytes.</summary>
        /// <returns>How many bytes were written.</returns>
        public static int Encode(string text, byte[] buffer, int offset)
        {
            int position = offset;
            for (int i = 0; i < text.Length; i++)
            {
                int codePoint = CodePointAt(text, i);
                if (codePoint > 0xFFFF)
                {
                    i++;
                }

                position += EncodeCodePoint(codePoint, buffer, position);
            }

            return position - offset;
        }

        /// <summary>Decodes strict UTF-8.</summary>
        /// <returns>The string, or null when the bytes are not valid UTF-8.</returns>
        public static string Decode(byte[] buffer, int offset, int count)
        {
            // At most one char per byte (a 4-byte sequence becomes 2 chars).
            char[] chars = new char[count];
            int length = 0;
            int i = offset;
            int end = offset + count;
            while (i < end)
            {
                int codePoint;
                int n = DecodeAt(buffer, i, end, out codePoint);
                if (n == 0)
                {
                    return null;
                }

                if (codePoint >= 0x10000)
                {
                    codePoint -= 0x10000;
                    chars[length++] = (char)(0xD800 + (codePoint >> 10));
                    chars[length++] = (char)(0xDC00 + (codePoint & 0x3FF));
                }
                else
                {
                    chars[length++] = (char)codePoint;
                }

                i += n;
            }

            return new string(chars, 0, length);
        }

        /// <summary>Whether bytes are strict UTF-8 (the rules of <see cref="Decode"/>), without making a string.</summary>
        public static bool IsValid(byte[] buffer, int offset, int count)
        {
            int i = offset;
            int end = offset + count;
            while (i < end)
            {
                int codePoint;
                int n = DecodeAt(buffer, i, end, out codePoint);
                if (n == 0)
                {
                    return false;
                }

                i += n;
            }

            return true;
        }

        /// <summary>
        /// Decodes the one strict UTF-8 sequence that starts at <paramref name="i"/> and ends before
        /// <paramref name="end"/>: overlong forms, surrogates, code points above U+10FFFF and
        /// truncated sequences are refused.
        /// </summary>
        /// <returns>The sequence's length (1 to 4), or 0 when it is not valid.</returns>
        public static int DecodeAt(byte[] buffer, int i, int end, out int codePoint)
        {
            int b = buffer[i];
            int extra;
            int minimum;
            if (b < 0x80)
            {
                codePoint = b;
                return 1;
            }

            if ((b & 0xE0) == 0xC0)
            {
                codePoint = b & 0x1F;
                extra = 1;
                minimum = 0x80;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                codePoint = b & 0x0F;
                extra = 2;
                minimum = 0x800;
            }
            else if ((b & 0xF8) == 0xF0)
            {
                codePoint = b & 0x07;
                extra = 3;
                minimum = 0x10000;
            }
            else
            {
                codePoint = 0;
                return 0;
            }

            if (extra > end - i - 1)
            {
                return 0;
            }

            for (int k = 1; k <= extra; k++)
            {
                int next = buffer[i + k];
                if ((next & 0xC0) != 0x80)
                {
                    return 0;
                }

                codePoint = (codePoint << 6) | (next & 0x3F);
            }

            if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
            {
                return 0;
            }

            return extra + 1;
        }
    }
}
