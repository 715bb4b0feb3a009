namespace NanoRouter.Core.Config
{
    /// <summary>
    /// A Wi-Fi network name (SSID) or passphrase, kept as the UTF-8 bytes the user typed, never as
    /// a string. nanoCLR's string indexer is wrong for characters above U+FFFF (it returns the high
    /// surrogate at both positions) and rescans the string on every call (nf-interpreter
    /// src/CLR/CorLib/corlib_native_System_String.cpp), so "Café 😀" saved through a string came
    /// back as "Café ��". The bytes go unchanged from the HTTP form to the settings record and to
    /// the board, which hands them to the Wi-Fi API with the device's own UTF-8 encoder.
    /// <para>Holds at most <see cref="Capacity"/> bytes; <see cref="WifiRules"/> says which values
    /// the Wi-Fi API accepts.</para>
    /// </summary>
    public sealed class WifiText
    {
        /// <summary>The most bytes a value holds (the settings record's limit for a passphrase).</summary>
        public const int Capacity = 64;

        private readonly byte[] _bytes = new byte[Capacity];
        private int _length;

        /// <summary>How many bytes the value has; 0 means none (no network, or an open one).</summary>
        public int Length => _length;

        /// <summary>The bytes: the first <see cref="Length"/> of them are the value. Read only.</summary>
        public byte[] Bytes => _bytes;

        /// <summary>Sets the value from bytes.</summary>
        /// <returns>False (value unchanged) when there are more than <see cref="Capacity"/>.</returns>
        public bool Set(byte[] source, int offset, int count)
        {
            if (count < 0 || count > Capacity)
            {
                return false;
            }

            System.Array.Copy(source, offset, _bytes, 0, count);
            System.Array.Clear(_bytes, count, Capacity - count);
            _length = count;
            return true;
        }

        /// <summary>Sets the value from ASCII text (factory names; any other character becomes '?').</summary>
        public void SetAscii(string text)
        {
            int count = text.Length < Capacity ? text.Length : Capacity;
            for (int i = 0; i < count; i++)
            {
                char c = text[i];
                _bytes[i] = c < (char)0x80 ? (byte)c : (byte)'?';
            }

            System.Array.Clear(_bytes, count, Capacity - count);
            _length = count;
        }

        /// <summary>Empties the value and wipes its bytes.</summary>
        public void Clear()
        {
            System.Array.Clear(_bytes, 0, Capacity);
            _length = 0;
        }

        /// <summary>Copies another value.</summary>
        public void CopyFrom(WifiText other)
        {
            Set(other._bytes, 0, other._length);
        }

        /// <summary>Whether two values have the same bytes.</summary>
        public bool SameAs(WifiText other)
        {
            return SameAs(other._bytes, 0, other._length);
        }

        /// <summary>Whether the value is exactly these bytes.</summary>
        public bool SameAs(byte[] other, int offset, int count)
        {
            if (count != _length)
            {
                return false;
            }

            for (int i = 0; i < count; i++)
            {
                if (_bytes[i] != other[offset + i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
