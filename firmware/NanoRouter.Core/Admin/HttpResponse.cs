namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// One response, built in a single preallocated buffer: the body is written first, from
    /// <see cref="HeaderSpace"/> on, then <see cref="Finish"/> writes the status line and headers
    /// just before it, so the whole response is one contiguous range to send. Every response
    /// carries the security headers (CSP, frame denial, nosniff, same-origin referrer: "no-referrer" would make browsers send "Origin: null" on our own form posts) and closes the
    /// connection.
    /// </summary>
    public sealed class HttpResponse
    {
        /// <summary>Room for the status line and headers.</summary>
        public const int HeaderSpace = 1024;

        /// <summary>The largest body (a whole page) that can be sent.</summary>
        public const int MaxBodyBytes = 16384;

        private const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

        private readonly byte[] _buffer = new byte[HeaderSpace + MaxBodyBytes];
        private readonly ByteWriter _body;
        private readonly ByteWriter _head;
        private readonly byte[][] _cookieValues = new byte[][] { new byte[16], new byte[16] };
        private readonly string[] _cookieNames = new string[2];
        private readonly string[] _cookiePaths = new string[2];
        private readonly bool[] _cookieDelete = new bool[2];
        private int _cookieCount;
        private int _start;
        private int _length;

        /// <summary>Creates the buffers once.</summary>
        public HttpResponse()
        {
            _body = new ByteWriter(_buffer, HeaderSpace, MaxBodyBytes);
            _head = new ByteWriter(_buffer, 0, HeaderSpace);
            Begin(200, "OK");
        }

        /// <summary>The status code.</summary>
        public int Status { get; private set; }

        /// <summary>The reason phrase.</summary>
        public string Reason { get; private set; }

        /// <summary>The Content-Type; null for none.</summary>
        public string ContentType;

        /// <summary>A Location for redirects (a constant path); null for none.</summary>
        public string Location;

        /// <summary>The Allow header for 405; null for none.</summary>
        public string Allow;

        /// <summary>Seconds for Retry-After (429); 0 for none.</summary>
        public int RetryAfterSeconds;

        /// <summary>Sends WWW-Authenticate: Bearer (401 from the API).</summary>
        public bool BearerChallenge;

        /// <summary>Lets the browser cache the response for an hour (the style sheet); otherwise no-store.</summary>
        public bool Cacheable;

        /// <summary>Where the body is written.</summary>
        public ByteWriter Body => _body;

        /// <summary>The buffer holding the finished response.</summary>
        public byte[] Buffer => _buffer;

        /// <summary>Where the finished response starts in <see cref="Buffer"/>.</summary>
        public int Start => _start;

        /// <summary>The finished response's length.</summary>
        public int Length => _length;

        /// <summary>Starts a new response, forgetting the previous one.</summary>
        public void Begin(int status, string reason)
        {
            Status = status;
            Reason = reason;
            ContentType = null;
            Location = null;
            Allow = null;
            RetryAfterSeconds = 0;
            BearerChallenge = false;
            Cacheable = false;
            _cookieCount = 0;
            _body.Clear();
            _start = 0;
            _length = 0;
        }

        /// <summary>Changes the status, keeping headers set so far but dropping the body.</summary>
        public void Restart(int status, string reason)
        {
            Status = status;
            Reason = reason;
            _body.Clear();
        }

        /// <summary>Adds a session-style cookie: HttpOnly, SameSite=Strict, value = 16 bytes as hex.</summary>
        /// <param name="name">A constant cookie name.</param>
        /// <param name="value">16 bytes, copied.</param>
        /// <param name="path">The cookie path.</param>
        /// <param name="delete">True to expire it instead.</param>
        public void SetCookie(string name, byte[] value, string path, bool delete)
        {
            if (_cookieCount >= _cookieNames.Length)
            {
                return;
            }

            _cookieNames[_cookieCount] = name;
            _cookiePaths[_cookieCount] = path;
            _cookieDelete[_cookieCount] = delete;
            if (value != null)
            {
                System.Array.Copy(value, 0, _cookieValues[_cookieCount], 0, 16);
            }

            _cookieCount++;
        }

        /// <summary>Writes the head before the body.</summary>
        /// <param name="omitBody">True for HEAD: headers only (Content-Length still tells the body's size).</param>
        /// <returns>False when the head or body overflowed (the caller answers 500 instead).</returns>
        public bool Finish(bool omitBody)
        {
            if (_body.Overflow)
            {
                return false;
            }

            // Write once to measure, then again right before the body.
            _head.Reset(_buffer, 0, HeaderSpace);
            WriteHead(_head);
            if (_head.Overflow)
            {
                return false;
            }

            int headLength = _head.Length;
            _start = HeaderSpace - headLength;
            _head.Reset(_buffer, _start, headLength);
            WriteHead(_head);
            _length = headLength + (omitBody ? 0 : _body.Length);
            return true;
        }

        private void WriteHead(ByteWriter w)
        {
            w.Ascii("HTTP/1.1 ");
            w.Int(Status);
            w.Byte((byte)' ');
            w.Ascii(Reason);
            w.Ascii("\r\nContent-Length: ");
            w.Int(_body.Length);
            if (ContentType != null)
            {
                w.Ascii("\r\nContent-Type: ");
                w.Ascii(ContentType);
            }

            if (Location != null)
            {
                w.Ascii("\r\nLocation: ");
                w.Ascii(Location);
            }

            if (Allow != null)
            {
                w.Ascii("\r\nAllow: ");
                w.Ascii(Allow);
            }

            if (RetryAfterSeconds > 0)
            {
                w.Ascii("\r\nRetry-After: ");
                w.Int(RetryAfterSeconds);
            }

            if (BearerChallenge)
            {
                w.Ascii("\r\nWWW-Authenticate: Bearer");
            }

            for (int i = 0; i < _cookieCount; i++)
            {
                w.Ascii("\r\nSet-Cookie: ");
                w.Ascii(_cookieNames[i]);
                w.Byte((byte)'=');
                if (_cookieDelete[i])
                {
                    w.Ascii("; Max-Age=0");
                }
                else
                {
                    w.Hex(_cookieValues[i], 0, 16);
                }

                w.Ascii("; Path=");
                w.Ascii(_cookiePaths[i]);
                w.Ascii("; HttpOnly; SameSite=Strict");
            }

            w.Ascii(Cacheable ? "\r\nCache-Control: max-age=3600" : "\r\nCache-Control: no-store");
            w.Ascii("\r\nContent-Security-Policy: ");
            w.Ascii(ContentSecurityPolicy);
            w.Ascii("\r\nX-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: same-origin\r\nConnection: close\r\n\r\n");
        }
    }
}
