namespace NanoRouter.Core.Admin
{
    /// <summary>Fills the named slots of a <see cref="Template"/>.</summary>
    public interface ITemplateSlots
    {
        /// <summary>Writes the content of slot <paramref name="name"/>, escaping whatever is not constant.</summary>
        void WriteSlot(string name, ByteWriter writer);
    }

    /// <summary>
    /// A constant page fragment with named slots: <c>{name}</c>, where a name is lowercase letters,
    /// digits and dots; any other brace is literal text. The text must be ASCII (checked once, at
    /// construction). Rendering copies the literal parts into a <see cref="ByteWriter"/> and asks
    /// an <see cref="ITemplateSlots"/> for each slot, so markup lives in templates and code only
    /// supplies escaped values.
    /// </summary>
    public sealed class Template
    {
        private readonly string _text;
        private readonly int[] _slotStart;
        private readonly int[] _slotEnd;
        private readonly string[] _names;

        /// <summary>Compiles a template.</summary>
        /// <exception cref="System.ArgumentException">The text is not ASCII.</exception>
        public Template(string text)
        {
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
                            _slotStart[found] = i;
                            _slotEnd[found] = end;
                            _names[found] = text.Substring(i + 1, end - i - 2);
                        }

                        found++;
                        i = end - 1;
                    }
                }

                if (pass == 0)
                {
                    count = found;
                    _slotStart = new int[count];
                    _slotEnd = new int[count];
                    _names = new string[count];
                }
            }
        }

        /// <summary>How many slots the template has.</summary>
        public int SlotCount => _names.Length;

        /// <summary>A slot's name.</summary>
        public string SlotName(int index) => _names[index];

        /// <summary>Writes the template, asking <paramref name="slots"/> for each slot.</summary>
        public void Render(ByteWriter writer, ITemplateSlots slots)
        {
            int position = 0;
            for (int i = 0; i < _names.Length; i++)
            {
                writer.Ascii(_text, position, _slotStart[i] - position);
                slots.WriteSlot(_names[i], writer);
                position = _slotEnd[i];
            }

            writer.Ascii(_text, position, _text.Length - position);
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
