namespace NanoRouter.Core.Passthrough
{
    /// <summary>
    /// The VPN sessions the router sees, one row per (LAN client, protocol, server), for the VPN page
    /// and GET /api/vpn: packets each way, the protocol's own state, and a problem with a plain hint
    /// when the router can see why the VPN fails. A fixed table of <see cref="Rows"/> rows (struct of
    /// arrays, allocated once); a new session takes a free row or replaces the row idle longest.
    /// <para>
    /// The NAT engine records on its full path (every IKE, NAT-T, L2TP and PPTP control packet goes
    /// there) and per event (a mapping made or bound, a drop, an ICMP error). ESP, plain GRE and
    /// PPTP's GRE on the established path only add one to <see cref="OutCounters"/> or
    /// <see cref="InCounters"/> at the row their mapping links to (index <see cref="SpareRow"/>, a
    /// row nobody reads, when it links to none); <see cref="Tick"/> turns counts that moved into
    /// last-seen stamps once a second. Lookups walk the <see cref="Rows"/> rows (a bounded, small
    /// scan, done only on the full path and per event), starting with the row found last.
    /// </para>
    /// </summary>
    public sealed partial class VpnDiagnostics
    {
        /// <summary>How many sessions the table shows at most.</summary>
        public const int Rows = 12;

        /// <summary>The row mappings link to when they link to none: counted into, never shown.</summary>
        public const byte SpareRow = Rows;

        /// <summary>Seconds of packets out with none in before a row says the server does not answer.</summary>
        public const int NoAnswerSec = 10;

        /// <summary>Raw ESP: two clients whose unbound mappings to one server were both active within
        /// this many seconds when the server's first SPI came cannot be told apart.</summary>
        public const int EspBindWindowSec = 10;

        /// <summary>The uplink MTU a DF packet must fit (Wi-Fi and Ethernet: 1500).</summary>
        public const int UplinkMtu = 1500;

        /// <summary>No state word yet.</summary>
        public const byte StateSeen = 0;

        /// <summary>Blocked by the switch before anything went out.</summary>
        public const byte StateBlocked = 1;

        /// <summary>IKEv2 IKE_SA_INIT seen (last).</summary>
        public const byte StateIkeSaInit = 2;

        /// <summary>IKEv2 IKE_AUTH seen (last).</summary>
        public const byte StateIkeAuth = 3;

        /// <summary>IKEv2 CREATE_CHILD_SA seen (last).</summary>
        public const byte StateCreateChildSa = 4;

        /// <summary>IKEv2 INFORMATIONAL seen (last).</summary>
        public const byte StateInformational = 5;

        /// <summary>IKEv1 Main Mode seen (last).</summary>
        public const byte StateMainMode = 6;

        /// <summary>IKEv1 Aggressive Mode seen (last).</summary>
        public const byte StateAggressiveMode = 7;

        /// <summary>IKEv1 Quick Mode seen (last).</summary>
        public const byte StateQuickMode = 8;

        /// <summary>Another IKE exchange type.</summary>
        public const byte StateIkeExchange = 9;

        /// <summary>NAT-T: IKE floated to UDP 4500.</summary>
        public const byte StateFloated = 10;

        /// <summary>NAT-T: ESP in UDP flows.</summary>
        public const byte StateEspInUdp = 11;

        /// <summary>ESP: sent on an SPI, the server's SPI not learned yet.</summary>
        public const byte StateSpiSent = 12;

        /// <summary>ESP: the server's SPI learned and bound to this client.</summary>
        public const byte StateSpiBound = 13;

        /// <summary>L2TP: SCCRQ/SCCRP seen.</summary>
        public const byte StateTunnelSetup = 14;

        /// <summary>L2TP: SCCCN seen, the tunnel is up.</summary>
        public const byte StateTunnelUp = 15;

        /// <summary>L2TP: ICRQ/ICRP seen.</summary>
        public const byte StateCallSetup = 16;

        /// <summary>L2TP: ICCN seen; PPTP: a call with its remapped call ID.</summary>
        public const byte StateCallUp = 17;

        /// <summary>L2TP: StopCCN or CDN seen.</summary>
        public const byte StateClosed = 18;

