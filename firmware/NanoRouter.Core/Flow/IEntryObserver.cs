namespace NanoRouter.Core.Flow
{
    /// <summary>
    /// What a table of managed flows (the NAT table, the ESP and GRE mapping tables) tells the flow
    /// installer, so that a flow forwarded by the native data path stays exactly what the managed
    /// engine would make of it: before the table reads an entry's last-seen stamp to decide
    /// something (expiry, eviction, learning), the stamp is brought up to date from the native
    /// entry; before an entry is removed or its keys change, the native entry goes. Tables call it
    /// on the packet thread, in the middle of their own work: an observer only reads the native
    /// side and writes the entry's stamp (and the counters it harvests), never the table's links.
    /// </summary>
    public interface IEntryObserver
    {
        /// <summary>The table is about to read <paramref name="entry"/>'s last-seen stamp.</summary>
        void Refresh(int table, int entry);

        /// <summary><paramref name="entry"/> is about to be removed, or its keys are about to change.</summary>
        void Changing(int table, int entry);

        /// <summary>Every entry of the table was removed at once.</summary>
        void Cleared(int table);
    }
}
