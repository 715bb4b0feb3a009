namespace NanoRouter.Core.Wire
{
    /// <summary>The Control Message Type of a PPTP control message (RFC 2637 section 2).</summary>
    public enum PptpControlMessageType : ushort
    {
        /// <summary>Not a known control message type.</summary>
        None = 0,

        /// <summary>1: Start-Control-Connection-Request (SCCRQ), 156 bytes.</summary>
        StartControlConnectionRequest = 1,

        /// <summary>2: Start-Control-Connection-Reply (SCCRP), 156 bytes.</summary>
        StartControlConnectionReply = 2,

        /// <summary>3: Stop-Control-Connection-Request (StopCCRQ), 16 bytes.</summary>
        StopControlConnectionRequest = 3,

        /// <summary>4: Stop-Control-Connection-Reply (StopCCRP), 16 bytes.</summary>
        StopControlConnectionReply = 4,

        /// <summary>5: Echo-Request, 16 bytes.</summary>
        EchoRequest = 5,

        /// <summary>6: Echo-Reply, 20 bytes.</summary>
        EchoReply = 6,

        /// <summary>7: Outgoing-Call-Request (OCRQ), 168 bytes: Call ID at 12.</summary>
        OutgoingCallRequest = 7,

        /// <summary>8: Outgoing-Call-Reply (OCRP), 32 bytes: Call ID at 12, Peer's Call ID at 14.</summary>
        OutgoingCallReply = 8,

        /// <summary>9: Incoming-Call-Request (ICRQ), 220 bytes: Call ID at 12.</summary>
        IncomingCallRequest = 9,

        /// <summary>10: Incoming-Call-Reply (ICRP), 24 bytes: Call ID at 12, Peer's Call ID at 14.</summary>
        IncomingCallReply = 10,

        /// <summary>11: Incoming-Call-Connected (ICCN), 28 bytes: Peer's Call ID at 12.</summary>
        IncomingCallConnected = 11,

        /// <summary>12: Call-Clear-Request (CCRQ), 16 bytes: Call ID at 12.</summary>
        CallClearRequest = 12,

        /// <summary>13: Call-Disconnect-Notify (CDN), 148 bytes: Call ID at 12.</summary>
        CallDisconnectNotify = 13,

        /// <summary>14: WAN-Error-Notify (WEN), 40 bytes: Peer's Call ID at 12.</summary>
        WanErrorNotify = 14,

        /// <summary>15: Set-Link-Info (SLI), 24 bytes: Peer's Call ID at 12.</summary>
        SetLinkInfo = 15,
    }
}
