using System;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Fuzz target "http": the HTTP request parser and the whole admin application behind it. The
    /// first input byte picks the router's state (mod 3): 0 first boot (no password); 1 a password
    /// ("longenough") but no session; 2 logged in, with the session token a0a0... (cookie nr_sid and
    /// bearer token) and the CSRF token a1a1.... The rest is the request bytes, as the server's buffer
    /// would hold them.
    /// Invariants: no exception; the parser is deterministic; on Ok every offset/length lies inside the
    /// bytes and the path fits; a strict prefix of a whole request is Incomplete; the app answers with
    /// one finished response whose status line matches its status (100-599), sent whole or streamed
    /// in chunks (the first bytes on the wire are then the status line); settings the app saved
    /// load back as the settings in force.
    /// </summary>
    internal sealed class HttpTarget : IFuzzTarget
    {
        public const string Password = "longenough";
        public const int PasswordIterations = 2;

        private readonly byte[] _buffer = new byte[AdminServer.RequestBufferBytes];
        private readonly HttpRequest _request = new HttpRequest();
        private readonly HttpRequest _other = new HttpRequest();
        private readonly HttpResponse _response = new HttpResponse();
        private readonly Wire _wire = new Wire();
        private readonly byte[] _salt = new byte[RouterSettings.SaltBytes];
        private readonly byte[] _hash = new byte[RouterSettings.HashBytes];
        private readonly Pbkdf2 _passwords = Pbkdf2.Managed(PasswordIterations);

        public HttpTarget()
        {
            for (int i = 0; i < _salt.Length; i++)
            {
                _salt[i] = (byte)(0x50 + i);
            }

            byte[] password = System.Text.Encoding.ASCII.GetBytes(Password);
            _passwords.DeriveKey(password, password.Length, _salt, _salt.Length, PasswordIterations, _hash);
        }

        public string Name => "http";

        public void Run(byte[] input, int length)
        {
            int mode = length > 0 ? input[0] % 3 : 0;
            int requestLength = Math.Min(Math.Max(length - 1, 0), _buffer.Length);
            Array.Clear(_buffer, 0, _buffer.Length);
            if (requestLength > 0)
            {
                Buffer.BlockCopy(input, 1, _buffer, 0, requestLength);
            }

            HttpParseStatus status = HttpRequestParser.Parse(_buffer, requestLength, _request);
            Invariant.That(status <= HttpParseStatus.VersionNotSupported, "a defined parse status");
            Invariant.That(HttpRequestParser.Parse(_buffer, requestLength, _other) == status, "the parser is deterministic");
            if (status == HttpParseStatus.Ok)
            {
                CheckRequest(_request, requestLength);
                int end = _request.BodyOffset + _request.BodyLength;
                HttpParseStatus prefix = HttpRequestParser.Parse(_buffer, end - 1, _other);
                Invariant.That(prefix == HttpParseStatus.Incomplete, "a strict prefix of a whole request is Incomplete");
                HttpRequestParser.Parse(_buffer, requestLength, _request);
            }

            var clock = new ManualClock { NowMs = 5000 };
            var raw = new MemoryConfigStore();
            var store = new SettingsStore(raw);
            var settings = new RouterSettings();
            if (mode > 0)
            {
                settings.HasAdminPassword = true;
                settings.AdminIterations = PasswordIterations;
                Array.Copy(_salt, settings.AdminSalt, _salt.Length);
                Array.Copy(_hash, settings.AdminHash, _hash.Length);
            }

            var options = new NatOptions { LanAddress = 0xC6130401, WanAddress = 0xC6120002, Capacity = 64 };
            settings.ApplyTo(options);
            var engine = new NatEngine(options, clock);
            var host = new FakeRouterHost();
            var entropy = new CountingEntropy();
            var presence = new OwnerPresence("the fuzz button");
            var app = new AdminApp(engine, host, store, settings, clock, entropy, _passwords, presence);
            if (mode == 2)
            {
                app.Sessions.Create(entropy, clock.NowMs);
            }

            _wire.Clear();
            _response.StreamTo(_wire, 0);
            if (status == HttpParseStatus.Ok)
            {
                app.Handle(_request, _buffer, 0xC6130402, _response);
            }
            else
            {
                app.WriteParseError(_response, status, _request.Error);
            }

            CheckResponse(_response, _wire);
            _response.StreamTo(null, -1);
            if (Invariant.Verbose)
            {
                Console.WriteLine("  mode " + mode + ", parse " + status + ", response " + _response.Status + " " + _response.Reason + ", store writes " + raw.Writes);
            }

            app.AfterResponse();
            if (raw.Writes > 0)
            {
                var loaded = new RouterSettings();
                Invariant.That(new SettingsStore(raw).Load(loaded) == SettingsLoadStatus.Loaded, "saved settings load back");
                Invariant.That(SettingsCompare.Equal(loaded, app.Settings), "the settings in force are the saved ones");
            }
        }

        private static void CheckRequest(HttpRequest r, int length)
        {
            Invariant.That(r.PathLength >= 0 && r.PathLength <= HttpRequest.MaxPathBytes, "the path fits");
            Inside(r.QueryOffset, r.QueryLength, length, "query");
            Inside(r.HostOffset, r.HostLength, length, "Host");
            Inside(r.ContentTypeOffset, r.ContentTypeLength, length, "Content-Type");
            Inside(r.CookieOffset, r.CookieLength, length, "Cookie");
            Inside(r.AuthorizationOffset, r.AuthorizationLength, length, "Authorization");
            Inside(r.OriginOffset, r.OriginLength, length, "Origin");
            Invariant.That(r.BodyOffset > 0 && r.BodyLength >= 0 && r.BodyLength <= HttpRequestParser.MaxBodyBytes && r.BodyOffset + r.BodyLength <= length, "the body lies inside the bytes");
            Invariant.That(r.BodyOffset <= HttpRequestParser.MaxHeaderBytes, "the head is at most MaxHeaderBytes");
        }

        private static void Inside(int offset, int count, int length, string what)
        {
            if (offset < 0)
            {
                return;
            }

            Invariant.That(count >= 0 && offset + count <= length, what + " lies inside the bytes");
        }

        private static void CheckResponse(HttpResponse response, Wire wire)
        {
            Invariant.That(response.Status >= 100 && response.Status <= 599, "a response status in 100-599");
            Invariant.That(response.Finished, "the response is finished");
            Invariant.That(response.Length >= 0 && response.Start >= 0 && response.Start + response.Length <= response.Buffer.Length, "what is left to send lies inside the buffer");
            byte[] b = response.Buffer;
            int s = response.Start;
            if (wire.Sends > 0)
            {
                // Streamed: the head went out first, with the first chunk.
                Invariant.That(wire.FirstLength > 12, "the first send carries the status line");
                b = wire.First;
                s = 0;
            }
            else
            {
                Invariant.That(response.Length > 12, "a whole response in its buffer");
            }

            bool statusLine = b[s] == 'H' && b[s + 1] == 'T' && b[s + 2] == 'T' && b[s + 3] == 'P' && b[s + 4] == '/' && b[s + 8] == ' '
                && b[s + 9] - '0' == response.Status / 100 && b[s + 10] - '0' == (response.Status / 10) % 10 && b[s + 11] - '0' == response.Status % 10;
            Invariant.That(statusLine, "the status line carries the status");
        }
    }

    /// <summary>The client's side of a streamed response: how many sends, and the first one's start.</summary>
    internal sealed class Wire : IAdminTransport
    {
        public readonly byte[] First = new byte[16];
        public int FirstLength;
        public int Sends;

        public void Clear()
        {
            FirstLength = 0;
            Sends = 0;
        }

        public void Wait(int timeoutMs)
        {
        }

        public bool HasPending() => false;

        public bool TryAccept(int slot, out uint remoteAddress)
        {
            remoteAddress = 0;
            return false;
        }

        public int Receive(int slot, byte[] buffer, int offset, int count) => 0;

        public bool Send(int slot, byte[] buffer, int offset, int count)
        {
            Invariant.That(count > 0 && offset >= 0 && offset + count <= buffer.Length, "a send inside the buffer");
            if (Sends++ == 0)
            {
                FirstLength = Math.Min(count, First.Length);
                Array.Copy(buffer, offset, First, 0, FirstLength);
            }

            return true;
        }

        public void Close(int slot)
        {
        }
    }
}
