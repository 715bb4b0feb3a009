using System;
using NanoRouter.Hal;

namespace NanoRouter.Core.Config
{
    /// <summary>
    /// Settings slots kept as whole files, one file per slot, over a board's three file calls
    /// (<see cref="ReadFile"/>, <see cref="WriteFile"/>, <see cref="DeleteFile"/>), which may throw:
    /// a slot whose file is missing or unreadable reads as empty, a write that throws reports failure
    /// and an erase that throws leaves nothing to load either way. A slot's file is replaced whole, so
    /// a cut mid-write can spoil that one slot; <see cref="SettingsStore"/> never writes the slot that
    /// holds its newest good record and checks every record's CRC. The ESP32's FlashConfigStore
    /// (LittleFS on drive I:) is one.
    /// </summary>
    public abstract class FileSlotStore : IConfigStore
    {
        private readonly string[] _paths;
        private readonly int _slotSize;

        /// <summary>One slot per path, each holding at most <paramref name="slotSize"/> bytes.</summary>
        protected FileSlotStore(string[] paths, int slotSize)
        {
            _paths = paths;
            _slotSize = slotSize;
        }

        /// <inheritdoc />
        public int SlotCount => _paths.Length;

        /// <inheritdoc />
        public int SlotSize => _slotSize;

        /// <inheritdoc />
        public int Read(int slot, byte[] buffer, int offset, int count)
        {
            try
            {
                byte[] content = ReadFile(_paths[slot]); // boot only: one small allocation
                if (content == null)
                {
                    return 0;
                }

                Array.Copy(content, 0, buffer, offset, content.Length < count ? content.Length : count);
                return content.Length;
            }
            catch (Exception)
            {
                return 0; // no such file (or unreadable): an empty slot
            }
        }

        /// <inheritdoc />
        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            byte[] content = new byte[count];
            Array.Copy(buffer, offset, content, 0, count);
            try
            {
                WriteFile(_paths[slot], content);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public void Erase(int slot)
        {
            try
            {
                DeleteFile(_paths[slot]);
            }
            catch (Exception)
            {
                // Gone already, or unreadable: the next load finds no good record there either way.
            }
        }

        /// <summary>The whole file at <paramref name="path"/>; throws (or returns null) when there is none.</summary>
        protected abstract byte[] ReadFile(string path);

        /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="content"/>; throws on failure.</summary>
        protected abstract void WriteFile(string path, byte[] content);

        /// <summary>Deletes the file at <paramref name="path"/>; may throw when there is none.</summary>
        protected abstract void DeleteFile(string path);
    }
}
