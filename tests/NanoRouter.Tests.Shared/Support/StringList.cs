namespace NanoRouter.Tests.Support
{
    /// <summary>A growing list of strings (List&lt;string&gt; without generics, which nanoCLR 1.17 cannot run).</summary>
    internal sealed class StringList
    {
        private string[] _items = new string[8];

        public int Count { get; private set; }

        public string this[int index]
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

        public void Add(string item)
        {
            if (Count == _items.Length)
            {
                var larger = new string[_items.Length * 2];
                System.Array.Copy(_items, larger, Count);
                _items = larger;
            }

            _items[Count++] = item;
        }

        /// <summary>The items in order, in an array of exactly <see cref="Count"/>.</summary>
        public string[] ToArray()
        {
            var items = new string[Count];
            System.Array.Copy(_items, items, Count);
            return items;
        }
    }
}
