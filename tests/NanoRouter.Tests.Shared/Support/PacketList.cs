namespace NanoRouter.Tests.Support
{
    /// <summary>A growing list of byte arrays (List&lt;byte[]&gt; without generics, which nanoCLR 1.17 cannot run).</summary>
    internal sealed class PacketList
    {
        private byte[][] _items = new byte[8][];

        public int Count { get; private set; }

        public byte[] this[int index]
        {
            get
            {
                Assert.IsTrue(index >= 0 && index < Count, "index " + index + " within " + Count);
                return _items[index];
            }
        }

        public void Add(byte[] item)
        {
            if (Count == _items.Length)
            {
                var larger = new byte[_items.Length * 2][];
                System.Array.Copy(_items, larger, Count);
                _items = larger;
            }

            _items[Count++] = item;
        }
    }
}
