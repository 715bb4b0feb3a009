namespace NanoRouter.Core.Passthrough
{
    /// <summary>The VPN passthrough rules, each switchable on its own.</summary>
    public enum PassthroughProtocol : byte
    {
        /// <summary>IPsec ESP, IP protocol 50, mapped by SPI.</summary>
        Esp = 0,

        /// <summary>IKE, UDP 500.</summary>
        Ike = 1,

        /// <summary>IPsec NAT traversal, UDP 4500.</summary>
        NatT = 2,

        /// <summary>L2TP, UDP 1701.</summary>
        L2tp = 3,

        /// <summary>PPTP: TCP 1723 control and enhanced GRE (version 1).</summary>
        Pptp = 4,

        /// <summary>Plain GRE (version 0), IP protocol 47.</summary>
        Gre = 5,
    }
}
