using NanoRouter.Core.Router;

namespace NanoRouter.Core.Common
{
    /// <summary>Takes what a full <see cref="ByteWriter"/> holds (sends it on), so writing goes on.</summary>
    public interface IByteDrain
    {
        /// <summary>Called when a write does not fit: takes the bytes written so far.</summary>
        /// <returns>True when it took them and cleared the writer; false to make the write overflow.</returns>
        bool Drain(ByteWriter writer);
    }

    /// <summary>
    /// Appends ASCII, UTF-8, numbers and escaped text to a fixed byte buffer. It never grows and
    /// never throws: a write that does not fit goes to the <see cref="IByteDrain"/> if there is
    /// one (which sends the full buffer on), else it sets <see cref="Overflow"/> and is dropped, so
    /// the caller answers 500 instead of crashing. Every piece of user-provided text goes through
    /// <see cref="Html(string)"/> or <see cref="JsonString(string)"/>.
    /// </summary>
    public sealed class ByteWriter
    {
        private const byte ByteQuote = (byte)'"';
        private const byte ByteBackslash = (byte)'\\';

        private static readonly byte[] s_hex = new byte[] { (byte)'0', (byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5', (byte)'6', (byte)'7', (byte)'8', (byte)'9', (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', (byte)'f' };

        private byte[] _buffer;
        private int _start;
        private int _position;
        private int _limit;
        private bool _overflow;
        private IByteDrain _drain;

        /// <summary>Creates a writer over <paramref name="count"/> bytes of a buffer from <paramref name="offset"/>.</summary>
        public ByteWriter(byte[] buffer, int offset, int count)
        {
            Reset(buffer, offset, count);
        }

        /// <summary>The buffer written into.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where writing started.</summary>
        public int Start => _start;

        /// <summary>The index of the next byte written.</summary>
        public int Position => _position;

        /// <summary>How many bytes have been written.</summary>
        public int Length => _position - _start;

        /// <summary>True when something did not fit; the content is then incomplete.</summary>
        public bool Overflow => _overflow;

        /// <summary>Starts over on a (possibly different) region.</summary>
        public void Reset(byte[] buffer, int offset, int count)
        {
            _buffer = buffer;
            _start = offset;
            _position = offset;
            _limit = offset + count;
            _overflow = false;
        }

        /// <summary>Forgets what was written.</summary>
        public void Clear()
        {
            _position = _start;
            _overflow = false;
        }

        /// <summary>Where a full buffer goes (null: a write that does not fit overflows).</summary>
        public void DrainTo(IByteDrain drain)
        {
            _drain = drain;
        }

        /// <summary>Makes room for <paramref name="count"/> bytes (at most the capacity), draining
        /// the buffer if it must; sets <see cref="Overflow"/> when there is none.</summary>
        private bool Room(int count)
        {
            if (count <= _limit - _position)
            {
                return true;
            }

            if (!_overflow && _drain != null && count <= _limit - _start && _drain.Drain(this))
            {
                return true;
            }

            _overflow = true;
            return false;
        }

        /// <summary>Appends one byte.</summary>
        public void Byte(byte value)
        {
            if (_position >= _limit && !Room(1))
            {
                return;
            }

            _buffer[_position++] = value;
        }

        /// <summary>Appends bytes as they are.</summary>
        public void Bytes(byte[] source, int offset, int count)
        {
            while (count > _limit - _position && !_overflow)
            {
                // More than fits: fill the buffer, drain it, go on.
                int room = _limit - _position;
                System.Array.Copy(source, offset, _buffer, _position, room);
                _position += room;
                offset += room;
                count -= room;
                Room(count < _limit - _start ? count : _limit - _start);
            }

            if (count <= 0 || _overflow)
            {
                return;
            }

            System.Array.Copy(source, offset, _buffer, _position, count);
            _position += count;
        }

        /// <summary>Appends a string known to be ASCII (constants, numbers); other characters become '?'.</summary>
        public void Ascii(string text)
        {
            if (text == null)
            {
                return;
            }

            Ascii(text, 0, text.Length);
        }

        /// <summary>Appends part of an ASCII string.</summary>
        public void Ascii(string text, int start, int count)
        {
            Pace.Spend(1);
            int end = start + count;
            while (start < end)
            {
                int room = _limit - _position;
                if (room == 0 && !Room(end - start < _limit - _start ? end - start : _limit - _start))
                {
                    return;
                }

                // At most a yield budget at a time, so a long constant text lets other threads in.
                room = _limit - _position;
                if (room > Pace.Budget)
                {
                    room = Pace.Budget;
                }

                int stop = end - start < room ? end : start + room;
                for (int i = start; i < stop; i++)
                {
                    char c = text[i];
                    _buffer[_position++] = c < (char)0x80 ? (byte)c : (byte)'?';
                }

                Pace.Spend(stop - start);
                start = stop;
            }
        }

        /// <summary>Appends a string as UTF-8 without escaping (only for trusted text).</summary>
        public void Utf8(string text)
        {
            if (text == null)
            {
                return;
            }

            int needed = Common.Utf8.ByteCount(text);
            if (!Room(needed))
            {
                return;
            }

            _position += Common.Utf8.Encode(text, _buffer, _position);
        }

        /// <summary>Appends a signed decimal number.</summary>
        public void Int(int value)
        {
            if (value < 0)
            {
                Byte((byte)'-');
                if (value == int.MinValue)
                {
                    Ascii("2147483648");
                    return;
                }

                value = -value;
            }

            Long(value);
        }

        /// <summary>Appends an unsigned decimal number.</summary>
        public void Long(long value)
        {
            if (value < 0)
            {
                Byte((byte)'-');
                value = -value;
            }

            long divisor = 1;
            while (value / divisor >= 10)
            {
                divisor *= 10;
            }

            while (divisor > 0)
            {
                Byte((byte)('0' + (int)(value / divisor % 10)));
                divisor /= 10;
            }
        }

        /// <summary>Appends an IPv4 address (big-endian number) in dotted-quad form.</summary>
        public void Address(uint address)
        {
            Long((address >> 24) & 0xFF);
            Byte((byte)'.');
            Long((address >> 16) & 0xFF);
            Byte((byte)'.');
            Long((address >> 8) & 0xFF);
            Byte((byte)'.');
            Long(address & 0xFF);
        }

        /// <summary>Appends bytes as lowercase hexadecimal.</summary>
        public void Hex(byte[] source, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++)
            {
                Byte(s_hex[source[i] >> 4]);
                Byte(s_hex[source[i] & 0xF]);
            }
        }