        /// <summary>PPTP: the control connection, no call yet.</summary>
        public const byte StateControl = 19;

        /// <summary>GRE: keyed, the peer's key not learned yet.</summary>
        public const byte StateKeySent = 20;

        /// <summary>GRE: the peer's inbound key learned and bound to this client.</summary>
        public const byte StateKeyBound = 21;

        /// <summary>GRE without a key, owned by this client.</summary>
        public const byte StateKeyless = 22;

        private static readonly string[] s_states = new string[]
        {
            "seen", "blocked", "ikeSaInit", "ikeAuth", "createChildSa", "informational", "mainMode",
            "aggressiveMode", "quickMode", "ikeExchange", "floated", "espInUdp", "spiSent", "spiBound",
            "tunnelSetup", "tunnelUp", "callSetup", "callUp", "closed", "control", "keySent", "keyBound",
            "keyless",
        };

        private static readonly string[] s_problems = new string[]
        {
            null, "passthroughOff", "noAnswer", "espAmbiguous", "greOwned", "keepaliveTooSlow",
            "fragmentsDropped", "pptpControlBad", "pathMtu",
        };

        private readonly uint _clientBase;
        private readonly bool[] _used = new bool[Rows + 1];
        private readonly byte[] _host = new byte[Rows + 1];
        private readonly byte[] _protocol = new byte[Rows + 1];
        private readonly uint[] _server = new uint[Rows + 1];
        private readonly ushort[] _externalPort = new ushort[Rows + 1];
        private readonly int[] _out = new int[Rows + 1];
        private readonly int[] _in = new int[Rows + 1];
        private readonly int[] _outMark = new int[Rows + 1];
        private readonly int[] _inMark = new int[Rows + 1];
        private readonly int[] _firstOutSec = new int[Rows + 1];
        private readonly int[] _lastSec = new int[Rows + 1];
        private readonly int[] _lastOutSec = new int[Rows + 1];
        private readonly byte[] _state = new byte[Rows + 1];
        private readonly byte[] _problem = new byte[Rows + 1];
        private readonly byte[] _other = new byte[Rows + 1];
        private readonly int[] _problemValue = new int[Rows + 1];
        private readonly int[] _problemLimit = new int[Rows + 1];
        private readonly uint[] _idOut = new uint[Rows + 1];
        private readonly uint[] _idIn = new uint[Rows + 1];
        private readonly bool[] _idOutKnown = new bool[Rows + 1];
        private readonly bool[] _idInKnown = new bool[Rows + 1];
        private byte[] _espRows;
        private byte[] _greRows;
        private PptpTracker _pptp;
        private int _last;
        private int _nowSec;
        private int _replaced;

        /// <summary>Creates the table; clients are shown as <paramref name="lanNetwork"/> (big-endian,
        /// its last byte ignored) with their host byte.</summary>
        public VpnDiagnostics(uint lanNetwork)
        {
            _clientBase = lanNetwork & 0xFFFFFF00;
        }

        /// <summary>Per row, packets out (the established path adds to it at a mapping's linked row).</summary>
        internal int[] OutCounters => _out;

        /// <summary>Per row, packets in (as <see cref="OutCounters"/>).</summary>
        internal int[] InCounters => _in;

        /// <summary>Seconds of the last record or tick (the engine's clock).</summary>
        public int NowSec => _nowSec;

        /// <summary>Rows replaced while in use, to make room for a new session.</summary>
        public int Replaced => _replaced;

        /// <summary>The mapping tables whose entries link to rows: a replaced row is unlinked from them.</summary>
        public void Link(byte[] espRows, byte[] greRows, PptpTracker pptp)
        {
            _espRows = espRows;
            _greRows = greRows;
            _pptp = pptp;
        }

        /// <summary>Whether row <paramref name="row"/> holds a session.</summary>
        public bool IsUsed(int row) => (uint)row < Rows && _used[row];

        /// <summary>The LAN client's address (big-endian).</summary>
        public uint Client(int row) => _clientBase | _host[row];

        /// <summary>The LAN client's host byte.</summary>
        public int Host(int row) => _host[row];

