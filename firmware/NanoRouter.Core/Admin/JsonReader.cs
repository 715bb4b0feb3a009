using NanoRouter.Core.Common;
using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>The kind of a JSON member's value.</summary>
    public enum JsonValueKind : byte
    {
        /// <summary>No value (end of object or error).</summary>
        None = 0,

        /// <summary>A string; its decoded UTF-8 bytes are in <see cref="JsonReader.StringBuffer"/>.</summary>
        String = 1,

        /// <summary>A number; its text is at ValueOffset/ValueLength.</summary>
        Number = 2,

        /// <summary>true.</summary>
        True = 3,

        /// <summary>false.</summary>
        False = 4,

        /// <summary>null.</summary>
        Null = 5,
    }

    /// <summary>
    /// Reads one flat JSON object (RFC 8259) member by member: <c>{"key": scalar, ...}</c>. Nested
    /// objects and arrays are refused (the API needs none), so there is no recursion and no depth
    /// to exhaust. Keys and string values are unescaped into fixed buffers; anything longer than
    /// they hold is an error. A key that came before in the same object (compared unescaped, so
    /// "a" and "\u0061" are one key) is an error too, as are more than <see cref="MaxMembers"/>
    /// members: RFC 8259 leaves duplicates to the reader, and "last one wins" would let two
    /// readers of one text disagree. Never throws; an error leaves a short message in
    /// <see cref="Error"/>. One level of array is read too, for a list of such objects
    /// (<see cref="BeginArray"/>, <see cref="NextObject"/>): <c>[{...}, {...}]</c>.
    /// </summary>
    public sealed class JsonReader
    {
        /// <summary>The longest key, in bytes.</summary>
        public const int MaxKeyBytes = 32;

        /// <summary>The longest string value, in bytes.</summary>
        public const int MaxStringBytes = 256;

        /// <summary>The most members an object may have (the API's largest has 6).</summary>
        public const int MaxMembers = 16;

        /// <summary>The current key's unescaped UTF-8 bytes.</summary>
        public readonly byte[] KeyBuffer = new byte[MaxKeyBytes];

        /// <summary>The current string value's unescaped UTF-8 bytes.</summary>
        public readonly byte[] StringBuffer = new byte[MaxStringBytes];

        private readonly int[] _keyStarts = new int[MaxMembers];
        private byte[] _buffer;
        private int _members;
        private int _position;
        private int _end;
        private bool _first;
        private bool _done;
        private bool _inArray;
        private bool _firstElement;

        /// <summary>The current key's length.</summary>
        public int KeyLength;

        /// <summary>The current value's kind.</summary>
        public JsonValueKind ValueKind;

        /// <summary>The current string value's length in <see cref="StringBuffer"/>.</summary>
        public int StringLength;

        /// <summary>Where the current value's raw text starts.</summary>
        public int ValueOffset;

        /// <summary>The current value's raw text length.</summary>
        public int ValueLength;

        /// <summary>Why reading stopped, or null.</summary>
        public string Error;

        /// <summary>Starts reading an object from a byte range.</summary>
        /// <returns>False (with <see cref="Error"/>) when the text does not start with '{'.</returns>
        public bool Begin(byte[] buffer, int offset, int count)
        {
            _buffer = buffer;
            _position = offset;
            _end = offset + count;
            _first = true;
            _done = false;
            _members = 0;
            _inArray = false;
            Error = null;
            SkipWhitespace();
            if (!Take((byte)'{'))
            {
                return Fail("expected a JSON object");
            }

            return true;
        }

        /// <summary>Starts reading an array of flat objects from a byte range; then
        /// <see cref="NextObject"/> before each object's members.</summary>
        /// <returns>False (with <see cref="Error"/>) when the text does not start with '['.</returns>
        public bool BeginArray(byte[] buffer, int offset, int count)
        {
            _buffer = buffer;
            _position = offset;
            _end = offset + count;
            _done = true;
            _inArray = true;
            _firstElement = true;
            Error = null;
            SkipWhitespace();
            if (!Take((byte)'['))
            {
                return Fail("expected a JSON array");
            }

            return true;
        }

        /// <summary>Steps into the array's next object, whose members <see cref="Next"/> then reads.</summary>
        /// <returns>True at the start of an object; false at the end of the array (<see cref="Error"/>
        /// null, and nothing may follow it) or on an error.</returns>
        public bool NextObject()
        {
            Pace.Spend(16);
            if (!_inArray || Error != null)
            {
                return false;
            }

            if (!_done)
            {
                return Fail("the previous object was not read to its end");
            }

            SkipWhitespace();
            if (Take((byte)']'))
            {
                _inArray = false;
                SkipWhitespace();
                return _position == _end ? false : Fail("unexpected text after the array");
            }

            if (!_firstElement && !Take((byte)','))
            {
                return Fail("expected ',' or ']'");
            }

            _firstElement = false;
            SkipWhitespace();
            if (!Take((byte)'{'))
            {
                return Fail("expected a JSON object in the array");
            }

            _first = true;
            _done = false;
            _members = 0;
            return true;
        }

        /// <summary>Reads the next member.</summary>
        /// <returns>True with the member in KeyBuffer/ValueKind; false at the end of the object
        /// (<see cref="Error"/> null) or on an error (<see cref="Error"/> set).</returns>
        public bool Next()
        {
            Pace.Spend(16);
            if (_done || Error != null)
            {
                return false;
            }

            SkipWhitespace();
            if (Take((byte)'}'))
            {
                return Finish();
            }

            if (!_first)
            {
                if (!Take((byte)','))
                {
                    return Fail("expected ',' or '}'");
                }

                SkipWhitespace();
            }

            _first = false;
            if (!Take((byte)'"'))
            {
                return Fail("expected a key string");
            }

            int keyStart = _position;
            int keyLength = ReadString(KeyBuffer);
            if (keyLength < 0)
            {
                return false;
            }

            KeyLength = keyLength;
            if (_members == MaxMembers)
            {
                return Fail("too many members");
            }

            if (SeenBefore(keyLength))
            {
                return Fail("duplicate key");
            }

            _keyStarts[_members++] = keyStart;
            SkipWhitespace();
            if (!Take((byte)':'))
            {
                return Fail("expected ':'");
            }

            SkipWhitespace();
            return ReadValue();
        }

        /// <summary>Whether the current key equals an ASCII string.</summary>
        public bool KeyIs(string key)
        {
            return HttpRequestParser.Equals(KeyBuffer, 0, KeyLength, key);
        }

        /// <summary>Whether an earlier member of this object has the key now in <see cref="KeyBuffer"/>:
        /// each earlier key is unescaped again (into <see cref="StringBuffer"/>, free until the value
        /// is read) and compared.</summary>
        private bool SeenBefore(int keyLength)
        {
            int position = _position;
            bool seen = false;
            for (int m = 0; m < _members && !seen; m++)
            {
                _position = _keyStarts[m];
                seen = ReadString(StringBuffer) == keyLength;
                for (int i = 0; i < keyLength && seen; i++)
                {
                    seen = StringBuffer[i] == KeyBuffer[i];
                }
            }

            _position = position;
            return seen;
        }

        private bool Finish()
        {
            SkipWhitespace();
            if (_inArray)
            {
                _done = true;
                return false;
            }

            if (_position != _end)
            {
                return Fail("unexpected text after the object");
            }

            _done = true;
            return false;
        }

        private bool ReadValue()
        {
            if (_position >= _end)
            {
                return Fail("unexpected end of JSON");
            }

            ValueOffset = _position;
            byte b = _buffer[_position];
            if (b == (byte)'"')
            {
                _position++;
                int length = ReadString(StringBuffer);
                if (length < 0)
                {
                    return false;
                }

                StringLength = length;
                ValueKind = JsonValueKind.String;
            }
            else if (b == (byte)'{' || b == (byte)'[')
            {
                return Fail("nested objects and arrays are not accepted");
            }
            else if (Literal("true"))
            {
                ValueKind = JsonValueKind.True;
            }
            else if (Literal("false"))
            {
                ValueKind = JsonValueKind.False;
            }
            else if (Literal("null"))
            {
                ValueKind = JsonValueKind.Null;
            }
            else if (b == (byte)'-' || (b >= (byte)'0' && b <= (byte)'9'))
            {
                if (!ReadNumber())
                {
                    return false;
                }

                ValueKind = JsonValueKind.Number;
            }
            else
            {
                return Fail("invalid JSON value");
            }

            ValueLength = _position - ValueOffset;
            return true;
        }

        private bool ReadNumber()
        {
            // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
            Take((byte)'-');
            if (Take((byte)'0'))
            {
            }
            else if (!Digits())
            {
                return Fail("invalid number");
            }

            if (Take((byte)'.') && !Digits())
            {
                return Fail("invalid number");
            }

            if (Take((byte)'e') || Take((byte)'E'))
            {
                if (!Take((byte)'+'))
                {
                    Take((byte)'-');
                }

                if (!Digits())
                {
                    return Fail("invalid number");
                }
            }

            return true;
        }

        private bool Digits()
        {
            int start = _position;
            while (_position < _end && _buffer[_position] >= (byte)'0' && _buffer[_position] <= (byte)'9')
            {
                _position++;
            }

            return _position > start;
        }

        private bool Literal(string text)
        {
            if (text.Length > _end - _position)
            {
                return false;
            }

            if (!HttpRequestParser.Equals(_buffer, _position, text.Length, text))
            {
                return false;
            }

            _position += text.Length;
            return true;
        }

        /// <summary>Reads a string body after its opening quote, unescaping into <paramref name="target"/>.</summary>
        /// <returns>Its length, or -1 on error.</returns>
        private int ReadString(byte[] target)
        {
            Pace.Spend(8);
            int length = 0;
            while (true)
            {
                if (_position >= _end)
                {
                    Fail("unterminated string");
                    return -1;
                }

                byte b = _buffer[_position++];
                if (b == (byte)'"')
                {
                    return length;
                }

                if (b < 0x20)
                {
                    Fail("control character in string");
                    return -1;
                }

                if (b != (byte)'\\')
                {
                    if (length >= target.Length)
                    {
                        Fail("string too long");
                        return -1;
                    }

                    target[length++] = b;
                    if ((length & 63) == 0)
                    {
                        Pace.Spend(Pace.Budget);
                    }

                    continue;
                }

                if (_position >= _end)
                {
                    Fail("unterminated string");
                    return -1;
                }

                byte escape = _buffer[_position++];
                int codePoint;
                switch (escape)
                {
                    case (byte)'"':
                    case (byte)'\\':
                    case (byte)'/':
                        codePoint = escape;
                        break;
                    case (byte)'b':
                        codePoint = 8;
                        break;
                    case (byte)'f':
                        codePoint = 12;
                        break;
                    case (byte)'n':
                        codePoint = 10;
                        break;
                    case (byte)'r':
                        codePoint = 13;
                        break;
                    case (byte)'t':
                        codePoint = 9;
                        break;
                    case (byte)'u':
                        codePoint = ReadHex4();
                        if (codePoint >= 0xD800 && codePoint <= 0xDBFF)
                        {
                            // A surrogate pair: \uD83D\uDE00.
                            if (_end - _position < 2 || _buffer[_position] != (byte)'\\' || _buffer[_position + 1] != (byte)'u')
                            {
                                codePoint = -1;
                                break;
                            }

                            _position += 2;
                            int low = ReadHex4();
                            codePoint = low >= 0xDC00 && low <= 0xDFFF ? 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00) : -1;
                        }
                        else if (codePoint >= 0xDC00 && codePoint <= 0xDFFF)
                        {
                            codePoint = -1;
                        }

                        break;
                    default:
                        codePoint = -1;
                        break;
                }

                if (codePoint < 0)
                {
                    Fail("invalid escape in string");
                    return -1;
                }

                if (target.Length - length < 4)
                {
                    Fail("string too long");
                    return -1;
                }

                length += Utf8.EncodeCodePoint(codePoint, target, length);
            }
        }

        private int ReadHex4()
        {
            if (_end - _position < 4)
            {
                return -1;
            }

            int value = 0;
            for (int i = 0; i < 4; i++)
            {
                int digit = PercentEncoding.HexValue(_buffer[_position++]);
                if (digit < 0)
                {
                    return -1;
                }

                value = (value << 4) | digit;
            }

            return value;
        }

        private void SkipWhitespace()
        {
            while (_position < _end)
            {
                byte b = _buffer[_position];
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n')
                {
                    return;
                }

                if ((++_position & 127) == 0)
                {
                    Pace.Spend(Pace.Budget);
                }
            }
        }

        private bool Take(byte b)
        {
            if (_position < _end && _buffer[_position] == b)
            {
                _position++;
                return true;
            }

            return false;
        }

        private bool Fail(string message)
        {
            if (Error == null)
            {
                Error = message;
            }

            ValueKind = JsonValueKind.None;
            return false;
        }
    }
}
