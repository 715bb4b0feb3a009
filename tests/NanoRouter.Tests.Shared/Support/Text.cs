using NanoRouter.Core.Common;

namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// Strings for the shared tests: to and from UTF-8 (the tests' own encoder and decoder, written
    /// from RFC 3629, independent of the core's Utf8) and ASCII, and ordinal search, slicing,
    /// splitting and joining (what System.Text and the string methods nanoFramework lacks gave on .NET).
    /// <para>
    /// Every character is read through <see cref="string.ToCharArray()"/>, which both targets convert
    /// correctly. nanoCLR (nf-interpreter 3367392a0, corlib_native_System_String.cpp) keeps strings
    /// as UTF-8 and gets characters above U+FFFF wrong elsewhere: the indexer returns the high
    /// surrogate at both positions of a pair, Substring does the same, and IndexOf finds nothing in or
    /// with such text.
    /// </para>
    /// <para>
    /// On .NET every result of <see cref="Utf8"/>, <see cref="FromUtf8"/> and <see cref="PercentEncode"/>
    /// is also handed to a partial method that HostOnly/TextHostOracle implements with .NET's
    /// Encoding.UTF8 and Uri.EscapeDataString, which must agree; in nanoCLR the calls vanish.
    /// </para>
    /// </summary>
    internal static partial class Text
    {
        static partial void HostUtf8(string text, byte[] bytes);

        static partial void HostFromUtf8(byte[] bytes, int offset, int count, string text);

        static partial void HostPercentEncode(string text, string encoded);

        /// <summary>The UTF-8 bytes of <paramref name="text"/>; a lone surrogate becomes U+FFFD, as in .NET's Encoding.UTF8.</summary>
        public static byte[] Utf8(string text)
        {
            char[] chars = text.ToCharArray();
            int count = 0;
            for (int i = 0; i < chars.Length; i++)
            {
                int codePoint = CodePoint(chars, ref i);
                count += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            }

            var bytes = new byte[count];
            int n = 0;
            for (int i = 0; i < chars.Length; i++)
            {
                int codePoint = CodePoint(chars, ref i);
                if (codePoint < 0x80)
                {
                    bytes[n++] = (byte)codePoint;
                }
                else if (codePoint < 0x800)
                {
                    bytes[n++] = (byte)(0xC0 | (codePoint >> 6));
                    bytes[n++] = (byte)(0x80 | (codePoint & 0x3F));
                }
                else if (codePoint < 0x10000)
                {
                    bytes[n++] = (byte)(0xE0 | (codePoint >> 12));
                    bytes[n++] = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
                    bytes[n++] = (byte)(0x80 | (codePoint & 0x3F));
                }
                else
                {
                    bytes[n++] = (byte)(0xF0 | (codePoint >> 18));
                    bytes[n++] = (byte)(0x80 | ((codePoint >> 12) & 0x3F));
                    bytes[n++] = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
                    bytes[n++] = (byte)(0x80 | (codePoint & 0x3F));
                }
            }

            HostUtf8(text, bytes);
            return bytes;
        }

        /// <summary>The code point at <paramref name="i"/>, joining a surrogate pair (then <paramref name="i"/> moves to its low half).</summary>
        private static int CodePoint(char[] chars, ref int i)
        {
            int c = chars[i];
            if (c >= 0xD800 && c <= 0xDBFF && i + 1 < chars.Length && chars[i + 1] >= (char)0xDC00 && chars[i + 1] <= (char)0xDFFF)
            {
                i++;
                return 0x10000 + ((c - 0xD800) << 10) + (chars[i] - 0xDC00);
            }

            return c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
        }

        /// <summary>
        /// Decodes strict UTF-8 (RFC 3629: no overlong forms, surrogates, values above U+10FFFF or cut
        /// sequences); fails the test on anything else, naming the offset.
        /// </summary>
        public static string FromUtf8(byte[] bytes, int offset, int count)
        {
            var chars = new char[count];
            int length = 0;
            int end = offset + count;
            for (int i = offset; i < end;)
            {
                int b = bytes[i];
                int extra = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
                if (extra < 0 || i + extra >= end)
                {
                    Assert.IsTrue(false, "UTF-8: bad or cut lead byte " + b + " at " + (i - offset));
                }

                int codePoint = extra == 0 ? b : extra == 1 ? b & 0x1F : extra == 2 ? b & 0x0F : b & 0x07;
                for (int k = 1; k <= extra; k++)
                {
                    int next = bytes[i + k];
                    if ((next & 0xC0) != 0x80)
                    {
                        Assert.IsTrue(false, "UTF-8: not a continuation byte at " + (i + k - offset));
                    }

                    codePoint = (codePoint << 6) | (next & 0x3F);
                }

                int minimum = extra == 0 ? 0 : extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
                if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
                {
                    Assert.IsTrue(false, "UTF-8: overlong, surrogate or too large at " + (i - offset));
                }

                if (codePoint >= 0x10000)
                {
                    chars[length++] = (char)(0xD800 + ((codePoint - 0x10000) >> 10));
                    chars[length++] = (char)(0xDC00 + ((codePoint - 0x10000) & 0x3FF));
                }
                else
                {
                    chars[length++] = (char)codePoint;
                }

                i += extra + 1;
            }

            string text = new string(chars, 0, length);
            HostFromUtf8(bytes, offset, count, text);
            return text;
        }

        /// <summary>The bytes of ASCII text; fails the test on any other character.</summary>
        public static byte[] Ascii(string text)
        {
            char[] chars = text.ToCharArray();
            var bytes = new byte[chars.Length];
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] >= (char)0x80)
                {
                    Assert.IsTrue(false, "not ASCII at " + i);
                }

                bytes[i] = (byte)chars[i];
            }

            return bytes;
        }

        /// <summary>ASCII bytes as text; fails the test on a byte above 0x7F.</summary>
        public static string FromAscii(byte[] bytes, int offset, int count)
        {
            var chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                byte b = bytes[offset + i];
                if (b >= 0x80)
                {
                    Assert.IsTrue(false, "not ASCII: byte " + b + " at " + i);
                }

                chars[i] = (char)b;
            }

            return new string(chars);
        }

        /// <summary>Where <paramref name="part"/> first occurs in <paramref name="text"/> at or after <paramref name="start"/> (ordinal); -1 if nowhere.</summary>
        public static int IndexOf(string text, string part, int start)
        {
            char[] t = text.ToCharArray();
            char[] p = part.ToCharArray();
            for (int at = start; at <= t.Length - p.Length; at++)
            {
                int k = 0;
                while (k < p.Length && t[at + k] == p[k])
                {
                    k++;
                }

                if (k == p.Length)
                {
                    return at;
                }
            }

            return -1;
        }

        public static bool Contains(string text, string part)
        {
            return IndexOf(text, part, 0) >= 0;
        }

        public static bool StartsWith(string text, string part)
        {
            return part.Length <= text.Length && IndexOf(Slice(text, 0, part.Length), part, 0) == 0;
        }

        /// <summary>How many times <paramref name="part"/> occurs, overlapping occurrences included.</summary>
        public static int Count(string text, string part)
        {
            int count = 0;
            for (int at = IndexOf(text, part, 0); at >= 0; at = IndexOf(text, part, at + 1))
            {
                count++;
            }

            return count;
        }

        /// <summary><paramref name="length"/> UTF-16 units of <paramref name="text"/> from <paramref name="start"/> (String.Substring).</summary>
        public static string Slice(string text, int start, int length)
        {
            char[] chars = text.ToCharArray();
            if (start < 0 || length < 0 || start + length > chars.Length)
            {
                Assert.IsTrue(false, "slice " + start + "+" + length + " of " + chars.Length);
            }

            return new string(chars, start, length);
        }

        /// <summary>The parts between the separators (String.Split(separator) without options).</summary>
        public static string[] Split(string text, string separator)
        {
            var parts = new StringList();
            int from = 0;
            for (int at = IndexOf(text, separator, 0); at >= 0; at = IndexOf(text, separator, from))
            {
                parts.Add(Slice(text, from, at - from));
                from = at + separator.Length;
            }

            parts.Add(Slice(text, from, text.Length - from));
            return parts.ToArray();
        }

        /// <summary>The parts with <paramref name="separator"/> between them (String.Join).</summary>
        public static string Join(string separator, string[] parts)
        {
            string joined = string.Empty;
            for (int i = 0; i < parts.Length; i++)
            {
                joined += (i == 0 ? string.Empty : separator) + parts[i];
            }

            return joined;
        }

        /// <summary>Whether two strings are equal when ASCII letters are compared without case (an HTTP header name).</summary>
        public static bool SameIgnoringAsciiCase(string a, string b)
        {
            char[] x = a.ToCharArray();
            char[] y = b.ToCharArray();
            if (x.Length != y.Length)
            {
                return false;
            }

            for (int i = 0; i < x.Length; i++)
            {
                if (Lower(x[i]) != Lower(y[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static char Lower(char c)
        {
            return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
        }

        /// <summary>
        /// Percent-encodes the UTF-8 bytes of <paramref name="text"/> for a URL or a form value, as
        /// .NET's Uri.EscapeDataString does: RFC 3986's unreserved characters (letters, digits,
        /// "-", ".", "_", "~") stay, every other byte becomes %XX with upper-case hex digits.
        /// </summary>
        public static string PercentEncode(string text)
        {
            const string Digits = "0123456789ABCDEF";
            byte[] bytes = Utf8(text);
            var chars = new char[bytes.Length * 3];
            int n = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                int b = bytes[i];
                bool unreserved = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.' || b == '_' || b == '~';
                if (unreserved)
                {
                    chars[n++] = (char)b;
                }
                else
                {
                    chars[n++] = '%';
                    chars[n++] = Digits[b >> 4];
                    chars[n++] = Digits[b & 0xF];
                }
            }

            string encoded = new string(chars, 0, n);
            HostPercentEncode(text, encoded);
            return encoded;
        }
    }
}
