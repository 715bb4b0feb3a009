namespace NanoRouter.Hal
{
    /// <summary>What the router decided for one packet.</summary>
    public enum Verdict : byte
    {
        /// <summary>Rewritten in place; send it out of the egress side.</summary>
        Forward = 0,

        /// <summary>Not the router's business: hand it to the local IP stack unchanged.</summary>
        Local = 1,

        /// <summary>Dropped; the core counted why.</summary>
        Drop = 2,
    }
}