        /// <summary>The protocol.</summary>
        public PassthroughProtocol Protocol(int row) => (PassthroughProtocol)_protocol[row];

        /// <summary>The server's address (big-endian).</summary>
        public uint Server(int row) => _server[row];

        /// <summary>The external (WAN) port, 0 for protocols without ports.</summary>
        public int ExternalPort(int row) => _externalPort[row];

        /// <summary>Packets from the client to the server.</summary>
        public int PacketsOut(int row) => _out[row];

        /// <summary>Packets from the server to the client.</summary>
        public int PacketsIn(int row) => _in[row];

        /// <summary>Seconds since the row last saw a packet.</summary>
        public int LastSeenSec(int row) => _nowSec - _lastSec[row] < 0 ? 0 : _nowSec - _lastSec[row];

        /// <summary>The state byte (StateSeen ... StateKeyless).</summary>
        public byte State(int row) => _state[row];

        /// <summary>The state word, in the protocol's own terms.</summary>
        public string StateKey(int row) => s_states[_state[row]];

        /// <summary>The outbound identifier (ESP SPI, GRE key, PPTP client call ID), when known.</summary>
        public bool TryGetIdOut(int row, out uint id)
        {
            id = _idOut[row];
            return _idOutKnown[row];
        }

        /// <summary>The inbound identifier (ESP SPI, GRE key, PPTP external call ID), when known.</summary>
        public bool TryGetIdIn(int row, out uint id)
        {
            id = _idIn[row];
            return _idInKnown[row];
        }

        /// <summary>The row's problem: the last one recorded, else <see cref="VpnProblem.NoAnswer"/> when
        /// packets went out for <see cref="NoAnswerSec"/> seconds (from the first one forwarded) and none came in.</summary>
        public VpnProblem Problem(int row)
        {
            VpnProblem problem = (VpnProblem)_problem[row];
            if (problem == VpnProblem.None && _out[row] > 0 && _in[row] == 0 && _nowSec - _firstOutSec[row] >= NoAnswerSec)
            {
                return VpnProblem.NoAnswer;
            }

            return problem;
        }

        /// <summary>The problem's JSON key (camelCase), null for none.</summary>
        public static string ProblemKey(VpnProblem problem) => s_problems[(int)problem];

        /// <summary>The other LAN client a problem names (ESP ambiguity, GRE ownership), big-endian.</summary>
        public uint OtherClient(int row) => _clientBase | _other[row];

        /// <summary>The problem's number: the keepalive gap (s), the MTU that fits (bytes), fragments dropped.</summary>
        public int ProblemValue(int row) => _problemValue[row];

        /// <summary>The limit a problem was measured against: the UDP timeout (s) for keepalives.</summary>
        public int ProblemLimit(int row) => _problemLimit[row];

        /// <summary>Forgets every row.</summary>
        public void Clear()
        {
            for (int r = 0; r < Rows; r++)
            {
                Unlink(r);
                _used[r] = false;
            }
        }

        /// <summary>
        /// The row of (host, protocol, server), made when there is none: a free row, else the row idle
        /// longest (unlinked from the mappings first). Stamps the row as seen now.
        /// </summary>
        public int Touch(int host, PassthroughProtocol protocol, uint server, int nowSec)
        {
            _nowSec = nowSec;
            int r = Find(host, protocol, server);
            if (r < 0)
            {
                r = Take();
                _used[r] = true;
                _host[r] = (byte)host;
                _protocol[r] = (byte)protocol;
                _server[r] = server;
                _externalPort[r] = 0;
                _out[r] = 0;
                _in[r] = 0;
                _outMark[r] = 0;
                _inMark[r] = 0;
                _lastOutSec[r] = nowSec;
                _state[r] = StateSeen;
                _problem[r] = 0;
                _other[r] = 0;
                _problemValue[r] = 0;
                _problemLimit[r] = 0;
                _idOutKnown[r] = false;
                _idInKnown[r] = false;
            }

            _lastSec[r] = nowSec;
            _last = r;
            return r;
        }

