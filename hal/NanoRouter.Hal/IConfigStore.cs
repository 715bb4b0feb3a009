namespace NanoRouter.Hal
{
    /// <summary>
    /// Raw, non-volatile storage for the settings blob, in one or more slots of fixed maximum size:
    /// flash sectors on the ESP32, files on the host board. The store knows nothing of the format;
    /// the core (NanoRouter.Core.Config.SettingsStore) writes whole records with a sequence number
    /// and a CRC and alternates between slots, so a power cut during a write leaves the other slot
    /// intact. A store with a single slot must itself replace it atomically (write, flush, rename).
    /// </summary>
    public interface IConfigStore
    {
        /// <summary>How many slots there are (1 or 2).</summary>
        int SlotCount { get; }

        /// <summary>The largest record a slot holds, in bytes.</summary>
        int SlotSize { get; }

        /// <summary>Copies up to <paramref name="count"/> bytes of a slot into
        /// <paramref name="buffer"/> at <paramref name="offset"/>.</summary>
        /// <returns>How many bytes the slot holds (0 when it is empty or erased).</returns>
        int Read(int slot, byte[] buffer, int offset, int count);

        /// <summary>Replaces a slot's whole content with <paramref name="count"/> bytes.</summary>
        /// <returns>False when the write failed; the slot's content is then undefined.</returns>
        bool Write(int slot, byte[] buffer, int offset, int count);

        /// <summary>Empties a slot (factory reset).</summary>
        void Erase(int slot);
    }
}
