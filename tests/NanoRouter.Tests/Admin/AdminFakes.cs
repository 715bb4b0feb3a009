using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Tests.Admin
{
    /// <summary>A connection's bytes as the client would receive them.</summary>
    internal sealed class ResponseCapture : IAdminTransport
    {
        private readonly List<byte> _bytes = new List<byte>();

        public int Sends { get; private set; }

        public bool Fail { get; set; }

        public void Clear()
        {
            _bytes.Clear();
            Sends = 0;
        }

        public byte[] Bytes() => _bytes.ToArray();

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
            Assert.IsTrue(count > 0, "an empty send");
            Sends++;
            if (Fail)
            {
                return false;
            }

            for (int i = 0; i < count; i++)
            {
                _bytes.Add(buffer[offset + i]);
            }

            return true;
        }

        public void Close(int slot)
        {
        }

        /// <summary>Where the blank line after the head starts, or -1.</summary>
        public static int HeadEnd(byte[] wire)
        {
            for (int i = 0; i + 3 < wire.Length; i++)
            {
                if (wire[i] == 13 && wire[i + 1] == 10 && wire[i + 2] == 13 && wire[i + 3] == 10)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The body of a chunked response (RFC 9112 7.1), checked strictly: lowercase hex
        /// sizes without extensions, CRLF after every size and chunk, the empty last chunk, no
        /// trailers and nothing after.</summary>
        public static byte[] Dechunk(byte[] wire, int at)
        {
            var body = new List<byte>();
            while (true)
            {
                int size = 0;
                int digits = 0;
                while (at < wire.Length && Uri.IsHexDigit((char)wire[at]))
                {
                    Assert.IsFalse(char.IsUpper((char)wire[at]), "chunk sizes are written in lowercase");
                    size = (size * 16) + Convert.ToInt32(((char)wire[at]).ToString(), 16);
                    digits++;
                    at++;
                }

                Assert.IsTrue(digits > 0 && at + 1 < wire.Length && wire[at] == 13 && wire[at + 1] == 10, "a chunk size line at " + at);
                at += 2;
                if (size == 0)
                {
                    Assert.IsTrue(at + 2 == wire.Length && wire[at] == 13 && wire[at + 1] == 10, "the last chunk ends the response");
                    return body.ToArray();
                }

                Assert.IsTrue(size <= HttpResponse.ChunkBytes, "a chunk of " + size + " bytes");
                Assert.IsTrue(at + size + 2 <= wire.Length && wire[at + size] == 13 && wire[at + size + 1] == 10, "a chunk's CRLF");
                for (int i = 0; i < size; i++)
                {
                    body.Add(wire[at + i]);
                }

                at += size + 2;
            }
        }
    }

    /// <summary>A clock the test moves by hand.</summary>
    internal sealed class ManualClock : IClock
    {
        public int NowMs { get; set; } = 1000;
    }

    /// <summary>Deterministic "random" bytes (seeded), so failures reproduce.</summary>
    internal sealed class SeededEntropy : IEntropySource
    {
        private readonly Random _random;

        public SeededEntropy(int seed) => _random = new Random(seed);

        public void Fill(byte[] buffer, int offset, int count) => _random.NextBytes(new Span<byte>(buffer, offset, count));
    }

    /// <summary>An in-memory IConfigStore with slots; a write can be cut after N bytes (power loss).</summary>
    internal sealed class MemoryConfigStore : IConfigStore
    {
        private readonly byte[][] _slots;

        public MemoryConfigStore(int slotCount, int slotSize = 512)
        {
            _slots = new byte[slotCount][];
            for (int i = 0; i < slotCount; i++)
            {
                _slots[i] = Array.Empty<byte>();
            }

            SlotSize = slotSize;
        }

        /// <summary>When ≥ 0, the next write stores only this many bytes and fails (the power went).</summary>
        public int CutNextWriteAt { get; set; } = -1;

        /// <summary>When cutting, keep the old bytes after the cut (in-place overwrite) instead of truncating.</summary>
        public bool CutKeepsOldTail { get; set; }

        public int Writes { get; private set; }

        public int SlotCount => _slots.Length;

        public int SlotSize { get; }

        public byte[] Slot(int i) => _slots[i];

        public void SetSlot(int i, byte[] bytes) => _slots[i] = (byte[])bytes.Clone();

        public int Read(int slot, byte[] buffer, int offset, int count)
        {
            byte[] data = _slots[slot];
            Array.Copy(data, 0, buffer, offset, Math.Min(count, data.Length));
            return data.Length;
        }

        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            Writes++;
            if (CutNextWriteAt >= 0)
            {
                int cut = Math.Min(CutNextWriteAt, count);
                CutNextWriteAt = -1;
                byte[] old = _slots[slot];
                byte[] result = CutKeepsOldTail ? new byte[Math.Max(cut, old.Length)] : new byte[cut];
                if (CutKeepsOldTail)
                {
                    Array.Copy(old, result, old.Length);
                }

                Array.Copy(buffer, offset, result, 0, cut);
                _slots[slot] = result;
                return false;
            }

            byte[] copy = new byte[count];
            Array.Copy(buffer, offset, copy, 0, count);
            _slots[slot] = copy;
            return true;
        }

        public void Erase(int slot) => _slots[slot] = Array.Empty<byte>();
    }

    /// <summary>A board as the admin app sees it.</summary>
    internal sealed class FakeRouterHost : IRouterHost
    {
        public uint LanAddress { get; set; } = 0xC0A80401;

        public bool UplinkConnected { get; set; } = true;

        public WifiText UplinkSsid { get; set; } = NanoRouter.Tests.Config.TestText.Of("HomeNet");

        public WifiText AccessPointSsid { get; set; } = NanoRouter.Tests.Config.TestText.Of("nanoRouter-1A2B");

        public string WifiNotice { get; set; }

        public uint UplinkAddress { get; set; } = 0xC6120002;

        public int UplinkRssi { get; set; } = -58;

        public List<(uint Address, string Mac)> Clients { get; } = new List<(uint, string)>();

        public int ClientCount => Clients.Count;

        public uint ClientAddress(int index) => Clients[index].Address;

        public string ClientMac(int index) => Clients[index].Mac;

        public int Reboots { get; private set; }

        public int Applied { get; private set; }

        public void ApplySettings(RouterSettings settings) => Applied++;

        public void Reboot() => Reboots++;
    }

    /// <summary>One response, split up for assertions.</summary>
    internal sealed class Reply
    {
        public int Status;
        public string Head = "";
        public string Body = "";
        public int BodyBytes;
        public bool Chunked;
        public int Sends;

        public string Header(string name)
        {
            foreach (string line in Head.Split("\r\n"))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && string.Equals(line.Substring(0, colon), name, StringComparison.OrdinalIgnoreCase))
                {
                    return line.Substring(colon + 1).Trim();
                }
            }

            return null;
        }

        public List<string> Headers(string name)
        {
            var list = new List<string>();
            foreach (string line in Head.Split("\r\n"))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && string.Equals(line.Substring(0, colon), name, StringComparison.OrdinalIgnoreCase))
                {
                    list.Add(line.Substring(colon + 1).Trim());
                }
            }

            return list;
        }

        public override string ToString() => Status + "\n" + Head + "\n\n" + Body;
    }

    /// <summary>
    /// The admin app with a fake board, engine, store and clock, driven with raw request bytes
    /// through the real parser, like a browser would. Keeps cookies like a browser.
    /// </summary>
    internal sealed class AdminHarness
    {
        public readonly ManualClock Clock = new ManualClock();
        public readonly FakeRouterHost Host = new FakeRouterHost();
        public readonly MemoryConfigStore RawStore = new MemoryConfigStore(2);
        public readonly SettingsStore Store;
        public readonly RouterSettings Settings = new RouterSettings();
        public readonly NatEngine Engine;
        public readonly AdminApp App;
        public readonly Dictionary<string, string> Cookies = new Dictionary<string, string>();
        public uint RemoteAddress = 0xC0A80402;
        private readonly HttpRequest _request = new HttpRequest();
        private readonly HttpResponse _response = new HttpResponse();
        private readonly ResponseCapture _capture = new ResponseCapture();

        public AdminHarness(Action<MemoryConfigStore> prepare = null)
        {
            prepare?.Invoke(RawStore);
            Store = new SettingsStore(RawStore);
            Store.Load(Settings);
            var options = new NatOptions();
            Settings.ApplyTo(options);
            Engine = new NatEngine(options, Clock);
            Settings.ApplyTo(Engine.Passthrough);
            App = new AdminApp(Engine, Host, Store, Settings, Clock, new SeededEntropy(7));
        }

        public Reply Send(string raw)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(raw);
            byte[] buffer = new byte[AdminServer.RequestBufferBytes];
            Array.Copy(bytes, buffer, Math.Min(bytes.Length, buffer.Length));
            HttpParseStatus status = HttpRequestParser.Parse(buffer, Math.Min(bytes.Length, buffer.Length), _request);
            _capture.Clear();
            _response.StreamTo(_capture, 0);
            if (status == HttpParseStatus.Ok)
            {
                App.Handle(_request, buffer, RemoteAddress, _response);
            }
            else if (status == HttpParseStatus.Incomplete)
            {
                throw new InvalidOperationException("incomplete request in test");
            }
            else
            {
                App.WriteParseError(_response, status, _request.Error);
            }

            // What the server sends: the chunks streamed while the body was written, then the rest.
            if (_response.Length > 0)
            {
                _capture.Send(0, _response.Buffer, _response.Start, _response.Length);
            }

            _response.StreamTo(null, -1);
            byte[] wire = _capture.Bytes();
            int split = ResponseCapture.HeadEnd(wire);
            Assert.IsTrue(split > 0, "no end of head in the response");
            string head = Encoding.ASCII.GetString(wire, 0, split);
            Assert.IsFalse(_request.Method == HttpMethod.Head && status == HttpParseStatus.Ok && head.Contains("Transfer-Encoding", StringComparison.Ordinal), "HEAD tells the length");
            byte[] body = head.Contains("\r\nTransfer-Encoding: chunked", StringComparison.Ordinal)
                ? ResponseCapture.Dechunk(wire, split + 4)
                : wire.AsSpan(split + 4).ToArray();
            var reply = new Reply
            {
                Head = head,
                Body = Encoding.UTF8.GetString(body),
                BodyBytes = body.Length,
                Chunked = head.Contains("\r\nTransfer-Encoding: chunked", StringComparison.Ordinal),
                Sends = _capture.Sends,
            };
            if (!reply.Chunked && _request.Method != HttpMethod.Head)
            {
                Assert.AreEqual(reply.BodyBytes.ToString(), reply.Header("Content-Length"), "Content-Length is the body's length");
            }
            reply.Status = int.Parse(reply.Head.Substring(9, 3));
            foreach (string cookie in reply.Headers("Set-Cookie"))
            {
                string pair = cookie.Split(';')[0];
                int eq = pair.IndexOf('=');
                string name = pair.Substring(0, eq);
                if (cookie.Contains("Max-Age=0"))
                {
                    Cookies.Remove(name);
                }
                else
                {
                    Cookies[name] = pair.Substring(eq + 1);
                }
            }

            App.AfterResponse();
            return reply;
        }

        public string CookieHeader()
        {
            if (Cookies.Count == 0)
            {
                return "";
            }

            var parts = new List<string>();
            foreach (var pair in Cookies)
            {
                parts.Add(pair.Key + "=" + pair.Value);
            }

            return "Cookie: " + string.Join("; ", parts) + "\r\n";
        }

        public Reply Get(string path, string host = "192.168.4.1")
        {
            return Send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + CookieHeader() + "\r\n");
        }

        public Reply Post(string path, string form, string host = "192.168.4.1", string extraHeaders = "")
        {
            int length = Encoding.UTF8.GetByteCount(form);
            return Send("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + CookieHeader() + extraHeaders
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + length + "\r\n\r\n" + form);
        }

        public Reply Api(string method, string path, string json = null, string token = null)
        {
            string body = json ?? "";
            string auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
            string lengthHeader = json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + Encoding.UTF8.GetByteCount(body) + "\r\n";
            return Send(method + " " + path + " HTTP/1.1\r\nHost: 192.168.4.1\r\n" + auth + lengthHeader + "\r\n" + body);
        }

        /// <summary>The CSRF token in the last page's forms.</summary>
        public static string Csrf(Reply page)
        {
            const string marker = "name=csrf value=\"";
            int at = page.Body.IndexOf(marker, StringComparison.Ordinal);
            Assert.IsTrue(at >= 0, "no CSRF field on the page: " + page.Body);
            return page.Body.Substring(at + marker.Length, 32);
        }

        /// <summary>First boot: sets the password through the setup page; leaves the browser logged in.</summary>
        public void SetUp(string password = "correct horse")
        {
            Reply setup = Get("/setup");
            Reply done = Post("/setup", "csrf=" + Csrf(setup) + "&password=" + Uri.EscapeDataString(password) + "&confirm=" + Uri.EscapeDataString(password));
            Assert.AreEqual(303, done.Status, done.ToString());
        }

        public string ApiLogin(string password = "correct horse")
        {
            Reply reply = Api("POST", "/api/login", "{\"password\":\"" + password + "\"}");
            Assert.AreEqual(200, reply.Status, reply.ToString());
            var json = System.Text.Json.JsonDocument.Parse(reply.Body);
            return json.RootElement.GetProperty("token").GetString();
        }
    }
}
