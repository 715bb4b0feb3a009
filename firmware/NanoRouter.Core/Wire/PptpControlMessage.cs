namespace NanoRouter.Core.Wire
{
    /// <summary>
    /// A view of one PPTP control message (RFC 2637 section 2) inside a TCP byte stream, over
    /// <c>byte[] buffer, int offset, int length</c> where offset is where the message starts and
    /// length is how many stream bytes are at hand from there: fewer than the message
    /// (<see cref="WireStatus.Incomplete"/>) or more (coalesced messages: the next one starts
    /// <see cref="MessageLength"/> bytes on). <see cref="TryParse"/> is the one validation step: the
    /// PPTP Message Type must be 1 (control), the Magic Cookie 0x1A2B3C4D, the Control Message Type
    /// 1-15, and the Length exactly that type's fixed size. After it returned <see cref="WireStatus.Ok"/>
    /// no accessor can read or write out of bounds: the whole message is present, and each Call ID
    /// offset lies inside the fixed size of its type.
    /// </summary>
    public struct PptpControlMessage
    {
        /// <summary>Offset of the 16-bit Length of the whole message.</summary>
        public const int LengthOffset = 0;

        /// <summary>Offset of the 16-bit PPTP Message Type.</summary>
        public const int MessageTypeOffset = 2;

        /// <summary>Offset of the 32-bit Magic Cookie.</summary>
        public const int MagicCookieOffset = 4;

        /// <summary>Offset of the 16-bit Control Message Type.</summary>
        public const int ControlMessageTypeOffset = 8;

        /// <summary>Offset of the 16-bit Reserved0.</summary>
        public const int Reserved0Offset = 10;

        /// <summary>The header common to every control message.</summary>
        public const int HeaderLength = 12;

        /// <summary>Offset of the first field after the header: Call ID, or Peer's Call ID in ICCN, WEN and SLI.</summary>
        public const int FirstCallIdOffset = 12;

        /// <summary>Offset of the Peer's Call ID in Outgoing-Call-Reply and Incoming-Call-Reply.</summary>
        public const int ReplyPeerCallIdOffset = 14;

        /// <summary>PPTP Message Type 1: control message.</summary>
        public const ushort MessageTypeControl = 1;

        /// <summary>The Magic Cookie every message carries.</summary>
        public const uint MagicCookieValue = 0x1A2B3C4D;

        /// <summary>The TCP port of the control connection.</summary>
        public const ushort ControlPort = 1723;

        private readonly byte[] _buffer;
        private readonly int _offset;

        private PptpControlMessage(byte[] buffer, int offset)
        {
            _buffer = buffer;
            _offset = offset;
        }

        /// <summary>
        /// Validates the control message starting at <paramref name="offset"/>. Returns
        /// <see cref="WireStatus.Incomplete"/> while fewer than 12 bytes, or fewer than the Length
        /// field, are at hand (a well-formed header is checked first, so garbage is reported as such).
        /// </summary>
        public static WireStatus TryParse(byte[] buffer, int offset, int length, out PptpControlMessage message)
        {
            message = default(PptpControlMessage);
            if (!WireRange.IsValid(buffer, offset, length))
            {
                return WireStatus.BadRange;
            }

            if (length < HeaderLength)
            {
                return WireStatus.Incomplete;
            }

            if (NetworkOrder.ReadUInt16(buffer, offset + MessageTypeOffset) != MessageTypeControl)
            {
                return WireStatus.UnknownMessageType;
            }

            if (NetworkOrder.ReadUInt32(buffer, offset + MagicCookieOffset) != MagicCookieValue)
            {
                return WireStatus.BadMagicCookie;
            }

            int expected = ExpectedLength(NetworkOrder.ReadUInt16(buffer, offset + ControlMessageTypeOffset));
            if (expected == 0)
            {
                return WireStatus.UnknownMessageType;
            }

            if (NetworkOrder.ReadUInt16(buffer, offset + LengthOffset) != expected)
            {
                return WireStatus.BadLength;
            }

            if (length < expected)
            {
                return WireStatus.Incomplete;
            }

            message = new PptpControlMessage(buffer, offset);
            return WireStatus.Ok;
        }

        /// <summary>The fixed length of a control message of type <paramref name="controlMessageType"/>
        /// (RFC 2637 section 2), or 0 for an unknown type.</summary>
        public static int ExpectedLength(ushort controlMessageType)
        {
            switch (controlMessageType)
            {
                case (ushort)PptpControlMessageType.StartControlConnectionRequest:
                case (ushort)PptpControlMessageType.StartControlConnectionReply:
                    return 156;
                case (ushort)PptpControlMessageType.StopControlConnectionRequest:
                case (ushort)PptpControlMessageType.StopControlConnectionReply:
                case (ushort)PptpControlMessageType.EchoRequest:
                case (ushort)PptpControlMessageType.CallClearRequest:
                    return 16;
                case (ushort)PptpControlMessageType.EchoReply:
                    return 20;
                case (ushort)PptpControlMessageType.OutgoingCallRequest:
                    return 168;
                case (ushort)PptpControlMessageType.OutgoingCallReply:
                    return 32;
                case (ushort)PptpControlMessageType.IncomingCallRequest:
                    return 220;
                case (ushort)PptpControlMessageType.IncomingCallReply:
                case (ushort)PptpControlMessageType.SetLinkInfo:
                    return 24;
                case (ushort)PptpControlMessageType.IncomingCallConnected:
                    return 28;
                case (ushort)PptpControlMessageType.CallDisconnectNotify:
                    return 148;
                case (ushort)PptpControlMessageType.WanErrorNotify:
                    return 40;
                default:
                    return 0;
            }
        }

        /// <summary>The buffer the view reads.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the message starts in <see cref="Buffer"/>.</summary>
        public int Offset => _offset;

        /// <summary>The Length field: this message's size; the next message in the stream starts this far on.</summary>
        public int MessageLength => NetworkOrder.ReadUInt16(_buffer, _offset + LengthOffset);

        /// <summary>The PPTP Message Type: always 1 (control) after a successful parse.</summary>
        public ushort MessageType => NetworkOrder.ReadUInt16(_buffer, _offset + MessageTypeOffset);

        /// <summary>The Magic Cookie: always 0x1A2B3C4D after a successful parse.</summary>
        public uint MagicCookie => NetworkOrder.ReadUInt32(_buffer, _offset + MagicCookieOffset);

        /// <summary>The Control Message Type.</summary>
        public PptpControlMessageType ControlMessageType => (PptpControlMessageType)NetworkOrder.ReadUInt16(_buffer, _offset + ControlMessageTypeOffset);

        /// <summary>
        /// Where this message's own Call ID lies in <see cref="Buffer"/>: OCRQ, OCRP, ICRQ, ICRP, CCRQ
        /// and CDN carry one at 12. False for the other types.
        /// </summary>
        public bool TryGetCallIdOffset(out int bufferOffset)
        {
            PptpControlMessageType type = ControlMessageType;
            bool present = type == PptpControlMessageType.OutgoingCallRequest || type == PptpControlMessageType.OutgoingCallReply
                || type == PptpControlMessageType.IncomingCallRequest || type == PptpControlMessageType.IncomingCallReply
                || type == PptpControlMessageType.CallClearRequest || type == PptpControlMessageType.CallDisconnectNotify;
            bufferOffset = present ? _offset + FirstCallIdOffset : 0;
            return present;
        }

        /// <summary>
        /// Where the Peer's Call ID lies in <see cref="Buffer"/>: at 14 in OCRP and ICRP, at 12 in
        /// ICCN, WEN and SLI. False for the other types.
        /// </summary>
        public bool TryGetPeerCallIdOffset(out int bufferOffset)
        {
            PptpControlMessageType type = ControlMessageType;
            if (type == PptpControlMessageType.OutgoingCallReply || type == PptpControlMessageType.IncomingCallReply)
            {
                bufferOffset = _offset + ReplyPeerCallIdOffset;
                return true;
            }

            bool present = type == PptpControlMessageType.IncomingCallConnected || type == PptpControlMessageType.WanErrorNotify
                || type == PptpControlMessageType.SetLinkInfo;
            bufferOffset = present ? _offset + FirstCallIdOffset : 0;
            return present;
        }

        /// <summary>This message's Call ID; false when its type has none.</summary>
        public bool TryGetCallId(out ushort callId)
        {
            int at;
            bool present = TryGetCallIdOffset(out at);
            callId = present ? NetworkOrder.ReadUInt16(_buffer, at) : (ushort)0;
            return present;
        }

        /// <summary>The Peer's Call ID; false when its type has none.</summary>
        public bool TryGetPeerCallId(out ushort peerCallId)
        {
            int at;
            bool present = TryGetPeerCallIdOffset(out at);
            peerCallId = present ? NetworkOrder.ReadUInt16(_buffer, at) : (ushort)0;
            return present;
        }
    }
}
