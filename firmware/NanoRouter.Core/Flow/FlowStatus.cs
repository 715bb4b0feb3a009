namespace NanoRouter.Core.Flow
{
    /// <summary>The status codes of the native flow path's control calls (nr_flow.h, NR_FLOW_*).</summary>
    public static class FlowStatus
    {
        /// <summary>Done.</summary>
        public const int Ok = 0;

        /// <summary>A grace period is running (the data thread may still stand on a removed entry): try again later.</summary>
        public const int Busy = 1;

        /// <summary>The slot holds a live entry.</summary>
        public const int InUse = 2;

        /// <summary>A bad argument or spec.</summary>
        public const int Invalid = 3;

        /// <summary>A live entry already matches one of the spec's keys.</summary>
        public const int Duplicate = 4;

        /// <summary>No WAN address is set: nothing can be installed.</summary>
        public const int NoAddress = 5;

        /// <summary>Remove: the slot holds no live entry.</summary>
        public const int NotLive = 6;
    }
}
