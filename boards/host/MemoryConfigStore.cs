using System;
using NanoRouter.Hal;

namespace NanoRouter.Host
{
    /// <summary>Settings storage for a run without --config: one slot in memory, gone at exit.</summary>
    internal sealed class MemoryConfigStore : IConfigStore
    {
        private readonly byte[] _slot = new byte[4096];
        private int _length;

        public int SlotCount => 1;

        public int SlotSize => _slot.Length;

        public int Read(int slot, byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, _length);
            Buffer.BlockCopy(_slot, 0, buffer, offset, n);
            return _length;
        }

        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            if (count > _slot.Length)
            {
                return false;
            }

            Buffer.BlockCopy(buffer, offset, _slot, 0, count);
            _length = count;
            return true;
        }

        public void Erase(int slot)
        {
            _length = 0;
        }
    }
}
