namespace NanoRouter.Tests.Support
{
    /// <summary>A growing list of ints (List&lt;int&gt; without generics, which nanoCLR 1.17 cannot run).</summary>
    internal sealed class IntList
    {
        private int[] _items = new int[16];

        public int Count { get; private set; }

        public int this[int index]
        {
            get
            {
                if (index < 0 || index >= Count)
                {
                    Assert.IsTrue(false, "index " + index + " within " + Count);
                }

                return _items[index];
            }
        }

        public void Add(int item)
        {
            if (Count == _items.Length)
            {
                var larger = new int[_items.Length * 2];
                System.Array.Copy(_items, larger, Count);
                _items = larger;
            }

            _items[Count++] = item;
        }
    }
}
