using NanoRouter.Hal;

namespace NanoRouter.Core.Config
{
    /// <summary>
    /// Loads and saves <see cref="RouterSettings"/> through an <see cref="IConfigStore"/>, so that
    /// a power cut at any byte of a save leaves either the old or the new settings. With two slots
    /// each save writes the slot that does not hold the newest valid record, with the next
    /// sequence number, and reads it back; loading takes the valid record with the highest
    /// sequence. With one slot the store itself must replace the slot atomically (the host
    /// board's file store writes a temporary file, flushes it and renames it).
    /// </summary>
    public sealed class SettingsStore
    {
        private readonly IConfigStore _store;
        private readonly byte[] _record = new byte[SettingsCodec.MaxRecordBytes];
        private readonly RouterSettings _scratch = new RouterSettings();
        private int _currentSlot = -1;
        private uint _highestSequence;
        private bool _anySequence;
        private SettingsLoadStatus _lastLoad = SettingsLoadStatus.Empty;

        /// <summary>Wraps a raw store.</summary>
        public SettingsStore(IConfigStore store)
        {
            _store = store;
        }

        /// <summary>What the last <see cref="Load"/> (at start-up) found; saving does not change it, so
        /// the status page can say until the next start that defaults had to be loaded.</summary>
        public SettingsLoadStatus LastLoad => _lastLoad;

        /// <summary>The sequence number of the newest record seen or written.</summary>
        public uint Sequence => _highestSequence;

        /// <summary>Loads the newest valid record into <paramref name="settings"/>, or the defaults
        /// when there is none.</summary>
        public SettingsLoadStatus Load(RouterSettings settings)
        {
            _currentSlot = -1;
            _anySequence = false;
            _highestSequence = 0;
            bool sawData = false;
            bool sawUnknownVersion = false;
            uint bestSequence = 0;
            int slots = SlotCount();
            for (int slot = 0; slot < slots; slot++)
            {
                int length = _store.Read(slot, _record, 0, _record.Length);
                if (length > _record.Length)
                {
                    // Larger than any record we write: not ours.
                    sawData = true;
                    continue;
                }

                uint sequence;
                SettingsDecodeStatus status = SettingsCodec.Decode(_record, length, _scratch, out sequence);
                if (status == SettingsDecodeStatus.Empty)
                {
                    continue;
                }

                sawData = true;
                if (status == SettingsDecodeStatus.Ok || status == SettingsDecodeStatus.UnknownVersion || status == SettingsDecodeStatus.BadField)
                {
                    if (!_anySequence || (int)(sequence - _highestSequence) > 0)
                    {
                        _highestSequence = sequence;
                    }

                    _anySequence = true;
                }

                if (status == SettingsDecodeStatus.UnknownVersion)
                {
                    sawUnknownVersion = true;
                }

                if (status == SettingsDecodeStatus.Ok && (_currentSlot < 0 || (int)(sequence - bestSequence) > 0))
                {
                    _currentSlot = slot;
                    bestSequence = sequence;
                    settings.CopyFrom(_scratch);
                }
            }

            if (_currentSlot >= 0)
            {
                _lastLoad = SettingsLoadStatus.Loaded;
            }
            else
            {
                settings.SetDefaults();
                _lastLoad = !sawData ? SettingsLoadStatus.Empty : sawUnknownVersion ? SettingsLoadStatus.UnknownVersion : SettingsLoadStatus.Corrupt;
            }

            return _lastLoad;
        }

        /// <summary>Saves <paramref name="settings"/> as the newest record.</summary>
        /// <returns>False when the record could not be written or read back intact; the previous
        /// settings are then still the ones a reboot loads.</returns>
        public bool Save(RouterSettings settings)
        {
            uint sequence = _anySequence ? _highestSequence + 1 : 1;
            int length = SettingsCodec.Encode(settings, sequence, _record);
            if (length == 0 || length > _store.SlotSize)
            {
                return false;
            }

            int slots = SlotCount();
            int target = _currentSlot < 0 ? 0 : (_currentSlot + 1) % slots;
            if (!_store.Write(target, _record, 0, length))
            {
                return false;
            }

            // Read back: a write that did not stick must not be reported as saved.
            int readBack = _store.Read(target, _record, 0, _record.Length);
            uint readSequence;
            if (readBack != length || SettingsCodec.Decode(_record, readBack, _scratch, out readSequence) != SettingsDecodeStatus.Ok || readSequence != sequence)
            {
                return false;
            }

            _currentSlot = target;
            _highestSequence = sequence;
            _anySequence = true;
            return true;
        }

        /// <summary>Factory reset: erases every slot. The next load gives the defaults.</summary>
        public void Erase()
        {
            int slots = SlotCount();
            for (int slot = 0; slot < slots; slot++)
            {
                _store.Erase(slot);
            }

            _currentSlot = -1;
            _anySequence = false;
            _highestSequence = 0;
            _lastLoad = SettingsLoadStatus.Empty;
        }

        private int SlotCount()
        {
            int slots = _store.SlotCount;
            return slots < 1 ? 1 : slots > 2 ? 2 : slots;
        }
    }
}
