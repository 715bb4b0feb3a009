using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// The admin web application: turns one parsed request into one response. Socket-agnostic;
    /// <see cref="AdminServer"/> feeds it. Not thread-safe: call it from one thread (or under a
    /// lock). Order of checks for every request: Host allow-list (421), then the JSON API (Origin,
    /// JSON body, bearer tokens) or the pages (Origin on every POST, first-boot setup with the
    /// owner's press of the router's button, then session cookie, then CSRF on every POST).
    /// </summary>
    public sealed partial class AdminApp : ITemplateSlots
    {
        private const string SessionCookie = "nr_sid";
        private const string PreSessionCookie = "nr_pre";
        private const string TextPlain = "text/plain; charset=utf-8";
        private const string TextHtml = "text/html; charset=utf-8";
        private const string ApplicationJson = "application/json";
        private const int MaxAllowedHosts = 4;
        private const int MinPasswordBytes = 8;
        private const int MaxPasswordBytes = 128;
        private const int NoPort = -1;
        private const int InvalidPort = -2;

        private readonly NatEngine _engine;
        private readonly IRouterHost _host;
        private readonly SettingsStore _store;
        private readonly RouterSettings _settings;
        private readonly RouterSettings _pending = new RouterSettings();
        private readonly IClock _clock;
        private readonly IEntropySource _entropy;
        private readonly SessionTable _sessions = new SessionTable();
        private readonly LoginRateLimiter _rateLimiter = new LoginRateLimiter();
        private readonly IKeyDerivation _passwords;
        private readonly OwnerPresence _presence;
        private readonly FormReader _form = new FormReader();
        private readonly JsonReader _json = new JsonReader();
        private readonly ByteWriter _scratchWriter;
        private readonly byte[] _scratch = new byte[64];
        private readonly byte[] _hash = new byte[RouterSettings.HashBytes];
        private readonly byte[] _preSession = new byte[SessionTable.TokenBytes];
        private readonly string[] _allowedHosts = new string[MaxAllowedHosts];
        private readonly int[] _allowedPorts = new int[MaxAllowedHosts];
        private int _allowedHostCount;
        private int _port = 80;
        private PendingAction _pendingAction;
        private bool _saveFailed;

        // Per-request state used while rendering (single-threaded).
        private HttpRequest _request;
        private byte[] _buffer;
        private int _session = -1;
        private Template _content;
        private string _title;
        private string _currentNav;
        private string _notice;
        private string _noticeKind;
        private int _row;
        private string _messageText;
        private string _messageLink;
        private string _confirmQuestion;
        private string _confirmAction;
        private string _confirmButton;
        private ByteWriter _writer;

        private enum PendingAction : byte
        {
            None = 0,
            Reboot = 1,
        }

        /// <summary>Creates the app over the running router.</summary>
        /// <param name="engine">The NAT engine (passthrough switches and counters).</param>
        /// <param name="host">The board: uplink, clients, reboot.</param>
        /// <param name="store">Where settings are saved.</param>
        /// <param name="settings">The settings in force (loaded at boot by the board); the app changes and saves them.</param>
        /// <param name="clock">Milliseconds, for session expiry and login rate limits.</param>
        /// <param name="entropy">Random bytes for salts and tokens.</param>
        /// <param name="passwords">The board's PBKDF2 for the admin password, and its iteration count.</param>
        /// <param name="presence">The router's button: the first password needs a press of it.</param>
        public AdminApp(NatEngine engine, IRouterHost host, SettingsStore store, RouterSettings settings, IClock clock, IEntropySource entropy,
            IKeyDerivation passwords, OwnerPresence presence)
        {
            _passwords = passwords;
            _presence = presence;
            _engine = engine;
            _host = host;
            _store = store;
            _settings = settings;
            _clock = clock;
            _entropy = entropy;
            _scratchWriter = new ByteWriter(_scratch, 0, _scratch.Length);
            for (int i = 0; i < FieldCount; i++)
            {
                _fieldValues[i] = null;
                _fieldErrors[i] = null;
            }
        }

        /// <summary>The clock the app runs on.</summary>
        public IClock Clock => _clock;

        /// <summary>The login sessions (browser and API); tests shorten <see cref="SessionTable.IdleTimeoutMs"/>.</summary>
        public SessionTable Sessions => _sessions;

        /// <summary>The settings in force.</summary>
        public RouterSettings Settings => _settings;

        /// <summary>The TCP port the admin server listens on (80 unless the board says otherwise): a
        /// Host header that names a port must name this one.</summary>
        public int Port
        {
            get => _port;
            set => _port = value;
        }

        /// <summary>Accepts another Host header value (besides the LAN address and the router
        /// name) on the server's own <see cref="Port"/>.</summary>
        /// <returns>False when the list (4 names) is full.</returns>
        public bool AllowHost(string host) => AllowHost(host, 0);

        /// <summary>Accepts another Host header value on another port, such as "127.0.0.1" on the
        /// port a forward on the host listens on (0: the server's own <see cref="Port"/>).</summary>
        /// <returns>False when the list (4 names) is full.</returns>
        public bool AllowHost(string host, int port)
        {
            if (_allowedHostCount >= MaxAllowedHosts)
            {
                return false;
            }

            _allowedPorts[_allowedHostCount] = port;
            _allowedHosts[_allowedHostCount++] = host;
            return true;
        }

        /// <summary>Handles a complete, well-formed request and finishes <paramref name="response"/>.</summary>
        /// <param name="request">The parsed request.</param>
        /// <param name="buffer">The bytes it was parsed from.</param>
        /// <param name="remoteAddress">The client's address, for login rate limits.</param>
        /// <param name="response">Where the response goes.</param>
        public void Handle(HttpRequest request, byte[] buffer, uint remoteAddress, HttpResponse response)
        {
            _request = request;
            _buffer = buffer;
            _session = -1;
            _notice = null;
            _noticeKind = null;
            ClearFields();
            ClearForwardForm();
            response.Begin(200, "OK");
            bool head = request.Method == HttpMethod.Head;
            response.HeadOnly = head;
            if (!IsHostAllowed(request, buffer))
            {
                WriteError(response, 421, "Misdirected Request", "unknown Host: use the router's address or name");
                return;
            }

            if (request.PathIs("/api") || request.PathStartsWith("/api/"))
            {
                HandleApi(request, buffer, remoteAddress, response);
            }
            else
            {
                HandlePage(request, buffer, remoteAddress, response);
            }

            Finish(response, head);
            _request = null;
            _buffer = null;
        }

        /// <summary>Writes a plain-text error response and finishes it.</summary>
        public void WriteError(HttpResponse response, int status, string reason, string message)
        {
            response.Begin(status, reason);
            response.ContentType = TextPlain;
            response.Body.Ascii(message);
            response.Body.Byte((byte)'\n');
            Finish(response, false);
        }

        /// <summary>Answers a request the parser refused.</summary>
        public void WriteParseError(HttpResponse response, HttpParseStatus status, string message)
        {
            if (message == null)
            {
                message = "bad request";
            }

            switch (status)
            {
                case HttpParseStatus.HeadersTooLarge:
                    WriteError(response, 431, "Request Header Fields Too Large", message);
                    break;
                case HttpParseStatus.BodyTooLarge:
                    WriteError(response, 413, "Content Too Large", message);
                    break;
                case HttpParseStatus.UriTooLong:
                    WriteError(response, 414, "URI Too Long", message);
                    break;
                case HttpParseStatus.NotImplemented:
                    WriteError(response, 501, "Not Implemented", message);
                    break;
                case HttpParseStatus.VersionNotSupported:
                    WriteError(response, 505, "HTTP Version Not Supported", message);
                    break;
                default:
                    WriteError(response, 400, "Bad Request", message);
                    break;
            }
        }

        /// <summary>Runs what had to wait until the response was sent (the reboot).</summary>
        public void AfterResponse()
        {
            if (_pendingAction == PendingAction.Reboot)
            {
                _pendingAction = PendingAction.None;
                _host.Reboot();
            }
        }

        private static void Finish(HttpResponse response, bool omitBody)
        {
            if (response.Finished)
            {
                return;
            }

            if (!response.Finish(omitBody))
            {
                response.Begin(500, "Internal Server Error");
                response.ContentType = TextPlain;
                response.Body.Ascii("response too large\n");
                response.Finish(false);
            }
        }

        // ---- Host allow-list (defeats DNS rebinding) ----

        private bool IsHostAllowed(HttpRequest request, byte[] buffer)
        {
            if (request.HostOffset < 0)
            {
                return false;
            }

            int length;
            int port = HostPort(buffer, request.HostOffset, request.HostLength, out length);
            if (port == InvalidPort || length == 0)
            {
                return false;
            }

            // The router's own names: only on the port it serves (or none given).
            if (port == NoPort || port == _port)
            {
                _scratchWriter.Clear();
                _scratchWriter.Address(_host.LanAddress);
                if (length == _scratchWriter.Length && Same(buffer, request.HostOffset, _scratch, 0, length))
                {
                    return true;
                }

                if (HostNameMatches(buffer, request.HostOffset, length, _settings.HostName))
                {
                    return true;
                }
            }

            for (int i = 0; i < _allowedHostCount; i++)
            {
                int allowedPort = _allowedPorts[i] == 0 ? _port : _allowedPorts[i];
                if ((port == NoPort || port == allowedPort) && HostNameMatches(buffer, request.HostOffset, length, _allowedHosts[i]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether a request may come from another web origin: when a browser sends Origin (as
        /// every current one does on a POST, also a no-cors one), it must be http:// and this very
        /// Host, name and port (an absent port is 80 on both sides). Such a request must not reach
        /// a password check: a page the admin visits could otherwise lock them out.
        /// </summary>
        private static bool OriginMatchesHost(HttpRequest request, byte[] buffer)
        {
            if (request.OriginOffset < 0)
            {
                return true;
            }

            const string Scheme = "http://";
            int offset = request.OriginOffset + Scheme.Length;
            int length = request.OriginLength - Scheme.Length;
            if (length <= 0 || request.HostOffset < 0 || !HttpRequestParser.EqualsIgnoreCase(buffer, request.OriginOffset, Scheme.Length, Scheme))
            {
                return false;
            }

            int originName;
            int hostName;
            int originPort = HostPort(buffer, offset, length, out originName);
            int hostPort = HostPort(buffer, request.HostOffset, request.HostLength, out hostName);
            if (originPort == InvalidPort || hostPort == InvalidPort || originName != hostName
                || (originPort == NoPort ? 80 : originPort) != (hostPort == NoPort ? 80 : hostPort))
            {
                return false;
            }

            for (int i = 0; i < hostName; i++)
            {
                byte a = buffer[offset + i];
                byte b = buffer[request.HostOffset + i];
                if (a >= (byte)'A' && a <= (byte)'Z')
                {
                    a = (byte)(a + 32);
                }

                if (b >= (byte)'A' && b <= (byte)'Z')
                {
                    b = (byte)(b + 32);
                }

                if (a != b)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Splits a Host (or Origin authority) value into its name and port: host [":" port],
        /// the port 1 to 5 digits and at most 65535.</summary>
        /// <param name="nameLength">The name's length (the bytes before the colon).</param>
        /// <returns>The port; <see cref="NoPort"/> when none is given; <see cref="InvalidPort"/>
        /// when the text after the colon is not a port.</returns>
        private static int HostPort(byte[] buffer, int offset, int length, out int nameLength)
        {
            nameLength = length;
            int colon = -1;
            for (int i = 0; i < length; i++)
            {
                if (buffer[offset + i] == (byte)':')
                {
                    colon = i;
                    break;
                }
            }

            if (colon < 0)
            {
                return NoPort;
            }

            nameLength = colon;
            int digits = length - colon - 1;
            if (digits < 1 || digits > 5)
            {
                return InvalidPort;
            }

            int port = 0;
            for (int i = colon + 1; i < length; i++)
            {
                byte b = buffer[offset + i];
                if (b < (byte)'0' || b > (byte)'9')
                {
                    return InvalidPort;
                }

                port = (port * 10) + (b - '0');
            }

            return port >= 1 && port <= 65535 ? port : InvalidPort;
        }

        private static bool HostNameMatches(byte[] buffer, int offset, int length, string name)
        {
            if (name == null || name.Length == 0 || name.Length != length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                byte b = buffer[offset + i];
                char c = name[i];
                if (b >= (byte)'A' && b <= (byte)'Z')
                {
                    b = (byte)(b + 32);
                }

                if (c >= 'A' && c <= 'Z')
                {
                    c = (char)(c + 32);
                }

                if (b != c)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Same(byte[] a, int aOffset, byte[] b, int bOffset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (a[aOffset + i] != b[bOffset + i])
                {
                    return false;
                }
            }

            return true;
        }

        // ---- Passwords ----

        /// <summary>Hashes a new admin password with a fresh salt and the board's iteration count.</summary>
        /// <returns>False when the board could not hash it (the settings are unchanged).</returns>
        private bool SetAdminPassword(byte[] password, int count)
        {
            _entropy.Fill(_scratch, 0, RouterSettings.SaltBytes);
            if (!_passwords.DeriveKey(password, count, _scratch, RouterSettings.SaltBytes, _passwords.Iterations, _hash))
            {
                return false;
            }

            System.Array.Copy(_scratch, 0, _settings.AdminSalt, 0, RouterSettings.SaltBytes);
            System.Array.Copy(_hash, 0, _settings.AdminHash, 0, RouterSettings.HashBytes);
            _settings.AdminIterations = _passwords.Iterations;
            _settings.HasAdminPassword = true;
            return true;
        }

        /// <summary>Checks the admin password. After a good one made with fewer iterations than the
        /// board now uses (<see cref="IKeyDerivation.Iterations"/>), it is hashed again with the new
        /// count and saved, when <paramref name="upgrade"/> (a login) says so.</summary>
        private bool CheckAdminPassword(byte[] password, int count, bool upgrade)
        {
            if (!_settings.HasAdminPassword)
            {
                return false;
            }

            if (!_passwords.DeriveKey(password, count, _settings.AdminSalt, RouterSettings.SaltBytes, _settings.AdminIterations, _hash)
                || !ConstantTime.Same(_hash, 0, _settings.AdminHash, 0, RouterSettings.HashBytes))
            {
                return false;
            }

            if (upgrade && _settings.AdminIterations < _passwords.Iterations && SetAdminPassword(password, count))
            {
                SaveSettings();
            }

            return true;
        }

        private bool SaveSettings()
        {
            bool saved = _store.Save(_settings);
            _saveFailed = !saved;
            return saved;
        }

        // ---- Shared helpers ----

        private int NowMs => _clock.NowMs;

        /// <summary>Finds the value of cookie <paramref name="name"/> in the Cookie header.</summary>
        private bool FindCookie(string name, out int offset, out int length)
        {
            offset = -1;
            length = 0;
            if (_request.CookieOffset < 0)
            {
                return false;
            }

            int end = _request.CookieOffset + _request.CookieLength;
            int start = _request.CookieOffset;
            while (start < end)
            {
                while (start < end && (_buffer[start] == (byte)' ' || _buffer[start] == (byte)'\t'))
                {
                    start++;
                }

                int pairEnd = start;
                while (pairEnd < end && _buffer[pairEnd] != (byte)';')
                {
                    pairEnd++;
                }

                int equals = start;
                while (equals < pairEnd && _buffer[equals] != (byte)'=')
                {
                    equals++;
                }

                if (equals < pairEnd && HttpRequestParser.Equals(_buffer, start, equals - start, name))
                {
                    offset = equals + 1;
                    length = pairEnd - offset;
                    while (length > 0 && _buffer[offset + length - 1] == (byte)' ')
                    {
                        length--;
                    }

                    return true;
                }

                start = pairEnd + 1;
            }

            return false;
        }

        private static bool IsPrintableAscii(byte[] bytes, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (bytes[i] < 0x20 || bytes[i] > 0x7E)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool HasControl(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] < (char)0x20 || text[i] == (char)0x7F)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
