using NanoRouter.Core.Common;
using NanoRouter.Hal;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// One response, built in a single small preallocated buffer: the body is written first, from
    /// <see cref="HeaderSpace"/> on, then <see cref="Finish"/> writes the status line and headers
    /// just before it, so the whole response is one contiguous range to send. A body larger than
    /// <see cref="ChunkBytes"/> is streamed when the response has a target (<see cref="StreamTo"/>):
    /// the head goes out with Transfer-Encoding: chunked as soon as the buffer fills, then one chunk
    /// per buffer, and <see cref="Finish"/> leaves the last chunk and the terminating empty one; with
    /// no target it overflows (the caller answers 500). So no page needs a page-sized buffer on the
    /// device. Every response carries the security headers (CSP, frame denial, nosniff, same-origin
    /// referrer: "no-referrer" would make browsers send "Origin: null" on our own form posts) and
    /// closes the connection.
    /// </summary>
    public sealed class HttpResponse : IByteDrain
    {
        /// <summary>Room for the status line and headers (and a chunk's size line after them).</summary>
        public const int HeaderSpace = 1024;

        /// <summary>The body bytes sent at a time: the largest body that goes out with a
        /// Content-Length; a larger one is streamed in chunks of this size.</summary>
        public const int ChunkBytes = 1536;

        /// <summary>After a chunk: its CRLF, then the last chunk "0" CRLF CRLF.</summary>
        private const int TailSpace = 7;

        private const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

        private readonly byte[] _buffer = new byte[HeaderSpace + ChunkBytes + TailSpace];
        private readonly ByteWriter _body;
        private readonly ByteWriter _head;
        private readonly byte[][] _cookieValues = new byte[][] { new byte[16], new byte[16] };
        private readonly string[] _cookieNames = new string[2];
        private readonly string[] _cookiePaths = new string[2];
        private readonly bool[] _cookieDelete = new bool[2];
        private int _cookieCount;
        private int _start;
        private int _length;
        private IAdminTransport _target;
        private int _targetSlot;
        private bool _streaming;
        private bool _broken;
        private int _counted;

        /// <summary>Creates the buffers once.</summary>
        public HttpResponse()
        {
            _body = new ByteWriter(_buffer, HeaderSpace, ChunkBytes);
            _body.DrainTo(this);
            _head = new ByteWriter(_buffer, 0, HeaderSpace);
            Begin(200, "OK");
        }

        /// <summary>True for a HEAD request: the body is only counted (for Content-Length), never sent.</summary>
        public bool HeadOnly;

        /// <summary>True once the head has gone out (the body is being streamed in chunks).</summary>
        public bool Streaming => _streaming;

        /// <summary>Chunks sent of the response being built.</summary>
        public int ChunksSent { get; private set; }

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

        /// <summary>Where a body larger than <see cref="ChunkBytes"/> is streamed while it is
        /// written: a connection of <paramref name="transport"/> (null: nowhere, so it overflows).</summary>
        public void StreamTo(IAdminTransport transport, int slot)
        {
            _target = transport;
            _targetSlot = slot;
            _streaming = false;
            _broken = false;
        }

        /// <summary>True once <see cref="Finish"/> has succeeded for the response begun last.</summary>
        public bool Finished { get; private set; }

        /// <summary>Starts a new response, forgetting the previous one (a response already being
        /// streamed cannot be taken back: it is cut off, so the client sees it fail).</summary>
        public void Begin(int status, string reason)
        {
            _broken = _streaming;
            Finished = false;
            HeadOnly = false;
            _counted = 0;
            ChunksSent = 0;
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

        /// <summary>Changes the status, keeping headers set so far but dropping the body (cut off
        /// if it is being streamed already, like <see cref="Begin"/>).</summary>
        public void Restart(int status, string reason)
        {
            _broken |= _streaming;
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

        /// <summary>Writes the head before the body; for a streamed body, the last chunk and the
        /// end of the chunks instead.</summary>
        /// <param name="omitBody">True for HEAD: headers only (Content-Length still tells the body's size).</param>
        /// <returns>False when the head or body overflowed (the caller answers 500 instead).</returns>
        public bool Finish(bool omitBody)
        {
            if (_streaming)
            {
                // What is left to send: the last piece of the body as a chunk, then the empty chunk
                // that ends the body; nothing if the client went away or the response was cut off.
                _start = HeaderSpace;
                _length = 0;
                Finished = true;
                if (_broken || _target == null)
                {
                    _streaming = false;
                    return true;
                }

                int length = _body.Length;
                if (length > 0)
                {
                    _start = ChunkLine(length, HeaderSpace);
                    _buffer[HeaderSpace + length] = (byte)'\r';
                    _buffer[HeaderSpace + length + 1] = (byte)'\n';
                    length += 2;
                }

                int end = HeaderSpace + length;
                _buffer[end] = (byte)'0';
                _buffer[end + 1] = (byte)'\r';
                _buffer[end + 2] = (byte)'\n';
                _buffer[end + 3] = (byte)'\r';
                _buffer[end + 4] = (byte)'\n';
                _length = end + 5 - _start;
                _streaming = false;
                return true;
            }

            if (_body.Overflow)
            {
                return false;
            }

            int headLength = PlaceHead(HeaderSpace);
            if (headLength < 0)
            {
                return false;
            }

            _length = headLength + (omitBody || HeadOnly ? 0 : _body.Length);
            Finished = true;
            return true;
        }

        /// <summary>The body buffer is full: sends the head first (once, chunked) and the buffer as a
        /// chunk, and empties it. Without a target the write overflows.</summary>
        bool IByteDrain.Drain(ByteWriter writer)
        {
            if (HeadOnly && !_streaming)
            {
                // HEAD: nothing of the body is sent, so it is only counted.
                _counted += writer.Length;
                writer.Clear();
                return true;
            }

            if (_target == null || _broken)
            {
                return false;
            }

            int from = ChunkLine(writer.Length, HeaderSpace);
            int end = HeaderSpace + writer.Length;
            _buffer[end++] = (byte)'\r';
            _buffer[end++] = (byte)'\n';

            if (!_streaming)
            {
                _streaming = true;
                int headLength = PlaceHead(from);
                if (headLength < 0)
                {
                    _streaming = false;
                    return false;
                }

                from -= headLength;
            }

            if (end > from && !_target.Send(_targetSlot, _buffer, from, end - from))
            {
                // The client went away: the rest is not sent.
                _broken = true;
            }

            ChunksSent++;
            writer.Clear();
            return true;
        }

        /// <summary>Writes a chunk's size line (hex, CRLF) to end right before <paramref name="end"/>.</summary>
        /// <returns>Where the line starts.</returns>
        private int ChunkLine(int length, int end)
        {
            int digits = 1;
            while (length >> (4 * digits) != 0)
            {
                digits++;
            }

            int start = end - digits - 2;
            for (int i = 0; i < digits; i++)
            {
                int nibble = (length >> (4 * (digits - 1 - i))) & 0xF;
                _buffer[start + i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
            }

            _buffer[end - 2] = (byte)'\r';
            _buffer[end - 1] = (byte)'\n';
            return start;
        }

        /// <summary>Writes the head to end right before <paramref name="end"/> and sets
        /// <see cref="Start"/> to where it starts.</summary>
        /// <returns>Its length, or -1 when it does not fit.</returns>
        private int PlaceHead(int end)
        {
            // Write once to measure, then again right before the body.
            _head.Reset(_buffer, 0, end);
            WriteHead(_head);
            if (_head.Overflow)
            {
                return -1;
            }

            int headLength = _head.Length;
            _start = end - headLength;
            _head.Reset(_buffer, _start, headLength);
            WriteHead(_head);
            return headLength;
        }

        private void WriteHead(ByteWriter w)
        {
            w.Ascii("HTTP/1.1 ");
            w.Int(Status);
            w.Byte((byte)' ');
            w.Ascii(Reason);
            if (_streaming)
            {
                w.Ascii("\r\nTransfer-Encoding: chunked");
            }
            else
            {
                w.Ascii("\r\nContent-Length: ");
                w.Int(_counted + _body.Length);
            }

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
