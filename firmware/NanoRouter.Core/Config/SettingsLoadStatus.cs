namespace NanoRouter.Core.Config
{
    /// <summary>What loading the saved settings found.</summary>
    public enum SettingsLoadStatus : byte
    {
        /// <summary>Nothing saved yet (first boot or after a factory reset): defaults.</summary>
        Empty = 0,

        /// <summary>A valid record was loaded.</summary>
        Loaded = 1,

        /// <summary>Only damaged records (bad checksum, cut short): defaults are in use.</summary>
        Corrupt = 2,

        /// <summary>A record of a format version this firmware does not know: defaults are in use.</summary>
        UnknownVersion = 3,
    }
}