        /// <summary>The row of (host, protocol, server), or -1.</summary>
        public int Find(int host, PassthroughProtocol protocol, uint server)
        {
            int r = _last;
            if (_used[r] && _host[r] == host && _protocol[r] == (byte)protocol && _server[r] == server)
            {
                return r;
            }

            for (r = 0; r < Rows; r++)
            {
                if (_used[r] && _host[r] == host && _protocol[r] == (byte)protocol && _server[r] == server)
                {
                    _last = r;
                    return r;
                }
            }

            return -1;
        }

        /// <summary>One packet from the client forwarded; a switch that was off is on again.</summary>
        public void CountOut(int row)
        {
            if (_out[row] == 0)
            {
                _firstOutSec[row] = _nowSec;
            }

            _out[row]++;
            _outMark[row] = _out[row];
            _lastOutSec[row] = _nowSec;
            if (_problem[row] == (byte)VpnProblem.PassthroughOff)
            {
                _problem[row] = 0;
            }
        }

        /// <summary>One packet from the server forwarded.</summary>
        public void CountIn(int row)
        {
            _in[row]++;
            _inMark[row] = _in[row];
        }

        /// <summary>Sets the state word.</summary>
        public void SetState(int row, byte state) => _state[row] = state;

        /// <summary>Sets the external port.</summary>
        public void SetExternalPort(int row, int port) => _externalPort[row] = (ushort)port;

        /// <summary>Sets the outbound identifier.</summary>
        public void SetIdOut(int row, uint id)
        {
            _idOut[row] = id;
            _idOutKnown[row] = true;
        }

        /// <summary>Sets the inbound identifier.</summary>
        public void SetIdIn(int row, uint id)
        {
            _idIn[row] = id;
            _idInKnown[row] = true;
        }

        /// <summary>Records a problem (the latest one wins).</summary>
        public void SetProblem(int row, VpnProblem problem, int otherHost, int value, int limit)
        {
            _problem[row] = (byte)problem;
            _other[row] = (byte)otherHost;
            _problemValue[row] = value;
            _problemLimit[row] = limit;
        }

        /// <summary>Seconds since the row's last packet out (before this one is counted).</summary>
        public int SecondsSinceOut(int row) => _nowSec - _lastOutSec[row];

        /// <summary>Once a second: counts the established path moved become last-seen stamps.</summary>
        public void Tick(int nowSec)
        {
            _nowSec = nowSec;
            for (int r = 0; r < Rows; r++)
            {
                if (_out[r] != _outMark[r])
                {
                    _outMark[r] = _out[r];
                    _lastOutSec[r] = nowSec;
                    _lastSec[r] = nowSec;
                }

                if (_in[r] != _inMark[r])
                {
                    _inMark[r] = _in[r];
                    _lastSec[r] = nowSec;
                }
            }
        }

        /// <summary>Rows for sessions with <paramref name="server"/>: marks each with a problem.</summary>
        public void MarkServer(uint server, VpnProblem problem)
        {
            for (int r = 0; r < Rows; r++)
            {
                if (_used[r] && _server[r] == server)
                {
                    if (_problem[r] != (byte)problem)
                    {
                        _problemValue[r] = 0;
                    }

                    _problem[r] = (byte)problem;
                    _problemValue[r]++;
                }
            }
        }

        private int Take()
        {
            int oldest = 0;
            int oldestAge = -1;
            for (int r = 0; r < Rows; r++)
            {
                if (!_used[r])
                {
                    return r;
                }

                int age = _nowSec - _lastSec[r];
                if (age > oldestAge)
                {
                    oldest = r;
                    oldestAge = age;
                }
            }

            _replaced++;
            Unlink(oldest);
            return oldest;
        }

        /// <summary>Mappings linked to row <paramref name="row"/> count into the spare row from now on.</summary>
        private void Unlink(int row)
        {
            UnlinkIn(_espRows, row);
            UnlinkIn(_greRows, row);
            if (_pptp != null)
            {
                _pptp.UnlinkRow(row, SpareRow);
            }
        }

        private static void UnlinkIn(byte[] rows, int row)
        {
            if (rows == null)
            {
                return;
            }

            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i] == row)
                {
                    rows[i] = SpareRow;
                }
            }
        }
    }
}
