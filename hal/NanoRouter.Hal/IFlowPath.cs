namespace NanoRouter.Hal
{
    /// <summary>
    /// The control side of the native flow path (dataplane/include/nr_flow.h): a table of
    /// established flows that a board's data thread forwards in C without the managed engine (the
    /// ESP32's lwIP input hook; the host board's NFQUEUE loop). The managed NAT engine is the only
    /// caller, on its packet thread: it installs a flow spec (24 bytes, NanoRouter.Core.Flow.FlowSpec)
    /// at a slot number of its own choosing, removes it when the flow ends, and reads back what the
    /// data thread keeps (last-seen, counters, TCP tracking: 20 bytes, FlowState). Results are the
    /// nr_flow status codes (NanoRouter.Core.Flow.FlowStatus). Nothing here waits or allocates.
    /// </summary>
    public interface IFlowPath
    {
        /// <summary>How many slots the native table has (fixed for its life).</summary>
        int Capacity { get; }

        /// <summary>Sets the router's addresses (host-order numbers; <paramref name="wanAddress"/> 0:
        /// no uplink, nothing is forwarded). Every entry is removed first.</summary>
        int SetAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress);

        /// <summary>The engine's clock in seconds (its 16-bit last-seen stamps), which the data
        /// thread writes into the entries it forwards for.</summary>
        void SetSeconds(int nowSeconds);

        /// <summary>Installs the 24-byte spec at index 0 of <paramref name="spec"/> at <paramref name="slot"/>.</summary>
        int Install(int slot, byte[] spec);

        /// <summary>Removes the live entry at <paramref name="slot"/>.</summary>
        int Remove(int slot);

        /// <summary>Reads a slot's state and data fields into the 20 bytes at index 0 of
        /// <paramref name="state"/>; returns the state (0 free, 1 live, 2 retiring, 3 final), or -1.</summary>
        int Read(int slot, byte[] state);
    }
}