        /// <summary>Appends text escaped for HTML content and quoted attribute values.</summary>
        public void Html(string text)
        {
            if (text == null)
            {
                return;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < (char)0x80)
                {
                    HtmlAscii(c);
                }
                else
                {
                    WriteCharUtf8(text, ref i);
                }

                if ((i & 7) == 7)
                {
                    Pace.Spend(16);
                }
            }
        }

        /// <summary>One ASCII character of HTML text: the markup characters as entities, control
        /// characters (which have no business on a page) as U+FFFD.</summary>
        private void HtmlAscii(char c)
        {
            switch (c)
            {
                case '&':
                    Ascii("&amp;");
                    break;
                case '<':
                    Ascii("&lt;");
                    break;
                case '>':
                    Ascii("&gt;");
                    break;
                case '"':
                    Ascii("&quot;");
                    break;
                case '\'':
                    Ascii("&#39;");
                    break;
                default:
                    if (c < (char)0x20 || c == (char)0x7F)
                    {
                        Ascii("&#xfffd;");
                    }
                    else
                    {
                        Byte((byte)c);
                    }

                    break;
            }
        }

        /// <summary>Appends UTF-8 bytes escaped like <see cref="Html(string)"/>: a byte sequence that is not
        /// strict UTF-8 shows as U+FFFD, so nothing the bytes hold can break out of the markup.</summary>
        public void HtmlUtf8(byte[] source, int offset, int count)
        {
            Pace.Spend(2 * count);
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                int codePoint;
                int n = Common.Utf8.DecodeAt(source, i, end, out codePoint);
                if (n == 0)
                {
                    Ascii("&#xfffd;");
                    i++;
                    continue;
                }

                if (n > 1)
                {
                    Bytes(source, i, n);
                }
                else
                {
                    HtmlAscii((char)codePoint);
                }

                i += n;
            }
        }

        /// <summary>Appends UTF-8 bytes as a JSON string literal, quotes included, escaped like
        /// <see cref="JsonString(string)"/>; a sequence that is not strict UTF-8 becomes U+FFFD.</summary>
        public void JsonUtf8(byte[] source, int offset, int count)
        {
            Pace.Spend(2 * count);
            Byte(ByteQuote);
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                int codePoint;
                int n = Common.Utf8.DecodeAt(source, i, end, out codePoint);
                if (n == 0)
                {
                    Ascii("\\ufffd");
                    i++;
                    continue;
                }

                if (n > 1)
                {
                    Bytes(source, i, n);
                }
                else
                {
                    JsonAscii((char)codePoint);
                }

                i += n;
            }

            Byte(ByteQuote);
        }

        /// <summary>Appends text as a JSON string literal, quotes included.</summary>
        public void JsonString(string text)
        {
            Byte(ByteQuote);
            if (text != null)
            {
                for (int i = 0; i < text.Length; i++)
                {
                    char c = text[i];
                    if (c < (char)0x80)
                    {
                        JsonAscii(c);
                    }
                    else
                    {
                        WriteCharUtf8(text, ref i);
                    }

                    if ((i & 7) == 7)
                    {
                        Pace.Spend(16);
                    }
                }
            }

            Byte(ByteQuote);
        }

        /// <summary>One ASCII character inside a JSON string: quote and backslash escaped, control
        /// characters and the HTML-significant ones as \u00XX so the JSON is inert even if some
        /// browser sniffs it as HTML.</summary>
        private void JsonAscii(char c)
        {
            if (c == '"' || c == '\\')
            {
                Byte(ByteBackslash);
                Byte((byte)c);
            }
            else if (c < (char)0x20 || c == (char)0x7F || c == '<' || c == '>' || c == '&')
            {
                Ascii("\\u00");
                Byte(s_hex[(c >> 4) & 0xF]);
                Byte(s_hex[c & 0xF]);
            }
            else
            {
                Byte((byte)c);
            }
        }

        private void WriteCharUtf8(string text, ref int i)
        {
            int codePoint = Common.Utf8.CodePointAt(text, i);
            if (codePoint > 0xFFFF)
            {
                i++;
            }

            if (!Room(4))
            {
                return;
            }

            _position += Common.Utf8.EncodeCodePoint(codePoint, _buffer, _position);
        }
    }
}
