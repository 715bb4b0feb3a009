namespace NanoRouter.Core.Passthrough
{
    /// <summary>Why a VPN session the router sees does not work, as the VPN page and /api/vpn name it
    /// (<see cref="VpnDiagnostics.ProblemKey"/>).</summary>
    public enum VpnProblem : byte
    {
        /// <summary>Nothing wrong that the router can see.</summary>
        None = 0,

        /// <summary>The protocol's passthrough switch is off while the client tries it.</summary>
        PassthroughOff = 1,

        /// <summary>Packets went out for <see cref="VpnDiagnostics.NoAnswerSec"/> seconds and none came back.</summary>
        NoAnswer = 2,

        /// <summary>Raw ESP: two clients started to one server within the binding window, so the
        /// server's first SPI could belong to either.</summary>
        EspAmbiguous = 3,

        /// <summary>GRE without a key (or on the same key) to a peer another LAN host owns.</summary>
        GreOwned = 4,

        /// <summary>NAT-T keepalives further apart than the UDP timeout: the mapping lapses between them.</summary>
        KeepaliveTooSlow = 5,

        /// <summary>Later fragments from the server dropped because the held-fragment slots were full.</summary>
        FragmentsDropped = 6,

        /// <summary>A PPTP control message that did not parse (or the connection was abandoned).</summary>
        PptpControlBad = 7,

        /// <summary>Path MTU: the server's side sent fragmentation-needed, or the client sent DF packets
        /// larger than the uplink MTU.</summary>
        PathMtu = 8,
    }
}
