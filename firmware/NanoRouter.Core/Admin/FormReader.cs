using NanoRouter.Core.Common;
using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// Finds fields in an application/x-www-form-urlencoded body (name=value&amp;...) and
    /// percent-decodes their values ('+' is a space) into a fixed buffer. Names are matched
    /// undecoded (ours are plain ASCII). The first occurrence of a name wins.
    /// </summary>
    public sealed class FormReader
    {
        /// <summary>The longest decoded value, in bytes.</summary>
        public const int MaxValueBytes = 256;

        /// <summary>The last value found, decoded.</summary>
        public readonly byte[] Value = new byte[MaxValueBytes];

        private byte[] _buffer;
        private int _offset;
        private int _count;

        /// <summary>The last value's length.</summary>
        public int ValueLength;

        /// <summary>Reads fields from a body.</summary>
        public void Begin(byte[] buffer, int offset, int count)
        {
            _buffer = buffer;
            _offset = offset;
            _count = count;
        }

        /// <summary>Looks a field up.</summary>
        /// <returns>1 when found (decoded into <see cref="Value"/>), 0 when absent, -1 when its
        /// value is badly encoded or longer than <see cref="MaxValueBytes"/>.</returns>
        public int Find(string name)
        {
            ValueLength = 0;
            int end = _offset + _count;
            int start = _offset;
            while (start < end)
            {
                int pairEnd = start;
                while (pairEnd < end && _buffer[pairEnd] != (byte)'&')
                {
                    pairEnd++;
                }

                Pace.Spend(pairEnd - start + 1);

                int equals = start;
                while (equals < pairEnd && _buffer[equals] != (byte)'=')
                {
                    equals++;
                }

                if (HttpRequestParser.Equals(_buffer, start, equals - start, name))
                {
                    int valueStart = equals < pairEnd ? equals + 1 : pairEnd;
                    int valueCount = pairEnd - valueStart;
                    if (PercentEncoding.DecodedLength(_buffer, valueStart, valueCount) > MaxValueBytes || !PercentEncoding.IsValid(_buffer, valueStart, valueCount))
                    {
                        return -1;
                    }

                    int decoded = PercentEncoding.Decode(_buffer, valueStart, valueCount, Value, 0, true);
                    if (decoded < 0)
                    {
                        return -1;
                    }

                    ValueLength = decoded;
                    return 1;
                }

                start = pairEnd + 1;
            }

            return 0;
        }

        /// <summary>The found value as a string, or null when it is not valid UTF-8.</summary>
        public string ValueString()
        {
            return Utf8.Decode(Value, 0, ValueLength);
        }

        /// <summary>Whether the found value equals an ASCII string.</summary>
        public bool ValueIs(string text)
        {
            return HttpRequestParser.Equals(Value, 0, ValueLength, text);
        }
    }
}
