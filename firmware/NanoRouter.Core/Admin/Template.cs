using NanoRouter.Core.Common;

namespace NanoRouter.Core.Admin
{
    /// <summary>Fills the slots of a <see cref="Template"/>.</summary>
    public interface ITemplateSlots
    {
        /// <summary>Writes the content of slot number <paramref name="slot"/> (its index in the name
        /// list the template was built with), escaping whatever is not constant.</summary>
        void WriteSlot(int slot, ByteWriter writer);
    }

    /// <summary>
    /// A constant page fragment with named slots: <c>{name}</c>, where a name is lowercase letters,
    /// digits and dots; any other brace is literal text. The text must be ASCII and every slot
    /// name one of a list (checked once, at construction, where each name becomes its number in
    /// the list). Rendering copies the literal parts into a <see cref="ByteWriter"/> and asks an
    /// <see cref="ITemplateSlots"/> for each slot by number, so markup lives in templates, code only
    /// supplies escaped values, and no name is compared or kept while pages are served.
    /// </summary>
    public sealed class Template
    {
        private readonly string _text;
        private readonly ushort[] _slotStart;
        private readonly ushort[] _slotEnd;
        private readonly byte[] _slots;

        /// <summary>Compiles a template.</summary>
        /// <param name="text">The fragment, at most 65,535 characters.</param>
        /// <param name="names">The slot names by number (at most 256; null entries are unused).</param>
        /// <exception cref="System.ArgumentException">The text is not ASCII, too long, or has a slot not in <paramref name="names"/>.</exception>
        public Template(string text, string[] names)
        {
            if (text.Length > 0xFFFF || names.Length > 256)
            {
                throw new System.ArgumentException("template too long or too many names");
            }

            _text = text;
            int count = 0;
            for (int pass = 0; pass < 2; pass++)
            {
                int found = 0;
                for (int i = 0; i < text.Length; i++)
                {
                    if (text[i] > (char)0x7E)
                    {
                        throw new System.ArgumentException("template text must be ASCII");
                    }

                    int end = SlotEnd(text, i);
                    if (end > 0)
                    {
                        if (pass == 1)
                        {
                            _slotStart[found] = (ushort)i;
                            _slotEnd[found] = (ushort)end;
                            _slots[found] = (byte)Find(names, text, i + 1, end - 1);
                        }

                        found++;
                        i = end - 1;
                    }
                }

                if (pass == 0)
                {
                    count = found;
                    _slotStart = new ushort[count];
                    _slotEnd = new ushort[count];
                    _slots = new byte[count];
                }
            }
        }

        /// <summary>How many slots the template has.</summary>
        public int SlotCount => _slots.Length;

        /// <summary>The number of the template's slot <paramref name="index"/>.</summary>
        public int SlotAt(int index) => _slots[index];

        /// <summary>Writes the template, asking <paramref name="slots"/> for each slot.</summary>
        public void Render(ByteWriter writer, ITemplateSlots slots)
        {
            int position = 0;
            for (int i = 0; i < _slots.Length; i++)
            {
                writer.Ascii(_text, position, _slotStart[i] - position);
                slots.WriteSlot(_slots[i], writer);
                position = _slotEnd[i];
            }

            writer.Ascii(_text, position, _text.Length - position);
        }

        /// <summary>The number of the name text[start..end) in <paramref name="names"/>.</summary>
        private static int Find(string[] names, string text, int start, int end)
        {
            for (int n = 0; n < names.Length; n++)
            {
                string name = names[n];
                if (name == null || name.Length != end - start)
                {
                    continue;
                }

                int i = 0;
                while (i < name.Length && name[i] == text[start + i])
                {
                    i++;
                }

                if (i == name.Length)
                {
                    return n;
                }
            }

            throw new System.ArgumentException("unknown template slot");
        }

        /// <returns>The index after the closing brace when a slot starts at <paramref name="i"/>, else 0.</returns>
        private static int SlotEnd(string text, int i)
        {
            if (text[i] != '{')
            {
                return 0;
            }

            int j = i + 1;
            while (j < text.Length)
            {
                char c = text[j];
                if (c == '}')
                {
                    return j > i + 1 ? j + 1 : 0;
                }

                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'))
                {
                    return 0;
                }

                j++;
            }

            return 0;
        }
    }
}
