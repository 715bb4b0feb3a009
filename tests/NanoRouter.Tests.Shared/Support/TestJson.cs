namespace NanoRouter.Tests.Support
{
    /// <summary>The kind of a <see cref="JsonNode"/>.</summary>
    internal enum JsonNodeKind
    {
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
    }

    /// <summary>
    /// One value of a JSON text read by <see cref="TestJson"/>. The accessors check as they read: a
    /// missing member, a value of another kind or a number that is not an int fails the test and
    /// says which.
    /// </summary>
    internal sealed class JsonNode
    {
        private string[] _names = new string[0];
        private JsonNode[] _items = new JsonNode[0];

        public JsonNode(JsonNodeKind kind, string text)
        {
            Kind = kind;
            Text = text;
        }

        public JsonNodeKind Kind { get; }

        /// <summary>A string's decoded value, or a number's text as written; null for the other kinds.</summary>
        public string Text { get; }

        /// <summary>How many members (an object) or elements (an array); 0 for the other kinds.</summary>
        public int Count { get; private set; }

        /// <summary>A string's value.</summary>
        public string String
        {
            get
            {
                Require(JsonNodeKind.String);
                return Text;
            }
        }

        /// <summary>True or false.</summary>
        public bool Bool
        {
            get
            {
                if (Kind != JsonNodeKind.True && Kind != JsonNodeKind.False)
                {
                    Assert.IsTrue(false, "JSON: expected true or false, got " + Describe());
                }

                return Kind == JsonNodeKind.True;
            }
        }

        /// <summary>A number written as an integer (no fraction, no exponent) within int's range.</summary>
        public int Int
        {
            get
            {
                Require(JsonNodeKind.Number);
                long value = 0;
                int i = Text[0] == '-' ? 1 : 0;
                bool integer = i < Text.Length && Text.Length - i <= 10;
                for (; integer && i < Text.Length; i++)
                {
                    char c = Text[i];
                    integer = c >= '0' && c <= '9';
                    value = (value * 10) + (c - '0');
                }

                value = Text[0] == '-' ? -value : value;
                if (!integer || value < int.MinValue || value > int.MaxValue)
                {
                    Assert.IsTrue(false, "JSON: expected an int, got " + Text);
                }

                return (int)value;
            }
        }

        /// <summary>Whether an object has a member of this name.</summary>
        public bool Has(string name)
        {
            Require(JsonNodeKind.Object);
            return Find(name) >= 0;
        }

        /// <summary>An object's member.</summary>
        public JsonNode Get(string name)
        {
            Require(JsonNodeKind.Object);
            int at = Find(name);
            if (at < 0)
            {
                Assert.IsTrue(false, "JSON: no member \"" + name + "\" in an object of " + Count + ": " + Names());
            }

            return _items[at];
        }

        /// <summary>An array's element, or an object's member by position.</summary>
        public JsonNode At(int index)
        {
            if (Kind != JsonNodeKind.Array && Kind != JsonNodeKind.Object)
            {
                Assert.IsTrue(false, "JSON: expected an array, got " + Describe());
            }

            if (index < 0 || index >= Count)
            {
                Assert.IsTrue(false, "JSON: index " + index + " of " + Count);
            }

            return _items[index];
        }

        /// <summary>The name of an object's member by position.</summary>
        public string NameAt(int index)
        {
            Require(JsonNodeKind.Object);
            At(index);
            return _names[index];
        }

        /// <summary>Adds an element (array) or a member (object; <paramref name="name"/> not null).</summary>
        internal void Add(string name, JsonNode item)
        {
            if (Count == _items.Length)
            {
                int size = Count == 0 ? 4 : Count * 2;
                var names = new string[size];
                var items = new JsonNode[size];
                System.Array.Copy(_names, names, Count);
                System.Array.Copy(_items, items, Count);
                _names = names;
                _items = items;
            }

            _names[Count] = name;
            _items[Count] = item;
            Count++;
        }

        /// <summary>The position of the member named <paramref name="name"/>, or -1.</summary>
        internal int Find(string name)
        {
            for (int i = 0; i < Count; i++)
            {
                if (_names[i] == name)
                {
                    return i;
                }
            }

            return -1;
        }

        private void Require(JsonNodeKind kind)
        {
            if (Kind != kind)
            {
                Assert.IsTrue(false, "JSON: expected " + KindName(kind) + ", got " + Describe());
            }
        }

        private string Describe()
        {
            return KindName(Kind) + (Text == null ? string.Empty : " " + Text);
        }

        private string Names()
        {
            string names = string.Empty;
            for (int i = 0; i < Count; i++)
            {
                names += (i == 0 ? string.Empty : ", ") + _names[i];
            }

            return names;
        }

        private static string KindName(JsonNodeKind kind)
        {
            switch (kind)
            {
                case JsonNodeKind.Object:
                    return "an object";
                case JsonNodeKind.Array:
                    return "an array";
                case JsonNodeKind.String:
                    return "a string";
                case JsonNodeKind.Number:
                    return "a number";
                case JsonNodeKind.True:
                    return "true";
                case JsonNodeKind.False:
                    return "false";
                default:
                    return "null";
            }
        }
    }

    /// <summary>
    /// The shared tests' own JSON reader, the oracle for the admin API's responses (System.Text.Json
    /// was that on .NET, and stays the second: on .NET every text read here is also handed to a
    /// partial method that HostOnly/TestJsonHostOracle implements with JsonDocument, which must reach
    /// the same verdict and the same values; in nanoCLR the call vanishes). Strict RFC 8259: one value with optional whitespace around it; objects, arrays,
    /// strings (escapes \" \\ \/ \b \f \n \r \t \uXXXX, no raw control characters), numbers in the
    /// grammar's form, true, false, null. Stricter than RFC 8259 requires, as an API's answer may
    /// be: duplicate member names and \u escapes that leave a lone surrogate are refused. Nesting
    /// deeper than 32 is refused (the API's is 3). Reads the text through ToCharArray, which nanoCLR
    /// converts correctly even for characters above U+FFFF.
    /// </summary>
    internal static partial class TestJson
    {
        /// <summary>The deepest nesting accepted (the API's is 3).</summary>
        public const int MaxDepth = 32;

        static partial void HostJson(string text, JsonNode node, string error);

        /// <summary>The value of a JSON text; fails the test, with the reason and the text, unless it is valid.</summary>
        public static JsonNode Parse(string text)
        {
            JsonNode node;
            string error;
            if (!TryParse(text, out node, out error))
            {
                Assert.IsTrue(false, "not valid JSON: " + error + " in: " + text);
            }

            return node;
        }

        /// <summary>Reads a JSON text; false with the reason (and where) when it is not valid.</summary>
        public static bool TryParse(string text, out JsonNode node, out string error)
        {
            var reader = new Reader(text == null ? new char[0] : text.ToCharArray());
            node = reader.Document();
            error = reader.Error;
            HostJson(text, error == null ? node : null, error);
            if (error != null)
            {
                node = null;
                return false;
            }

            return true;
        }

        private sealed class Reader
        {
            private readonly char[] _text;
            private int _at;

            public Reader(char[] text)
            {
                _text = text;
            }

            public string Error { get; private set; }

            public JsonNode Document()
            {
                SkipSpace();
                JsonNode value = Value(0);
                SkipSpace();
                if (Error == null && _at < _text.Length)
                {
                    Fail("text after the value");
                }

                return value;
            }

            private JsonNode Value(int depth)
            {
                if (_at >= _text.Length)
                {
                    return Fail("a value expected, the text ended");
                }

                char c = _text[_at];
                switch (c)
                {
                    case '{':
                        return ObjectValue(depth + 1);
                    case '[':
                        return ArrayValue(depth + 1);
                    case '"':
                        string s = StringValue();
                        return s == null ? null : new JsonNode(JsonNodeKind.String, s);
                    case 't':
                        return Literal("true", JsonNodeKind.True);
                    case 'f':
                        return Literal("false", JsonNodeKind.False);
                    case 'n':
                        return Literal("null", JsonNodeKind.Null);
                    default:
                        return c == '-' || (c >= '0' && c <= '9') ? Number() : Fail("a value expected");
                }
            }

            private JsonNode ObjectValue(int depth)
            {
                if (depth > MaxDepth)
                {
                    return Fail("nested deeper than " + MaxDepth);
                }

                var node = new JsonNode(JsonNodeKind.Object, null);
                _at++;
                SkipSpace();
                if (Peek('}'))
                {
                    _at++;
                    return node;
                }

                while (true)
                {
                    SkipSpace();
                    if (!Peek('"'))
                    {
                        return Fail("a member name expected");
                    }

                    string name = StringValue();
                    if (name == null)
                    {
                        return null;
                    }

                    if (node.Find(name) >= 0)
                    {
                        return Fail("duplicate member \"" + name + "\"");
                    }

                    SkipSpace();
                    if (!Peek(':'))
                    {
                        return Fail("':' expected");
                    }

                    _at++;
                    SkipSpace();
                    JsonNode value = Value(depth);
                    if (value == null)
                    {
                        return null;
                    }

                    node.Add(name, value);
                    SkipSpace();
                    if (Peek(','))
                    {
                        _at++;
                        continue;
                    }

                    if (Peek('}'))
                    {
                        _at++;
                        return node;
                    }

                    return Fail("',' or '}' expected");
                }
            }

            private JsonNode ArrayValue(int depth)
            {
                if (depth > MaxDepth)
                {
                    return Fail("nested deeper than " + MaxDepth);
                }

                var node = new JsonNode(JsonNodeKind.Array, null);
                _at++;
                SkipSpace();
                if (Peek(']'))
                {
                    _at++;
                    return node;
                }

                while (true)
                {
                    SkipSpace();
                    JsonNode value = Value(depth);
                    if (value == null)
                    {
                        return null;
                    }

                    node.Add(null, value);
                    SkipSpace();
                    if (Peek(','))
                    {
                        _at++;
                        continue;
                    }

                    if (Peek(']'))
                    {
                        _at++;
                        return node;
                    }

                    return Fail("',' or ']' expected");
                }
            }

            /// <summary>A string starting at the quote under the cursor; null (and <see cref="Error"/>) when malformed.</summary>
            private string StringValue()
            {
                _at++;
                var chars = new char[_text.Length - _at];
                int length = 0;
                while (true)
                {
                    if (_at >= _text.Length)
                    {
                        Fail("the string is not closed");
                        return null;
                    }

                    char c = _text[_at++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c < (char)0x20)
                    {
                        Fail("a raw control character in a string");
                        return null;
                    }

                    if (c != '\\')
                    {
                        chars[length++] = c;
                        continue;
                    }

                    if (_at >= _text.Length)
                    {
                        Fail("the escape is cut");
                        return null;
                    }

                    char e = _text[_at++];
                    switch (e)
                    {
                        case '"':
                        case '\\':
                        case '/':
                            chars[length++] = e;
                            break;
                        case 'b':
                            chars[length++] = '\b';
                            break;
                        case 'f':
                            chars[length++] = '\f';
                            break;
                        case 'n':
                            chars[length++] = '\n';
                            break;
                        case 'r':
                            chars[length++] = '\r';
                            break;
                        case 't':
                            chars[length++] = '\t';
                            break;
                        case 'u':
                            int unit = Hex4();
                            if (unit < 0)
                            {
                                Fail("\\u needs four hex digits");
                                return null;
                            }

                            chars[length++] = (char)unit;
                            break;
                        default:
                            Fail("an unknown escape \\" + e);
                            return null;
                    }
                }

                for (int i = 0; i < length; i++)
                {
                    bool high = chars[i] >= (char)0xD800 && chars[i] <= (char)0xDBFF;
                    bool low = chars[i] >= (char)0xDC00 && chars[i] <= (char)0xDFFF;
                    if (high && i + 1 < length && chars[i + 1] >= (char)0xDC00 && chars[i + 1] <= (char)0xDFFF)
                    {
                        i++;
                    }
                    else if (high || low)
                    {
                        Fail("a lone surrogate in a string");
                        return null;
                    }
                }

                return new string(chars, 0, length);
            }

            private int Hex4()
            {
                if (_at + 4 > _text.Length)
                {
                    return -1;
                }

                int value = 0;
                for (int i = 0; i < 4; i++)
                {
                    char c = _text[_at++];
                    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                    if (digit < 0)
                    {
                        return -1;
                    }

                    value = (value << 4) | digit;
                }

                return value;
            }

            /// <summary>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</summary>
            private JsonNode Number()
            {
                int start = _at;
                if (Peek('-'))
                {
                    _at++;
                }

                if (Peek('0'))
                {
                    _at++;
                }
                else if (Digits() == 0)
                {
                    return Fail("a digit expected in a number");
                }

                if (Peek('.'))
                {
                    _at++;
                    if (Digits() == 0)
                    {
                        return Fail("a digit expected after '.'");
                    }
                }

                if (Peek('e') || Peek('E'))
                {
                    _at++;
                    if (Peek('+') || Peek('-'))
                    {
                        _at++;
                    }

                    if (Digits() == 0)
                    {
                        return Fail("a digit expected in the exponent");
                    }
                }

                return new JsonNode(JsonNodeKind.Number, new string(_text, start, _at - start));
            }

            private int Digits()
            {
                int count = 0;
                while (_at < _text.Length && _text[_at] >= '0' && _text[_at] <= '9')
                {
                    _at++;
                    count++;
                }

                return count;
            }

            private JsonNode Literal(string word, JsonNodeKind kind)
            {
                char[] letters = word.ToCharArray();
                for (int i = 0; i < letters.Length; i++)
                {
                    if (_at + i >= _text.Length || _text[_at + i] != letters[i])
                    {
                        return Fail("a value expected");
                    }
                }

                _at += letters.Length;
                return new JsonNode(kind, null);
            }

            private bool Peek(char c)
            {
                return _at < _text.Length && _text[_at] == c;
            }

            private void SkipSpace()
            {
                while (_at < _text.Length && (_text[_at] == ' ' || _text[_at] == '\t' || _text[_at] == '\n' || _text[_at] == '\r'))
                {
                    _at++;
                }
            }

            private JsonNode Fail(string reason)
            {
                if (Error == null)
                {
                    Error = reason + " at " + _at;
                }

                return null;
            }
        }
    }
}
