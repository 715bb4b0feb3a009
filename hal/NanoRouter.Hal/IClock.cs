namespace NanoRouter.Hal
{
    /// <summary>A monotonic millisecond clock. The value wraps around; compare ages as <c>now - then</c>.</summary>
    public interface IClock
    {
        /// <summary>Milliseconds since an arbitrary start, wrapping at 2^32.</summary>
        int NowMs { get; }
    }
}
