using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Passthrough
{
    /// <summary>
    /// Follows PPTP control connections (RFC 2637, TCP port 1723) through the NAT and remaps the
    /// PNS Call IDs of LAN clients to external Call IDs that are unique per server, so several LAN
    /// clients can reach one server at once; then translates enhanced GRE (version 1) by Call ID.
    /// <para>
    /// Every table is a set of primitive arrays allocated in the constructor; nothing allocates or
    /// throws per packet. Lookups by connection key, by (server, external Call ID) and by (server,
    /// LAN host, PAC Call ID) are hashed. The only scans are over one connection's own calls (a PNS
    /// rarely has more than one or two) and over a direction's small rewrite log
    /// (<see cref="LogLength"/> entries), and only for control segments, never for GRE.
    /// </para>
    /// <para>
    /// Which field holds whose Call ID (RFC 2637 section 2; the LAN client is the PNS, the server the
    /// PAC; "out" is LAN to WAN, "in" WAN to LAN):
    /// </para>
    /// <code>
    /// message       dir  @12 (16 bits)          @14 (16 bits)          what the tracker does
    /// 7  OCRQ       out  Call ID (PNS)          Call Serial Number     allocate external ID, rewrite @12
    /// 8  OCRP       in   Call ID (PAC)          Peer's Call ID (PNS)   rewrite @14 back; record PAC ID
    ///                                                                  when Result Code (@16) is 1, else end the call
    /// 9  ICRQ       in   Call ID (PAC)          Call Serial Number     nothing (the call starts with ICRP)
    /// 10 ICRP       out  Call ID (PNS)          Peer's Call ID (PAC)   allocate external ID, rewrite @12;
    ///                                                                  record PAC ID when Result Code (@16) is 1
    /// 11 ICCN       in   Peer's Call ID (PNS)   -                      rewrite @12 back
    /// 12 CCRQ       out  Call ID (PNS)          -                      rewrite @12; end the call
    /// 13 CDN        in   Call ID (PAC)          -                      end the call (found by PAC ID)
    /// 14 WEN        in   Peer's Call ID (PNS)   -                      rewrite @12 back
    /// 15 SLI        out  Peer's Call ID (PAC)   -                      nothing (the PAC's own ID)
    /// 15 SLI        in   Peer's Call ID (PNS)   -                      rewrite @12 back (the RFC has SLI go
    ///                                                                  PNS to PAC only; a PAC that sends one
    ///                                                                  anyway can only mean our ID)
    /// 3, 4 StopCC*  both -                      -                      end every call of the connection
    /// 1, 2, 5, 6    both -                      -                      nothing
    /// </code>
    /// <para>
    /// GRE v1 (RFC 2637 section 4.1) carries the receiver's Call ID: LAN to WAN the PAC's (checked
    /// by <see cref="TryOutboundGre"/>), WAN to LAN our external PNS ID (mapped back by
    /// <see cref="TryInboundGre"/>).
    /// </para>
    /// <para>
    /// The stream: each direction of each connection is followed in TCP sequence space. The tracker
    /// keeps the first <see cref="HeadLength"/> bytes of the current message, so a message may be
    /// split anywhere, even inside a Call ID. An external ID keeps the original's high byte and
    /// differs, if at all, in the low byte (the original first, else the next free one for that
    /// server: with at most <see cref="MaxCallsLimit"/> calls one is always free), so a high byte
    /// that passes before its low byte never needs rewriting, and the low byte is decided with the
    /// whole ID at hand. Every rewrite is remembered as (sequence number, old byte, new byte) in a
    /// small ring per direction, so a retransmission, however TCP re-cuts it, is rewritten identically.
    /// </para>
    /// <para>
    /// What is followed (issue 15): only a connection whose SYN the tracker saw, from its start, and
    /// only bytes the receiver will take: in sequence (data after a gap is passed unchanged and counted
    /// until TCP fills the gap; the tracker never guesses a message boundary), inside the receiver's
    /// last advertised window (scaled as both SYNs agreed, RFC 7323), in a segment whose TCP checksum
    /// is right. The client's first message must be a Start-Control-Connection-Request and the
    /// server's a Start-Control-Connection-Reply. Anything else - a message that does not parse, a
    /// wrong first message, or the receiver acknowledging bytes the tracker never followed (the two
    /// views have parted) - abandons the connection: its calls end and nothing more of it is followed
    /// until a new SYN starts a new connection under the key. Calls end with their control connection:
    /// when the engine reports it closed (an acceptable FIN or RST, its NAT session gone) or when no
    /// control segment came for the idle timeout, however much GRE flows; GRE keeps only the call
    /// itself fresh. One LAN host may hold at most <see cref="MaxConnectionsPerHost"/> connections
    /// and <see cref="MaxCallsPerHost"/> calls (a quarter of each table by default), so no host can
    /// take the tables from the others.
    /// </para>
    /// </summary>
    public sealed partial class PptpTracker
    {
        /// <summary>The largest call table: the external-ID scheme needs fewer than 257 calls.</summary>
        public const int MaxCallsLimit = 256;

        /// <summary>How many leading bytes of each message are kept (header, both Call IDs, Result Code).</summary>
        public const int HeadLength = 20;

        /// <summary>How many rewritten bytes each direction remembers for retransmissions (16 Call IDs: only low bytes change).</summary>
        public const int LogLength = 16;

        private const short NoIndex = -1;

        /// <summary>No SYN seen in this direction: nothing is followed.</summary>
        private const byte StreamUnsynced = 0;
        private const byte StreamSynced = 1;

        /// <summary>Abandoned: nothing more is followed until a new SYN.</summary>
        private const byte StreamLost = 2;

        private const sbyte NoWindowScale = -1;

        private const byte CallFree = 0;
        private const byte CallAwaitingReply = 1;
        private const byte CallEstablished = 2;

        private const byte FieldNone = 0;
        private const byte FieldAllocate = 1;
        private const byte FieldOriginalToExternal = 2;
        private const byte FieldExternalToOriginal = 3;

        private const int ResultCodeOffset = 16;
        private const byte ResultConnected = 1;
        private const uint ConnectionHashSeed = 0x50505450;

        private readonly int _maxConnections;
        private readonly int _maxCalls;
        private readonly int _maxConnectionsPerHost;
        private readonly int _maxCallsPerHost;
        private readonly byte[] _hostConnections = new byte[256];
        private readonly byte[] _hostCalls = new byte[256];

        // Connections: struct of arrays, hashed by the engine's key.
        private readonly bool[] _connInUse;
        private readonly int[] _connKey;
        private readonly int[] _connLanHost;
        private readonly uint[] _connServer;
        private readonly int[] _connLastSec;
        private readonly short[] _connFirstCall;
        private readonly short[] _connFree;
        private int _connFreeCount;
        private readonly PptpHashChains _connChains;

        // Stream directions: index connection * 2 + (outbound ? 0 : 1).
        private readonly byte[] _dirState;
        private readonly bool[] _dirIsnKnown;
        private readonly uint[] _dirIsn;
        private readonly uint[] _dirNextSeq;
        private readonly int[] _dirFill;
        private readonly int[] _dirMsgLength;
        private readonly ushort[] _dirMsgType;
        private readonly byte[] _dirHead;
        private readonly short[] _dirMsgCall;

        // The receiver's side of each direction: the right edge of its last advertised window (its
        // ACK + its window, scaled), whether any is known, the shift its sender offered in the SYN
        // (NoWindowScale: none), and whether the direction's first message was seen.
        private readonly uint[] _dirWindowEdge;
        private readonly bool[] _dirWindowEdgeKnown;
        private readonly sbyte[] _dirShift;
        private readonly bool[] _dirStarted;
        private readonly uint[] _logSeq;
        private readonly byte[] _logOld;
        private readonly byte[] _logNew;
        private readonly byte[] _logNext;
        private readonly byte[] _logCount;

        // Calls.
        private readonly byte[] _callState;
        private readonly short[] _callConn;
        private readonly short[] _callNextInConn;
        private readonly ushort[] _callOriginal;
        private readonly ushort[] _callExternal;
        private readonly ushort[] _callPac;
        private readonly int[] _callLastSec;
        private readonly short[] _callFree;
        private int _callFreeCount;
        private readonly PptpHashChains _externalChains;
        private readonly PptpHashChains _pacChains;
        private readonly PptpHashChains _quotedChains;
        private readonly short[] _externalHeads;
        private readonly short[] _externalLinks;
        private readonly int _externalMask;
        private readonly short[] _pacHeads;
        private readonly short[] _pacLinks;
        private readonly int _pacMask;

        private int _activeCalls;
        private int _activeConnections;
        private int _unparsedMessages;
        private int _unfollowedSegments;
        private int _noStateEvents;
        private int _abandonedConnections;
        private int _hostLimitEvents;
        private int _nowSec;
        private PptpStatus _status;

        /// <summary>
        /// Allocates every table: <paramref name="maxConnections"/> control connections (1-16384)
        /// and <paramref name="maxCalls"/> calls (1-<see cref="MaxCallsLimit"/>); values outside are
        /// clamped. One LAN host may hold a quarter of each (at least one).
        /// </summary>
        public PptpTracker(int maxConnections, int maxCalls)
            : this(maxConnections, maxCalls, 0, 0)
        {
        }

        /// <summary>As <see cref="PptpTracker(int, int)"/>, with the per-host limits given (0: a quarter
        /// of the table, at least one; values above the table size mean the table size).</summary>
        public PptpTracker(int maxConnections, int maxCalls, int maxConnectionsPerHost, int maxCallsPerHost)
        {
            _maxConnections = maxConnections < 1 ? 1 : (maxConnections > 16384 ? 16384 : maxConnections);
            _maxCalls = maxCalls < 1 ? 1 : (maxCalls > MaxCallsLimit ? MaxCallsLimit : maxCalls);
            _maxConnectionsPerHost = PerHostLimit(maxConnectionsPerHost, _maxConnections);
            _maxCallsPerHost = PerHostLimit(maxCallsPerHost, _maxCalls);
            int c = _maxConnections;
            int d = c * 2;
            int n = _maxCalls;

            _connInUse = new bool[c];
            _connKey = new int[c];
            _connLanHost = new int[c];
            _connServer = new uint[c];
            _connLastSec = new int[c];
            _connFirstCall = new short[c];
            _connFree = new short[c];
            _connChains = new PptpHashChains(c);

            _dirState = new byte[d];
            _dirIsnKnown = new bool[d];
            _dirIsn = new uint[d];
            _dirNextSeq = new uint[d];
            _dirFill = new int[d];
            _dirMsgLength = new int[d];
            _dirMsgType = new ushort[d];
            _dirHead = new byte[d * HeadLength];
            _dirWindowEdge = new uint[d];
            _dirWindowEdgeKnown = new bool[d];
            _dirShift = new sbyte[d];
            _dirStarted = new bool[d];
            _dirMsgCall = new short[d];
            _logSeq = new uint[d * LogLength];
            _logOld = new byte[d * LogLength];
            _logNew = new byte[d * LogLength];
            _logNext = new byte[d];
            _logCount = new byte[d];

            _callState = new byte[n];
            _callConn = new short[n];
            _callNextInConn = new short[n];
            _callOriginal = new ushort[n];
            _callExternal = new ushort[n];
            _callPac = new ushort[n];
            _callLastSec = new int[n];
            _callFree = new short[n];
            _callRow = new byte[n];
            _externalChains = new PptpHashChains(n);
            _pacChains = new PptpHashChains(n);
            _externalHeads = _externalChains.Heads;
            _externalLinks = _externalChains.Links;
            _externalMask = _externalChains.Mask;
            _pacHeads = _pacChains.Heads;
            _pacLinks = _pacChains.Links;
            _pacMask = _pacChains.Mask;
            _quotedChains = new PptpHashChains(n);

            Flush();
        }

        /// <summary>How many control connections the table holds at most.</summary>
        public int MaxConnections => _maxConnections;

        /// <summary>How many calls the table holds at most.</summary>
        public int MaxCalls => _maxCalls;

        /// <summary>Calls that exist now (awaiting the server's reply, or established).</summary>
        public int ActiveCalls => _activeCalls;

        /// <summary>Control connections followed now.</summary>
        public int ActiveConnections => _activeConnections;

        /// <summary>Control messages that did not parse and were passed unchanged (since construction).</summary>
        public int UnparsedMessages => _unparsedMessages;

        /// <summary>Segments whose data could not be placed in the stream and were passed unchanged.</summary>
        public int UnfollowedSegments => _unfollowedSegments;

        /// <summary>Times a connection or call could not be recorded because its table was full or its
        /// LAN host held its share (<see cref="HostLimitEvents"/> counts the latter alone).</summary>
        public int NoStateEvents => _noStateEvents;

        /// <summary>Connections or calls refused because their LAN host held its share of the table.</summary>
        public int HostLimitEvents => _hostLimitEvents;

        /// <summary>Connections no longer followed because their stream broke the rules (see the type summary).</summary>
        public int AbandonedConnections => _abandonedConnections;

        /// <summary>How many control connections one LAN host may hold.</summary>
        public int MaxConnectionsPerHost => _maxConnectionsPerHost;

        /// <summary>How many calls one LAN host may hold.</summary>
        public int MaxCallsPerHost => _maxCallsPerHost;

        /// <summary>Calls one LAN host holds now.</summary>
        public int HostCalls(int lanHost) => _hostCalls[lanHost & 0xFF];

        /// <summary>
        /// The control connection in table slot <paramref name="slot"/> (0 to <see cref="MaxConnections"/>
        /// - 1): its key, LAN host and server, for the engine's check that its NAT session still
        /// exists. False when the slot is free.
        /// </summary>
        public bool TryGetConnection(int slot, out int connection, out int lanHost, out uint server)
        {
            if ((uint)slot >= (uint)_maxConnections || !_connInUse[slot])
            {
                connection = 0;
                lanHost = 0;
                server = 0;
                return false;
            }

            connection = _connKey[slot];
            lanHost = _connLanHost[slot];
            server = _connServer[slot];
            return true;
        }

        /// <summary>
        /// Follows one TCP segment of a PPTP control connection (server port 1723) before the NAT
        /// rewrites its addresses and ports. The packet starts at index 0 and is <paramref name="length"/>
        /// bytes. Call IDs in the data are rewritten in place and the TCP checksum is updated (RFC 1624).
        /// <paramref name="connection"/> is any stable int key for the control connection (a NAT entry
        /// index); <paramref name="lanHost"/> identifies the LAN client; <paramref name="server"/> is the
        /// server's address (big-endian); <paramref name="outbound"/> is true from LAN to WAN.
        /// </summary>
        /// <returns>The worst thing that happened; every status means "forward the segment".</returns>
        public PptpStatus OnSegment(byte[] packet, int length, int connection, int lanHost, uint server, bool outbound, int nowSec)
        {
            IPv4Packet ip;
            TcpSegment tcp;
            if (IPv4Packet.TryParse(packet, 0, length, out ip) != WireStatus.Ok || ip.Protocol != IPv4Packet.ProtocolTcp || ip.IsFragment
                || TcpSegment.TryParse(packet, ip.PayloadOffset, ip.PayloadLength, out tcp) != WireStatus.Ok)
            {
                _unfollowedSegments++;
                return PptpStatus.Unfollowed;
            }

            _nowSec = nowSec;
            _status = PptpStatus.Ok;
            bool clientSyn = outbound && (tcp.Flags & (TcpSegment.FlagSyn | TcpSegment.FlagAck)) == TcpSegment.FlagSyn;
            int conn = clientSyn ? FindOrCreateConnection(connection, lanHost, server) : FindConnection(connection);
            if (conn == NoIndex)
            {
                if (clientSyn)
                {
                    _noStateEvents++;
                    return PptpStatus.NoState;
                }

                // Not seen from its start: never followed.
                Unfollowed();
                return _status;
            }

            if (_connLanHost[conn] != lanHost || _connServer[conn] != server)
            {
                Unfollowed();
                return _status;
            }

            _connLastSec[conn] = nowSec;
            int d = (conn * 2) + (outbound ? 0 : 1);
            uint seq = tcp.SequenceNumber;
            if (tcp.HasFlags(TcpSegment.FlagSyn))
            {
                OnSyn(conn, d, seq, outbound, tcp);
                seq++;
            }

            if (tcp.HasFlags(TcpSegment.FlagRst))
            {
                // A reset carries nothing to follow (its data, if any, is no stream data).
                return _status;
            }

            if (tcp.HasFlags(TcpSegment.FlagAck))
            {
                OnAcknowledgment(conn, d, tcp);
            }

            int count = tcp.PayloadLength;
            if (count > 0 && _dirState[d] == StreamSynced)
            {
                if (!tcp.IsChecksumValid(ip.SourceAddress, ip.DestinationAddress))
                {
                    // The receiver drops it; TCP sends it again.
                    Unfollowed();
                    return _status;
                }

                Follow(conn, d, tcp, seq, tcp.PayloadOffset, count);
            }
            else if (count > 0)
            {
                Unfollowed();
            }

            if (tcp.HasFlags(TcpSegment.FlagFin) && _dirState[d] == StreamSynced && seq + (uint)count == _dirNextSeq[d])
            {
                // The FIN takes one sequence number: the receiver's ACK of it is not unfollowed data.
                _dirNextSeq[d]++;
            }

            return _status;
        }

        /// <summary>The control connection is gone (closed, reset or its NAT entry expired): forget it and its calls.</summary>
        public void OnConnectionClosed(int connection)
        {
            int conn = FindConnection(connection);
            if (conn != NoIndex)
            {
                RemoveConnection(conn);
            }
        }

        /// <summary>
        /// GRE v1 from LAN to WAN: <paramref name="greCallId"/> is the server's (PAC's) Call ID.
        /// True, and the call refreshed, when <paramref name="lanHost"/> has such an established call
        /// with <paramref name="server"/>. The packet needs no rewrite beyond the NAT's address.
        /// </summary>
        public bool TryOutboundGre(int lanHost, uint server, ushort greCallId, int nowSec)
        {
            int bucket = _pacChains.BucketOf(PacHash(server, lanHost, greCallId));
            for (int c = _pacChains.First(bucket); c != NoIndex; c = _pacChains.Next(c))
            {
                int conn = _callConn[c];
                if (_callState[c] == CallEstablished && _callPac[c] == greCallId && _connServer[conn] == server && _connLanHost[conn] == lanHost)
                {
                    // GRE keeps the call fresh, never its control connection.
                    _callLastSec[c] = nowSec;
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// GRE v1 from WAN to LAN: <paramref name="greCallId"/> is the external PNS Call ID the server
        /// was given. True with the LAN host and the client's own Call ID (to write back into the GRE
        /// header) when such a call is established (the server answered Connected); the call is refreshed.
        /// </summary>
        public bool TryInboundGre(uint server, ushort greCallId, out int lanHost, out ushort originalCallId, int nowSec)
        {
            int c = FindCallByServerExternal(server, greCallId);
            if (c == NoIndex || _callState[c] != CallEstablished)
            {
                lanHost = 0;
                originalCallId = 0;
                return false;
            }

            int conn = _callConn[c];
            _callLastSec[c] = nowSec;
            lanHost = _connLanHost[conn];
            originalCallId = _callOriginal[c];
            return true;
        }

        /// <summary>
        /// For an ICMP error that quotes an outbound GRE v1 packet (so carries the server's Call ID and
        /// no LAN host): the LAN host of the established call with that PAC Call ID to that server.
        /// False when none, or when two LAN hosts have calls with the same PAC Call ID to that server
        /// (a server that numbers calls per control connection): the error cannot be placed. Hashed;
        /// nothing is refreshed.
        /// </summary>
        public bool TryQuotedOutboundGre(uint server, ushort pacCallId, out int lanHost)
        {
            lanHost = 0;
            bool found = false;
            int bucket = _quotedChains.BucketOf(ExternalHash(server, pacCallId));
            for (int c = _quotedChains.First(bucket); c != NoIndex; c = _quotedChains.Next(c))
            {
                int conn = _callConn[c];
                if (_callState[c] == CallEstablished && _callPac[c] == pacCallId && _connServer[conn] == server)
                {
                    if (found && _connLanHost[conn] != lanHost)
                    {
                        lanHost = 0;
                        return false;
                    }

                    found = true;
                    lanHost = _connLanHost[conn];
                }
            }

            return found;
        }

        /// <summary>Drops calls idle (no GRE, no control message) for more than
        /// <paramref name="idleTimeoutSec"/>, and connections with no control segment for that long (a
        /// connection's calls go with it, whatever GRE they carry). A maintenance sweep over both tables.</summary>
        public void Expire(int nowSec, int idleTimeoutSec)
        {
            for (int c = 0; c < _maxCalls; c++)
            {
                if (_callState[c] >= CallAwaitingReply && nowSec - _callLastSec[c] > idleTimeoutSec)
                {
                    RemoveCall(c);
                }
            }

            for (int conn = 0; conn < _maxConnections; conn++)
            {
                if (_connInUse[conn] && nowSec - _connLastSec[conn] > idleTimeoutSec)
                {
                    RemoveConnection(conn);
                }
            }
        }

        /// <summary>Forgets every connection and call (PPTP switched off). The counters stay.</summary>
        public void Flush()
        {
            _connChains.Clear();
            _externalChains.Clear();
            _pacChains.Clear();
            _quotedChains.Clear();
            _connFreeCount = 0;
            for (int conn = _maxConnections - 1; conn >= 0; conn--)
            {
                _connInUse[conn] = false;
                _connFirstCall[conn] = NoIndex;
                _connFree[_connFreeCount++] = (short)conn;
                ResetDirection(conn * 2);
                ResetDirection((conn * 2) + 1);
            }

            _callFreeCount = 0;
            for (int c = _maxCalls - 1; c >= 0; c--)
            {
                _callState[c] = CallFree;
                _callNextInConn[c] = NoIndex;
                _callFree[_callFreeCount++] = (short)c;
            }

            _activeCalls = 0;
            _activeConnections = 0;
            System.Array.Clear(_hostConnections, 0, _hostConnections.Length);
            System.Array.Clear(_hostCalls, 0, _hostCalls.Length);
        }

        private static int PerHostLimit(int requested, int table)
        {
            if (requested <= 0)
            {
                requested = table / 4;
            }

            if (requested > table)
            {
                requested = table;
            }

            if (requested > 255)
            {
                requested = 255;
            }

            return requested < 1 ? 1 : requested;
        }

        // ---- stream following ----

        private void OnSyn(int conn, int d, uint seq, bool outbound, TcpSegment tcp)
        {
            if (_dirIsnKnown[d] && _dirIsn[d] == seq)
            {
                return;
            }

            if (outbound && (_dirIsnKnown[d] || _dirState[d] != StreamUnsynced))
            {
                // A new connection under an old key: the old one's calls are gone.
                RemoveConnectionCalls(conn);
                ResetDirection(d + 1);
            }

            ResetDirection(d);
            _dirIsnKnown[d] = true;
            _dirIsn[d] = seq;
            _dirState[d] = StreamSynced;
            _dirNextSeq[d] = seq + 1;
            int shift;
            _dirShift[d] = tcp.TryGetWindowScale(out shift) ? (sbyte)shift : NoWindowScale;
        }

        /// <summary>
        /// A segment with ACK from the sender of direction <paramref name="d"/>: it tells how far the
        /// other direction's data was received and how much more may come. The right edge of the
        /// window it advertises (RFC 793 RCV.NXT + RCV.WND, scaled as both SYNs agreed) bounds what is
        /// followed of the other direction. An acknowledgment of bytes the tracker never followed
        /// means the receiver's stream and the tracker's have parted: the connection is abandoned.
        /// </summary>
        private void OnAcknowledgment(int conn, int d, TcpSegment tcp)
        {
            int other = d ^ 1;
            if (_dirState[other] != StreamSynced)
            {
                return;
            }

            uint ack = tcp.AcknowledgmentNumber;
            if ((int)(ack - _dirNextSeq[other]) > 0)
            {
                Abandon(conn);
                return;
            }

            int shift = _dirShift[d] != NoWindowScale && _dirShift[other] != NoWindowScale && !tcp.HasFlags(TcpSegment.FlagSyn) ? _dirShift[d] : 0;
            _dirWindowEdge[other] = ack + (uint)(tcp.Window << shift);
            _dirWindowEdgeKnown[other] = true;
        }

        private void Follow(int conn, int d, TcpSegment tcp, uint seq, int at, int count)
        {
            int ahead = (int)(seq - _dirNextSeq[d]);
            if (ahead > 0)
            {
                // After a gap: passed unchanged; followed once TCP has filled the gap.
                Unfollowed();
                return;
            }

            if (ahead < 0)
            {
                int seen = -ahead;
                ApplyLog(d, tcp, seq, at, seen < count ? seen : count);
                if (seen >= count)
                {
                    return;
                }

                at += seen;
                count -= seen;
                seq += (uint)seen;
            }

            if (_dirWindowEdgeKnown[d] && (int)(seq + (uint)count - _dirWindowEdge[d]) > 0)
            {
                // Beyond what the receiver advertised: it will not take these bytes (TCP sends them
                // again when the window opens), so neither does the tracker.
                Unfollowed();
                return;
            }

            ProcessNew(conn, d, tcp, at, count);
        }

        private void ProcessNew(int conn, int d, TcpSegment tcp, int at, int count)
        {
            byte[] buffer = tcp.Buffer;
            int headBase = d * HeadLength;
            int i = 0;
            while (i < count)
            {
                if (_dirState[d] != StreamSynced)
                {
                    // Abandoned inside this segment after a message that did not parse (already counted).
                    return;
                }

                int fill = _dirFill[d];
                if (fill < PptpControlMessage.HeaderLength)
                {
                    int headerTake = PptpControlMessage.HeaderLength - fill;
                    if (headerTake > count - i)
                    {
                        headerTake = count - i;
                    }

                    System.Array.Copy(buffer, at + i, _dirHead, headBase + fill, headerTake);
                    fill += headerTake;
                    i += headerTake;
                    _dirNextSeq[d] += (uint)headerTake;
                    _dirFill[d] = fill;
                    if (fill == PptpControlMessage.HeaderLength)
                    {
                        StartMessage(conn, d);
                        if (_dirState[d] == StreamSynced && _dirMsgLength[d] == fill)
                        {
                            EndMessage(d);
                        }
                    }

                    continue;
                }

                int take = _dirMsgLength[d] - fill;
                if (take > count - i)
                {
                    take = count - i;
                }

                int headEnd = fill + take < HeadLength ? fill + take : HeadLength;
                if (fill < headEnd)
                {
                    System.Array.Copy(buffer, at + i, _dirHead, headBase + fill, headEnd - fill);
                }

                int messageBase = at + i - fill;
                uint messageSeq = _dirNextSeq[d] - (uint)fill;
                RewriteField(conn, d, tcp, messageBase, messageSeq, fill, fill + take);
                fill += take;
                i += take;
                _dirNextSeq[d] += (uint)take;
                _dirFill[d] = fill;
                if (fill == _dirMsgLength[d])
                {
                    CompleteMessage(conn, d);
                    EndMessage(d);
                }
            }
        }

        /// <summary>A message header is complete: it must parse, and a direction's first message must be
        /// the one that starts a control connection (SCCRQ from the client, SCCRP from the server);
        /// anything else abandons the connection.</summary>
        private void StartMessage(int conn, int d)
        {
            _dirMsgCall[d] = NoIndex;
            int headBase = d * HeadLength;
            PptpControlMessage message;
            WireStatus status = PptpControlMessage.TryParse(_dirHead, headBase, PptpControlMessage.HeaderLength, out message);
            ushort type = NetworkOrder.ReadUInt16(_dirHead, headBase + PptpControlMessage.ControlMessageTypeOffset);
            if (status != WireStatus.Incomplete)
            {
                _unparsedMessages++;
                Raise(PptpStatus.PassedUnparsed);
                Abandon(conn);
                return;
            }

            if (!_dirStarted[d])
            {
                ushort first = (d & 1) == 0 ? (ushort)PptpControlMessageType.StartControlConnectionRequest : (ushort)PptpControlMessageType.StartControlConnectionReply;
                if (type != first)
                {
                    _unparsedMessages++;
                    Raise(PptpStatus.PassedUnparsed);
                    Abandon(conn);
                    return;
                }

                _dirStarted[d] = true;
            }

            // A well-formed header whose Length matches its type: the body follows.
            _dirMsgLength[d] = NetworkOrder.ReadUInt16(_dirHead, headBase + PptpControlMessage.LengthOffset);
            _dirMsgType[d] = type;
        }

        private void EndMessage(int d)
        {
            _dirFill[d] = 0;
            _dirMsgLength[d] = 0;
            _dirMsgType[d] = 0;
            _dirMsgCall[d] = NoIndex;
        }

        /// <summary>Stops following a connection: its calls end, and both directions are lost until a new SYN.</summary>
        private void Abandon(int conn)
        {
            if (_dirState[conn * 2] == StreamLost && _dirState[(conn * 2) + 1] == StreamLost)
            {
                return;
            }

            RemoveConnectionCalls(conn);
            _dirState[conn * 2] = StreamLost;
            _dirState[(conn * 2) + 1] = StreamLost;
            _abandonedConnections++;
        }

        private void ResetDirection(int d)
        {
            _dirState[d] = StreamUnsynced;
            _dirIsnKnown[d] = false;
            _dirIsn[d] = 0;
            _dirNextSeq[d] = 0;
            _dirFill[d] = 0;
            _dirMsgLength[d] = 0;
            _dirMsgType[d] = 0;
            _dirMsgCall[d] = NoIndex;
            _dirWindowEdge[d] = 0;
            _dirWindowEdgeKnown[d] = false;
            _dirShift[d] = NoWindowScale;
            _dirStarted[d] = false;
            _logNext[d] = 0;
            _logCount[d] = 0;
        }

        private void Unfollowed()
        {
            _unfollowedSegments++;
            Raise(PptpStatus.Unfollowed);
        }

        private void Raise(PptpStatus status)
        {
            if (status > _status)
            {
                _status = status;
            }
        }

        // ---- Call ID rewriting ----

        /// <summary>Which field of a message is rewritten, and how, in one direction (the table in the summary).</summary>
        private static byte FieldOf(ushort type, bool outbound, out int fieldOffset)
        {
            fieldOffset = PptpControlMessage.FirstCallIdOffset;
            if (outbound)
            {
                switch (type)
                {
                    case (ushort)PptpControlMessageType.OutgoingCallRequest:
                    case (ushort)PptpControlMessageType.IncomingCallReply:
                        return FieldAllocate;
                    case (ushort)PptpControlMessageType.CallClearRequest:
                        return FieldOriginalToExternal;
                    default:
                        return FieldNone;
                }
            }

            switch (type)
            {
                case (ushort)PptpControlMessageType.OutgoingCallReply:
                    fieldOffset = PptpControlMessage.ReplyPeerCallIdOffset;
                    return FieldExternalToOriginal;
                case (ushort)PptpControlMessageType.IncomingCallConnected:
                case (ushort)PptpControlMessageType.WanErrorNotify:
                case (ushort)PptpControlMessageType.SetLinkInfo:
                    return FieldExternalToOriginal;
                default:
                    return FieldNone;
            }
        }

        /// <summary>
        /// Rewrites the message's Call ID field once its low byte is in the chunk [from, to). The
        /// high byte never changes (an external ID keeps the original's high byte), so it may have
        /// passed in an earlier segment; the whole original value is in the kept head by now.
        /// </summary>
        private void RewriteField(int conn, int d, TcpSegment tcp, int messageBase, uint messageSeq, int from, int to)
        {
            int fieldOffset;
            byte kind = FieldOf(_dirMsgType[d], (d & 1) == 0, out fieldOffset);
            int lowOffset = fieldOffset + 1;
            if (kind == FieldNone || lowOffset < from || lowOffset >= to)
            {
                return;
            }

            ushort value = NetworkOrder.ReadUInt16(_dirHead, (d * HeadLength) + fieldOffset);
            ushort rewritten = value;
            if (kind == FieldAllocate)
            {
                RemoveCallByOriginal(conn, value);
                if (_hostCalls[_connLanHost[conn] & 0xFF] >= _maxCallsPerHost)
                {
                    // The host holds its share of the call table: no call, as when the table is full.
                    _hostLimitEvents++;
                    _noStateEvents++;
                    Raise(PptpStatus.NoState);
                    return;
                }

                int slot = TakeFreeCall();
                if (slot == NoIndex)
                {
                    _noStateEvents++;
                    Raise(PptpStatus.NoState);
                    return;
                }

                rewritten = ChooseExternal(_connServer[conn], value);
                CreateCall(slot, conn, value, rewritten);
                _dirMsgCall[d] = (short)slot;
            }
            else
            {
                int c = kind == FieldOriginalToExternal ? FindCallByOriginal(conn, value) : FindCallByExternal(conn, value);
                if (c != NoIndex)
                {
                    rewritten = kind == FieldOriginalToExternal ? _callExternal[c] : _callOriginal[c];
                }
            }

            WriteByteWithChecksumUpdate(tcp, messageBase + lowOffset, (byte)rewritten, d, messageSeq + (uint)lowOffset);
        }

        /// <summary>
        /// The state changes a message makes, once all of it has passed (so a message cut short, or a
        /// prefix of garbage, never creates or ends anything): see the table in the summary.
        /// </summary>
        private void CompleteMessage(int conn, int d)
        {
            ushort type = _dirMsgType[d];
            bool outbound = (d & 1) == 0;
            int headBase = d * HeadLength;
            ushort first = NetworkOrder.ReadUInt16(_dirHead, headBase + PptpControlMessage.FirstCallIdOffset);
            ushort second = NetworkOrder.ReadUInt16(_dirHead, headBase + PptpControlMessage.ReplyPeerCallIdOffset);
            bool connected = _dirHead[headBase + ResultCodeOffset] == ResultConnected;
            switch (type)
            {
                case (ushort)PptpControlMessageType.StopControlConnectionRequest:
                case (ushort)PptpControlMessageType.StopControlConnectionReply:
                    RemoveConnectionCalls(conn);
                    return;
                case (ushort)PptpControlMessageType.CallClearRequest:
                    if (outbound)
                    {
                        RemoveCallByOriginal(conn, first);
                    }

                    return;
                case (ushort)PptpControlMessageType.CallDisconnectNotify:
                    if (!outbound)
                    {
                        for (int c = _connFirstCall[conn]; c != NoIndex; c = _callNextInConn[c])
                        {
                            if (_callState[c] == CallEstablished && _callPac[c] == first)
                            {
                                RemoveCall(c);
                                break;
                            }
                        }
                    }

                    return;
                case (ushort)PptpControlMessageType.OutgoingCallReply:
                    if (!outbound)
                    {
                        SettleCall(FindCallByExternal(conn, second), first, connected);
                    }

                    return;
                case (ushort)PptpControlMessageType.IncomingCallReply:
                    if (outbound)
                    {
                        int c = _dirMsgCall[d];
                        if (c != NoIndex && _callState[c] != CallFree && _callConn[c] == conn && _callOriginal[c] == first)
                        {
                            SettleCall(c, second, connected);
                        }
                    }

                    return;
                default:
                    return;
            }
        }

        /// <summary>A reply settled a call: connected, it records the PAC's Call ID (GRE may flow); else the call ends.</summary>
        private void SettleCall(int c, ushort pacCallId, bool connected)
        {
            if (c == NoIndex)
            {
                return;
            }

            if (connected)
            {
                SetCallPac(c, pacCallId);
            }
            else
            {
                RemoveCall(c);
            }
        }

        /// <summary>The external ID for an original one: the original itself when no call to this server
        /// uses it, else the next ID with the same high byte that none uses. With at most 256 calls one
        /// is always free, so the high byte never has to change.</summary>
        private ushort ChooseExternal(uint server, ushort original)
        {
            int high = original & 0xFF00;
            for (int i = 0; i < 256; i++)
            {
                ushort candidate = (ushort)(high | ((original + i) & 0xFF));
                if (FindCallByServerExternal(server, candidate) == NoIndex)
                {
                    return candidate;
                }
            }

            return original;
        }

        private void WriteByteWithChecksumUpdate(TcpSegment tcp, int at, byte value, int d, uint seq)
        {
            byte[] buffer = tcp.Buffer;
            byte old = buffer[at];
            if (old == value)
            {
                return;
            }

            Log(d, seq, old, value);
            SetByte(tcp, at, value);
        }

        /// <summary>Writes one byte of the segment and updates the TCP checksum (RFC 1624): the byte is
        /// the high half of a 16-bit word at an even offset from the segment start, the low half at an odd one.</summary>
        private static void SetByte(TcpSegment tcp, int at, byte value)
        {
            byte[] buffer = tcp.Buffer;
            byte old = buffer[at];
            bool even = ((at - tcp.Offset) & 1) == 0;
            ushort oldWord = even ? (ushort)(old << 8) : old;
            ushort newWord = even ? (ushort)(value << 8) : value;
            buffer[at] = value;
            NetworkOrder.WriteUInt16(buffer, tcp.Offset + TcpSegment.ChecksumOffset, InternetChecksum.Update(tcp.Checksum, oldWord, newWord));
        }

        private void Log(int d, uint seq, byte old, byte value)
        {
            if (old == value)
            {
                return;
            }

            int i = (d * LogLength) + _logNext[d];
            _logSeq[i] = seq;
            _logOld[i] = old;
            _logNew[i] = value;
            _logNext[d] = (byte)((_logNext[d] + 1) % LogLength);
            if (_logCount[d] < LogLength)
            {
                _logCount[d]++;
            }
        }

        /// <summary>Rewrites bytes already seen (a retransmission) exactly as they were rewritten the first time.</summary>
        private void ApplyLog(int d, TcpSegment tcp, uint seq, int at, int count)
        {
            byte[] buffer = tcp.Buffer;
            int logBase = d * LogLength;
            int entries = _logCount[d];
            for (int k = 0; k < entries; k++)
            {
                int i = logBase + k;
                int relative = (int)(_logSeq[i] - seq);
                if (relative >= 0 && relative < count && buffer[at + relative] == _logOld[i])
                {
                    SetByte(tcp, at + relative, _logNew[i]);
                }
            }
        }

        // ---- connections ----

        private int FindConnection(int key)
        {
            int bucket = _connChains.BucketOf(PptpHashChains.Mix((uint)key, ConnectionHashSeed));
            for (int conn = _connChains.First(bucket); conn != NoIndex; conn = _connChains.Next(conn))
            {
                if (_connKey[conn] == key)
                {
                    return conn;
                }
            }

            return NoIndex;
        }

        private int FindOrCreateConnection(int key, int lanHost, uint server)
        {
            int conn = FindConnection(key);
            if (conn != NoIndex)
            {
                if (_connLanHost[conn] != lanHost || _connServer[conn] != server)
                {
                    // The key now names another connection: forget the old one, then start afresh.
                    RemoveConnection(conn);
                }
                else
                {
                    return conn;
                }
            }

            if (_connFreeCount == 0)
            {
                return NoIndex;
            }

            if (_hostConnections[lanHost & 0xFF] >= _maxConnectionsPerHost)
            {
                _hostLimitEvents++;
                return NoIndex;
            }

            conn = _connFree[--_connFreeCount];
            _connInUse[conn] = true;
            _connKey[conn] = key;
            _connLanHost[conn] = lanHost;
            _connServer[conn] = server;
            _connLastSec[conn] = _nowSec;
            _connFirstCall[conn] = NoIndex;
            ResetDirection(conn * 2);
            ResetDirection((conn * 2) + 1);
            _connChains.Insert(_connChains.BucketOf(PptpHashChains.Mix((uint)key, ConnectionHashSeed)), conn);
            _activeConnections++;
            _hostConnections[lanHost & 0xFF]++;
            return conn;
        }

        private void RemoveConnection(int conn)
        {
            RemoveConnectionCalls(conn);
            ResetDirection(conn * 2);
            ResetDirection((conn * 2) + 1);
            _connChains.Remove(_connChains.BucketOf(PptpHashChains.Mix((uint)_connKey[conn], ConnectionHashSeed)), conn);
            _connInUse[conn] = false;
            _connFree[_connFreeCount++] = (short)conn;
            _activeConnections--;
            _hostConnections[_connLanHost[conn] & 0xFF]--;
        }

        private void RemoveConnectionCalls(int conn)
        {
            while (_connFirstCall[conn] != NoIndex)
            {
                RemoveCall(_connFirstCall[conn]);
            }
        }

        // ---- calls ----

        /// <summary>
        /// Call <paramref name="call"/> (0 to <see cref="MaxCalls"/> - 1) when it is established: its LAN
        /// host, server (the opaque number the engine keys servers by), the server's (PAC's) call ID, the
        /// external call ID the server was given and the client's own, as numbers. What the flow
        /// installer offloads to the native GRE path; false for a free call or one awaiting its reply.
        /// </summary>
        public bool TryGetCall(int call, out int lanHost, out uint server, out ushort pacCallId, out ushort externalCallId, out ushort originalCallId)
        {
            if ((uint)call >= (uint)_maxCalls || _callState[call] != CallEstablished)
            {
                lanHost = 0;
                server = 0;
                pacCallId = 0;
                externalCallId = 0;
                originalCallId = 0;
                return false;
            }

            int conn = _callConn[call];
            lanHost = _connLanHost[conn];
            server = _connServer[conn];
            pacCallId = _callPac[call];
            externalCallId = _callExternal[call];
            originalCallId = _callOriginal[call];
            return true;
        }

        /// <summary>An established call carried GRE at <paramref name="nowSec"/> somewhere else (the native
        /// GRE path): it is kept fresh as a GRE packet through <see cref="TryOutboundGre"/> would keep it
        /// (never earlier than it is).</summary>
        public void TouchCall(int call, int nowSec)
        {
            if ((uint)call < (uint)_maxCalls && _callState[call] == CallEstablished && nowSec - _callLastSec[call] > 0)
            {
                _callLastSec[call] = nowSec;
            }
        }

        // The GRE-path hashes are cheap enough to inline in FastOutboundGre/FastInboundGre: fold the
        // server's high half down, mix in the IDs, multiply, and the bucket is the low bits of the top
        // half (BucketOf masks the low bits, so the top half is shifted down first).
        private static uint ExternalHash(uint server, ushort external) => ((server ^ (server >> 15) ^ ((uint)external << 7)) * 0x9E3779B1u) >> 16;

        private static uint PacHash(uint server, int lanHost, ushort pac) => ((server ^ (server >> 15) ^ ((uint)pac << 7) ^ ((uint)lanHost << 23)) * 0x9E3779B1u) >> 16;

        /// <summary>
        /// The GRE established path's outbound check (the engine's packet path): the same answer as
        /// <see cref="TryOutboundGre"/> with the lookup inlined (one call per packet).
        /// </summary>
        internal bool FastOutboundGre(int lanHost, uint server, int greCallId, int nowSec)
        {
            short[] links = _pacLinks;
            int c = _pacHeads[(int)(((server ^ (server >> 15) ^ ((uint)greCallId << 7) ^ ((uint)lanHost << 23)) * 0x9E3779B1u) >> 16) & _pacMask];
            while (c >= 0)
            {
                if (_callPac[c] == greCallId && _callState[c] == CallEstablished)
                {
                    int conn = _callConn[c];
                    if (_connServer[conn] == server && _connLanHost[conn] == lanHost)
                    {
                        _callLastSec[c] = nowSec;
                        _rowOut[_callRow[c]]++;
                        return true;
                    }
                }

                c = links[c];
            }

            return false;
        }

        /// <summary>
        /// The GRE established path's inbound lookup: as <see cref="TryInboundGre"/>, returning
        /// (LAN host &lt;&lt; 16) | original Call ID, or -1, with the lookup inlined.
        /// </summary>
        internal int FastInboundGre(uint server, int greCallId, int nowSec)
        {
            short[] links = _externalLinks;
            int c = _externalHeads[(int)(((server ^ (server >> 15) ^ ((uint)greCallId << 7)) * 0x9E3779B1u) >> 16) & _externalMask];
            while (c >= 0)
            {
                if (_callExternal[c] == greCallId && _callState[c] == CallEstablished)
                {
                    int conn = _callConn[c];
                    if (_connServer[conn] == server)
                    {
                        _callLastSec[c] = nowSec;
                        _rowIn[_callRow[c]]++;
                        return (_connLanHost[conn] << 16) | _callOriginal[c];
                    }
                }

                c = links[c];
            }

            return -1;
        }

        private int TakeFreeCall()
        {
            if (_callFreeCount == 0)
            {
                return NoIndex;
            }

            return _callFree[--_callFreeCount];
        }

        private void CreateCall(int c, int conn, ushort original, ushort external)
        {
            _callState[c] = CallAwaitingReply;
            _callConn[c] = (short)conn;
            _callOriginal[c] = original;
            _callExternal[c] = external;
            _callPac[c] = 0;
            _callLastSec[c] = _nowSec;
            _callRow[c] = _spareRow;
            _callNextInConn[c] = _connFirstCall[conn];
            _connFirstCall[conn] = (short)c;
            _externalChains.Insert(_externalChains.BucketOf(ExternalHash(_connServer[conn], external)), c);
            _activeCalls++;
            _hostCalls[_connLanHost[conn] & 0xFF]++;
        }

        private void SetCallPac(int c, ushort pac)
        {
            int conn = _callConn[c];
            if (_callState[c] == CallEstablished)
            {
                _pacChains.Remove(_pacChains.BucketOf(PacHash(_connServer[conn], _connLanHost[conn], _callPac[c])), c);
                _quotedChains.Remove(_quotedChains.BucketOf(ExternalHash(_connServer[conn], _callPac[c])), c);
            }

            _callPac[c] = pac;
            _callState[c] = CallEstablished;
            _callLastSec[c] = _nowSec;
            _pacChains.Insert(_pacChains.BucketOf(PacHash(_connServer[conn], _connLanHost[conn], pac)), c);
            _quotedChains.Insert(_quotedChains.BucketOf(ExternalHash(_connServer[conn], pac)), c);
        }

        private void RemoveCall(int c)
        {
            byte state = _callState[c];
            if (state == CallFree)
            {
                return;
            }

            if (state >= CallAwaitingReply)
            {
                int conn = _callConn[c];
                if (_connFirstCall[conn] == c)
                {
                    _connFirstCall[conn] = _callNextInConn[c];
                }
                else
                {
                    for (int p = _connFirstCall[conn]; p != NoIndex; p = _callNextInConn[p])
                    {
                        if (_callNextInConn[p] == c)
                        {
                            _callNextInConn[p] = _callNextInConn[c];
                            break;
                        }
                    }
                }

                _externalChains.Remove(_externalChains.BucketOf(ExternalHash(_connServer[conn], _callExternal[c])), c);
                if (state == CallEstablished)
                {
                    _pacChains.Remove(_pacChains.BucketOf(PacHash(_connServer[conn], _connLanHost[conn], _callPac[c])), c);
                    _quotedChains.Remove(_quotedChains.BucketOf(ExternalHash(_connServer[conn], _callPac[c])), c);
                }

                _activeCalls--;
                _hostCalls[_connLanHost[conn] & 0xFF]--;
            }

            _callNextInConn[c] = NoIndex;
            _callState[c] = CallFree;
            _callFree[_callFreeCount++] = (short)c;
        }

        private void RemoveCallByOriginal(int conn, ushort original)
        {
            int c = FindCallByOriginal(conn, original);
            if (c != NoIndex)
            {
                RemoveCall(c);
            }
        }

        private int FindCallByOriginal(int conn, ushort original)
        {
            for (int c = _connFirstCall[conn]; c != NoIndex; c = _callNextInConn[c])
            {
                if (_callOriginal[c] == original)
                {
                    return c;
                }
            }

            return NoIndex;
        }

        private int FindCallByExternal(int conn, ushort external)
        {
            for (int c = _connFirstCall[conn]; c != NoIndex; c = _callNextInConn[c])
            {
                if (_callExternal[c] == external)
                {
                    return c;
                }
            }

            return NoIndex;
        }

        private int FindCallByServerExternal(uint server, ushort external)
        {
            int bucket = _externalChains.BucketOf(ExternalHash(server, external));
            for (int c = _externalChains.First(bucket); c != NoIndex; c = _externalChains.Next(c))
            {
                if (_callExternal[c] == external && _callState[c] >= CallAwaitingReply && _connServer[_callConn[c]] == server)
                {
                    return c;
                }
            }

            return NoIndex;
        }
    }
}
