namespace NanoRouter.Core.Passthrough
{
    /// <summary>
    /// What <see cref="PptpTracker.OnSegment"/> did with one TCP segment of a PPTP control connection.
    /// Every status means the segment may be forwarded: the tracker never leaves it half-written.
    /// When several apply, the highest value is returned.
    /// </summary>
    public enum PptpStatus : byte
    {
        /// <summary>Followed: every Call ID the segment carries was rewritten (or needed no rewrite).</summary>
        Ok = 0,

        /// <summary>
        /// The segment's data could not be placed in the stream (it lies after a gap, or the stream was
        /// lost after a message that did not parse): passed unchanged and counted in
        /// <see cref="PptpTracker.UnfollowedSegments"/>. The tracker resynchronises on a later segment
        /// that starts with a valid PPTP header. Dropping such a segment instead is also safe (TCP
        /// sends it again after the gap is filled), and then it gets rewritten.
        /// </summary>
        Unfollowed = 1,

        /// <summary>A message did not parse (bad magic cookie, bad length for its type, unknown type):
        /// passed unchanged and counted in <see cref="PptpTracker.UnparsedMessages"/>; no GRE state.</summary>
        PassedUnparsed = 2,

        /// <summary>The connection or call table is full: passed unchanged, counted in
        /// <see cref="PptpTracker.NoStateEvents"/>.</summary>
        NoState = 3,
    }
}
