using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// The admin web application: turns one parsed request into one response. Socket-agnostic;
    /// <see cref="AdminServer"/> feeds it. Not thread-safe: call from one thread (or under a lock).
    /// </summary>
    public sealed partial class AdminApp
    {
        private readonly NatEngine _engine;
        private readonly IRouterHost _host;
        private readonly SettingsStore _store;
        private readonly RouterSettings _settings;
        private readonly IClock _clock;
        private readonly IEntropySource _entropy;

        /// <summary>Creates the app over the running router.</summary>
        /// <param name="engine">The NAT engine (passthrough switches and counters).</param>
        /// <param name="host">The board: uplink, clients, reboot.</param>
        /// <param name="store">Where settings are saved.</param>
        /// <param name="settings">The settings in force (loaded at boot by the board); the app changes and saves them.</param>
        /// <param name="clock">Milliseconds, for session expiry and login rate limits.</param>
        /// <param name="entropy">Random bytes for salts and tokens.</param>
        public AdminApp(NatEngine engine, IRouterHost host, SettingsStore store, RouterSettings settings, IClock clock, IEntropySource entropy)
        {
            _engine = engine;
            _host = host;
            _store = store;
            _settings = settings;
            _clock = clock;
            _entropy = entropy;
        }

        /// <summary>The clock the app runs on.</summary>
        public IClock Clock => _clock;

        /// <summary>Handles a complete, well-formed request.</summary>
        /// <param name="request">The parsed request.</param>
        /// <param name="buffer">The bytes it was parsed from.</param>
        /// <param name="remoteAddress">The client's address, for login rate limits.</param>
        /// <param name="response">Where the response goes (finished on return).</param>
        public void Handle(HttpRequest request, byte[] buffer, uint remoteAddress, HttpResponse response)
        {
            response.Begin(200, "OK");
            response.ContentType = "text/plain; charset=utf-8";
            response.Body.Ascii("nanoRouter admin");
            Finish(response, request.Method == HttpMethod.Head);
        }

        /// <summary>Writes a plain-text error response.</summary>
        public void WriteError(HttpResponse response, int status, string reason, string message)
        {
            response.Begin(status, reason);
            response.ContentType = "text/plain; charset=utf-8";
            response.Body.Ascii(message);
            response.Body.Byte((byte)'\n');
            Finish(response, false);
        }

        /// <summary>Answers a request the parser refused.</summary>
        public void WriteParseError(HttpResponse response, HttpParseStatus status, string message)
        {
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
                    WriteError(response, 400, "Bad Request", message == null ? "bad request" : message);
                    break;
            }
        }

        /// <summary>Runs what had to wait until the response was sent (reboot, factory reset).</summary>
        public void AfterResponse()
        {
        }

        private static void Finish(HttpResponse response, bool omitBody)
        {
            if (!response.Finish(omitBody))
            {
                response.Begin(500, "Internal Server Error");
                response.ContentType = "text/plain; charset=utf-8";
                response.Body.Ascii("response too large\n");
                response.Finish(false);
            }
        }
    }
}
