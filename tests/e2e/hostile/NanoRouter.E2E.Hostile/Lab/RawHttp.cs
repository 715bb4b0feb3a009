using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Hostile.Lab
{
    /// <summary>What came back for one request (or why nothing did).</summary>
    public sealed class HttpReply
    {
        /// <summary>The status code, 0 when no status line arrived.</summary>
        public int Status;

        /// <summary>Header names in lower case.</summary>
        public Dictionary<string, string> Headers = new Dictionary<string, string>();

        /// <summary>Every Set-Cookie header, in order.</summary>
        public List<string> SetCookies = new List<string>();

        public string Body = "";

        /// <summary>Milliseconds from connect to the end of the answer.</summary>
        public long ElapsedMs;

        /// <summary>null, or "refused", "timeout", "reset", "connect-timeout", ...</summary>
        public string Failure;

        public JsonNode Json()
        {
            try
            {
                return JsonNode.Parse(Body);
            }
            catch (Exception)
            {
                return null;
            }
        }

        public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

        public override string ToString() => Failure != null ? "no answer (" + Failure + ", " + ElapsedMs + " ms)"
            : Status + " in " + ElapsedMs + " ms: " + (Body.Length > 160 ? Body.Substring(0, 160) + "..." : Body).Replace("\n", " ");
    }

    /// <summary>
    /// HTTP/1.1 over a plain TCP socket made inside a lab namespace, so a test can send exactly
    /// the bytes it means (malformed, oversized, slow) and time the answer. One request per
    /// connection, as the admin server closes after each response.
    /// </summary>
    public static class RawHttp
    {
        /// <summary>A connected socket from namespace <paramref name="ns"/> (optionally bound to a source address).</summary>
        public static Socket Connect(string ns, string address, int port, int timeoutMs, string source = null)
        {
            Socket socket = NetworkNamespace.Invoke(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            try
            {
                if (source != null)
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                }

                socket.NoDelay = true;
                IAsyncResult pending = socket.BeginConnect(new IPEndPoint(IPAddress.Parse(address), port), null, null);
                if (!pending.AsyncWaitHandle.WaitOne(timeoutMs))
                {
                    throw new TimeoutException("connect to " + address + ":" + port + " from " + ns + " timed out");
                }

                socket.EndConnect(pending);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Sends <paramref name="request"/> and reads the answer until the server closes or <paramref name="timeoutMs"/> passes.</summary>
        public static HttpReply Send(string ns, string address, int port, byte[] request, int timeoutMs = 5000, string source = null)
        {
            var watch = Stopwatch.StartNew();
            var reply = new HttpReply();
            Socket socket;
            try
            {
                socket = Connect(ns, address, port, timeoutMs, source);
            }
            catch (TimeoutException)
            {
                reply.Failure = "connect-timeout";
                reply.ElapsedMs = watch.ElapsedMilliseconds;
                return reply;
            }
            catch (SocketException e)
            {
                reply.Failure = e.SocketErrorCode == SocketError.ConnectionRefused ? "refused" : e.SocketErrorCode.ToString();
                reply.ElapsedMs = watch.ElapsedMilliseconds;
                return reply;
            }

            using (socket)
            {
                try
                {
                    socket.SendTimeout = timeoutMs;
                    socket.Send(request);
                }
                catch (SocketException e)
                {
                    reply.Failure = "send: " + e.SocketErrorCode;
                }

                ReadAnswer(socket, reply, watch, timeoutMs);
            }

            return reply;
        }

        /// <summary>Reads until the peer closes (or resets) or the time is up, then parses what came.</summary>
        public static void ReadAnswer(Socket socket, HttpReply reply, Stopwatch watch, int timeoutMs)
        {
            var received = new List<byte>();
            var buffer = new byte[16384];
            while (true)
            {
                int left = timeoutMs - (int)watch.ElapsedMilliseconds;
                if (left <= 0)
                {
                    reply.Failure ??= "timeout";
                    break;
                }

                if (!socket.Poll(Math.Min(left, 200) * 1000, SelectMode.SelectRead))
                {
                    continue;
                }

                int n;
                try
                {
                    n = socket.Receive(buffer);
                }
                catch (SocketException e)
                {
                    if (received.Count == 0)
                    {
                        reply.Failure ??= e.SocketErrorCode == SocketError.ConnectionReset ? "reset" : e.SocketErrorCode.ToString();
                    }

                    break;
                }

                if (n == 0)
                {
                    if (received.Count == 0)
                    {
                        reply.Failure ??= "closed";
                    }

                    break;
                }

                for (int i = 0; i < n; i++)
                {
                    received.Add(buffer[i]);
                }
            }

            reply.ElapsedMs = watch.ElapsedMilliseconds;
            Parse(received.ToArray(), reply);
        }

        private static void Parse(byte[] bytes, HttpReply reply)
        {
            string text = Encoding.Latin1.GetString(bytes);
            int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            string head = headEnd >= 0 ? text.Substring(0, headEnd) : text;
            reply.Body = headEnd >= 0 ? Encoding.UTF8.GetString(bytes, headEnd + 4, bytes.Length - headEnd - 4) : "";
            string[] lines = head.Split("\r\n");
            if (lines.Length > 0 && lines[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                string[] parts = lines[0].Split(' ');
                if (parts.Length >= 2 && int.TryParse(parts[1], out int status))
                {
                    reply.Status = status;
                    if (reply.Failure == "timeout" && headEnd >= 0)
                    {
                        reply.Failure = null;
                    }
                }
            }

            for (int i = 1; i < lines.Length; i++)
            {
                int colon = lines[i].IndexOf(':');
                if (colon > 0)
                {
                    string name = lines[i].Substring(0, colon).Trim().ToLowerInvariant();
                    string value = lines[i].Substring(colon + 1).Trim();
                    reply.Headers[name] = value;
                    if (name == "set-cookie")
                    {
                        reply.SetCookies.Add(value);
                    }
                }
            }
        }

        /// <summary>Builds a request: request line, Host, Connection: close, the extra headers, and the body with its length.</summary>
        public static byte[] Request(string method, string path, string host, string body = null, params string[] headers)
        {
            var text = new StringBuilder();
            text.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n");
            if (host != null)
            {
                text.Append("Host: ").Append(host).Append("\r\n");
            }

            foreach (var header in headers)
            {
                text.Append(header).Append("\r\n");
            }

            byte[] content = body == null ? null : Encoding.UTF8.GetBytes(body);
            if (content != null)
            {
                text.Append("Content-Length: ").Append(content.Length).Append("\r\n");
            }

            text.Append("Connection: close\r\n\r\n");
            byte[] headBytes = Encoding.ASCII.GetBytes(text.ToString());
            if (content == null)
            {
                return headBytes;
            }

            var all = new byte[headBytes.Length + content.Length];
            headBytes.CopyTo(all, 0);
            content.CopyTo(all, headBytes.Length);
            return all;
        }
    }

    /// <summary>The admin JSON API of one board, from one LAN namespace, over <see cref="RawHttp"/>.</summary>
    public sealed class AdminApi
    {
        private readonly string _ns;
        private readonly string _address;
        private readonly int _port;
        private readonly string _password;

        public AdminApi(string ns, string address, int port, string password)
        {
            _ns = ns;
            _address = address;
            _port = port;
            _password = password;
        }

        /// <summary>The bearer token of the last successful <see cref="Login"/>.</summary>
        public string Token { get; private set; }

        public string Host => _address;

        public HttpReply Call(string method, string path, string body = null, int timeoutMs = 5000)
        {
            var headers = new List<string>();
            if (Token != null)
            {
                headers.Add("Authorization: Bearer " + Token);
            }

            if (body != null)
            {
                headers.Add("Content-Type: application/json");
            }

            return RawHttp.Send(_ns, _address, _port, RawHttp.Request(method, path, _address, body, headers.ToArray()), timeoutMs);
        }

        /// <summary>POST /api/login with the real password; throws when it does not give a token.</summary>
        public void Login(int timeoutMs = 5000)
        {
            Token = null;
            var reply = Call("POST", "/api/login", "{\"password\":\"" + _password + "\"}", timeoutMs);
            string token = reply.Status == 200 ? reply.Json()?["token"]?.GetValue<string>() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw new InvalidOperationException("admin login failed: " + reply);
            }

            Token = token;
        }

        /// <summary>GET /api/status as JSON; throws when it does not answer 200.</summary>
        public JsonNode Status(int timeoutMs = 5000)
        {
            var reply = Call("GET", "/api/status", null, timeoutMs);
            var json = reply.Status == 200 ? reply.Json() : null;
            if (json == null)
            {
                throw new InvalidOperationException("GET /api/status failed: " + reply);
            }

            return json;
        }

        /// <summary>The "nat" object of /api/status: capacity, active, drops.</summary>
        public NatFigures Nat(int timeoutMs = 5000)
        {
            var nat = Status(timeoutMs)["nat"];
            return new NatFigures
            {
                Capacity = nat["capacity"].GetValue<int>(),
                Active = nat["active"].GetValue<int>(),
                Drops = nat["drops"].GetValue<int>(),
            };
        }
    }

    /// <summary>The NAT table figures the admin API exposes.</summary>
    public struct NatFigures
    {
        public int Capacity;
        public int Active;
        public int Drops;

        public override string ToString() => "active " + Active + "/" + Capacity + ", drops " + Drops;
    }
}
