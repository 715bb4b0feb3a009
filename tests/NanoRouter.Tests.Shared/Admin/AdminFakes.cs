using System;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Config;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    /// <summary>A connection's bytes as the client receives them.</summary>
    internal sealed class ResponseCapture : IAdminTransport
    {
        public byte[] Bytes = new byte[4096];
        public int Length;
        public int Sends;

        public void Clear()
        {
            Length = 0;
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
            Assert.IsTrue(count > 0, "an empty send");
            Sends++;
            if (Length + count > Bytes.Length)
            {
                byte[] larger = new byte[(Length + count) * 2];
                Array.Copy(Bytes, larger, Length);
                Bytes = larger;
            }

            Array.Copy(buffer, offset, Bytes, Length, count);
            Length += count;
            return true;
        }

        public void Close(int slot)
        {
        }

        /// <summary>Where the blank line after the head starts, or -1.</summary>
        public static int HeadEnd(byte[] wire, int length)
        {
            for (int i = 0; i + 3 < length; i++)
            {
                if (wire[i] == 13 && wire[i + 1] == 10 && wire[i + 2] == 13 && wire[i + 3] == 10)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Joins a chunked body (RFC 9112 7.1) in place, from <paramref name="at"/> on, checked
        /// strictly: lowercase hex sizes without extensions, CRLF after every size and chunk, none
        /// larger than the server's buffer, the empty last chunk, no trailers and nothing after.</summary>
        /// <returns>The body's length.</returns>
        public static int Dechunk(byte[] wire, int at, int length)
        {
            int body = at;
            int write = at;
            while (true)
            {
                int size = 0;
                int digits = 0;
                while (at < length && ((wire[at] >= '0' && wire[at] <= '9') || (wire[at] >= 'a' && wire[at] <= 'f')))
                {
                    size = (size * 16) + (wire[at] <= '9' ? wire[at] - '0' : wire[at] - 'a' + 10);
                    digits++;
                    at++;
                }

                Assert.IsTrue(digits > 0 && at + 1 < length && wire[at] == 13 && wire[at + 1] == 10, "a chunk size line at " + at.ToString());
                at += 2;
                if (size == 0)
                {
                    Assert.IsTrue(at + 2 == length && wire[at] == 13 && wire[at + 1] == 10, "the last chunk ends the response");
                    return write - body;
                }

                Assert.IsTrue(size <= HttpResponse.ChunkBytes, "a chunk of " + size.ToString() + " bytes");
                Assert.IsTrue(at + size + 2 <= length && wire[at + size] == 13 && wire[at + size + 1] == 10, "a chunk's CRLF");
                Array.Copy(wire, at, wire, write, size);
                write += size;
                at += size + 2;
            }
        }
    }

    /// <summary>A clock the test moves by hand.</summary>
    internal sealed class ManualClock : IClock
    {
        public int NowMs { get; set; } = 1000;
    }

    /// <summary>Deterministic "random" bytes (seeded <see cref="TestRandom"/>), so failures reproduce.</summary>
    internal sealed class SeededEntropy : IEntropySource
    {
        private readonly TestRandom _random;

        public SeededEntropy(uint seed)
        {
            _random = new TestRandom(seed);
        }

        public void Fill(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = _random.NextByte();
            }
        }
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
                _slots[i] = new byte[0];
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

        public byte[] Slot(int i)
        {
            return _slots[i];
        }

        public void SetSlot(int i, byte[] bytes)
        {
            _slots[i] = Copy(bytes, bytes.Length);
        }

        /// <summary>The first <paramref name="count"/> bytes of <paramref name="bytes"/>, in a new array.</summary>
        public static byte[] Copy(byte[] bytes, int count)
        {
            var copy = new byte[count];
            Array.Copy(bytes, copy, count);
            return copy;
        }

        public int Read(int slot, byte[] buffer, int offset, int count)
        {
            byte[] data = _slots[slot];
            Array.Copy(data, 0, buffer, offset, count < data.Length ? count : data.Length);
            return data.Length;
        }

        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            Writes++;
            if (CutNextWriteAt >= 0)
            {
                int cut = CutNextWriteAt < count ? CutNextWriteAt : count;
                CutNextWriteAt = -1;
                byte[] old = _slots[slot];
                byte[] result = CutKeepsOldTail ? new byte[cut > old.Length ? cut : old.Length] : new byte[cut];
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

        public void Erase(int slot)
        {
            _slots[slot] = new byte[0];
        }
    }

    /// <summary>A board as the admin app sees it.</summary>
    internal sealed class FakeRouterHost : IRouterHost
    {
        private uint[] _clientAddresses = new uint[4];
        private string[] _clientMacs = new string[4];

        public uint LanAddress { get; set; } = 0xC0A80401;

        public bool UplinkConnected { get; set; } = true;

        public WifiText UplinkSsid { get; set; } = TestText.Of("HomeNet");

        public WifiText AccessPointSsid { get; set; } = TestText.Of("nanoRouter-1A2B");

        public string WifiNotice { get; set; }

        public uint UplinkAddress { get; set; } = 0xC6120002;

        public int UplinkRssi { get; set; } = -58;

        public int ClientCount { get; private set; }

        public int Reboots { get; private set; }

        public int Applied { get; private set; }

        /// <summary>A client joins the access point.</summary>
        public void AddClient(uint address, string mac)
        {
            if (ClientCount == _clientAddresses.Length)
            {
                var addresses = new uint[ClientCount * 2];
                var macs = new string[ClientCount * 2];
                Array.Copy(_clientAddresses, addresses, ClientCount);
                Array.Copy(_clientMacs, macs, ClientCount);
                _clientAddresses = addresses;
                _clientMacs = macs;
            }

            _clientAddresses[ClientCount] = address;
            _clientMacs[ClientCount] = mac;
            ClientCount++;
        }

        public uint ClientAddress(int index)
        {
            Assert.IsTrue(index >= 0 && index < ClientCount, "client " + index + " of " + ClientCount);
            return _clientAddresses[index];
        }

        public string ClientMac(int index)
        {
            Assert.IsTrue(index >= 0 && index < ClientCount, "client " + index + " of " + ClientCount);
            return _clientMacs[index];
        }

        public void ApplySettings(RouterSettings settings)
        {
            Applied++;
        }

        public void Reboot()
        {
            Reboots++;
        }
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

        /// <summary>The first header of this name (any case), its value trimmed; null if none.</summary>
        public string Header(string name)
        {
            string[] values = Headers(name);
            return values.Length == 0 ? null : values[0];
        }

        /// <summary>Every header of this name (any case), in order, their values trimmed.</summary>
        public string[] Headers(string name)
        {
            var list = new StringList();
            foreach (string line in Text.Split(Head, "\r\n"))
            {
                int colon = Text.IndexOf(line, ":", 0);
                if (colon > 0 && Text.SameIgnoringAsciiCase(Text.Slice(line, 0, colon), name))
                {
                    list.Add(Text.Slice(line, colon + 1, line.Length - colon - 1).Trim());
                }
            }

            return list.ToArray();
        }

        public override string ToString()
        {
            return Status + "\n" + Head + "\n\n" + Body;
        }
    }

    /// <summary>The cookies a browser keeps for the router, by name.</summary>
    internal sealed class CookieJar
    {
        private string[] _names = new string[4];
        private string[] _values = new string[4];

        public int Count { get; private set; }

        public void Set(string name, string value)
        {
            int at = Find(name);
            if (at < 0)
            {
                if (Count == _names.Length)
                {
                    var names = new string[Count * 2];
                    var values = new string[Count * 2];
                    Array.Copy(_names, names, Count);
                    Array.Copy(_values, values, Count);
                    _names = names;
                    _values = values;
                }

                at = Count++;
                _names[at] = name;
            }

            _values[at] = value;
        }

        public void Remove(string name)
        {
            int at = Find(name);
            if (at < 0)
            {
                return;
            }

            for (int i = at + 1; i < Count; i++)
            {
                _names[i - 1] = _names[i];
                _values[i - 1] = _values[i];
            }

            Count--;
        }

        public void Clear()
        {
            Count = 0;
        }

        /// <summary>The Cookie request header line (with its CRLF), or "" without cookies.</summary>
        public string Header()
        {
            if (Count == 0)
            {
                return "";
            }

            var parts = new string[Count];
            for (int i = 0; i < Count; i++)
            {
                parts[i] = _names[i] + "=" + _values[i];
            }

            return "Cookie: " + Text.Join("; ", parts) + "\r\n";
        }

        private int Find(string name)
        {
            for (int i = 0; i < Count; i++)
            {
                if (_names[i] == name)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>Prepares the raw store before the harness loads settings from it (a delegate of its own: nanoCLR runs no generic Action&lt;T&gt;).</summary>
    internal delegate void PrepareStore(MemoryConfigStore raw);

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
        public readonly OwnerPresence Presence = new OwnerPresence("the test button");
        public readonly Pbkdf2 Passwords;
        public CookieJar Cookies = new CookieJar();
        public uint RemoteAddress = 0xC0A80402;
        private readonly HttpRequest _request = new HttpRequest();
        private readonly HttpResponse _response = new HttpResponse();
        private readonly ResponseCapture _capture = new ResponseCapture();

        /// <summary>The PBKDF2 iterations the harness's board gives new passwords.</summary>
        public const int Iterations = 1000;

        public AdminHarness(PrepareStore prepare = null, int iterations = Iterations)
        {
            Passwords = Pbkdf2.Managed(iterations);
            if (prepare != null)
            {
                prepare(RawStore);
            }

            Store = new SettingsStore(RawStore);
            Store.Load(Settings);
            var options = new NatOptions();
            Settings.ApplyTo(options);
            Engine = new NatEngine(options, Clock);
            Settings.ApplyTo(Engine.Passthrough);
            App = new AdminApp(Engine, Host, Store, Settings, Clock, new SeededEntropy(7), Passwords, Presence);
        }

        public Reply Send(string raw)
        {
            byte[] bytes = Text.Utf8(raw);
            byte[] buffer = new byte[AdminServer.RequestBufferBytes];
            int length = bytes.Length < buffer.Length ? bytes.Length : buffer.Length;
            Array.Copy(bytes, buffer, length);
            HttpParseStatus status = HttpRequestParser.Parse(buffer, length, _request);
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

            // What the client receives: the chunks streamed while the body was written, then the
            // rest. The head ends at the first blank line; head and body are UTF-8 (the head ASCII).
            if (_response.Length > 0)
            {
                _capture.Send(0, _response.Buffer, _response.Start, _response.Length);
            }

            _response.StreamTo(null, -1);
            byte[] sent = _capture.Bytes;
            int total = _capture.Length;
            int split = ResponseCapture.HeadEnd(sent, total);
            Assert.IsTrue(split >= 0, "the response has a blank line after its head");
            string head = Text.FromUtf8(sent, 0, split);
            bool chunked = Text.Contains(head, "\r\nTransfer-Encoding: chunked");
            Assert.IsFalse(chunked && _request.Method == HttpMethod.Head && status == HttpParseStatus.Ok, "HEAD tells the length");
            int bodyLength = chunked ? ResponseCapture.Dechunk(sent, split + 4, total) : total - split - 4;
            var reply = new Reply
            {
                Head = head,
                Body = Text.FromUtf8(sent, split + 4, bodyLength),
                BodyBytes = bodyLength,
                Chunked = chunked,
                Sends = _capture.Sends,
            };
            if (!chunked && _request.Method != HttpMethod.Head)
            {
                Assert.AreEqual(bodyLength.ToString(), reply.Header("Content-Length"), "Content-Length is the body's length");
            }

            reply.Status = int.Parse(reply.Head.Substring(9, 3));
            foreach (string cookie in reply.Headers("Set-Cookie"))
            {
                string pair = cookie.Split(';')[0];
                int eq = pair.IndexOf('=');
                string name = pair.Substring(0, eq);
                if (Text.Contains(cookie, "Max-Age=0"))
                {
                    Cookies.Remove(name);
                }
                else
                {
                    Cookies.Set(name, pair.Substring(eq + 1));
                }
            }

            App.AfterResponse();
            return reply;
        }

        public string CookieHeader()
        {
            return Cookies.Header();
        }

        public Reply Get(string path, string host = "192.168.4.1")
        {
            return Send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + CookieHeader() + "\r\n");
        }

        public Reply Post(string path, string form, string host = "192.168.4.1", string extraHeaders = "")
        {
            int length = Text.Utf8(form).Length;
            return Send("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + CookieHeader() + extraHeaders
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + length + "\r\n\r\n" + form);
        }

        public Reply Api(string method, string path, string json = null, string token = null)
        {
            string body = json ?? "";
            string auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
            string lengthHeader = json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + Text.Utf8(body).Length + "\r\n";
            return Send(method + " " + path + " HTTP/1.1\r\nHost: 192.168.4.1\r\n" + auth + lengthHeader + "\r\n" + body);
        }

        /// <summary>The CSRF token in the last page's forms.</summary>
        public static string Csrf(Reply page)
        {
            const string marker = "name=csrf value=\"";
            int at = Text.IndexOf(page.Body, marker, 0);
            Assert.IsTrue(at >= 0, "no CSRF field on the page: " + page.Body);
            return Text.Slice(page.Body, at + marker.Length, 32);
        }

        /// <summary>First boot: the setup page's password is a claim (303 back to /setup, which waits).</summary>
        public Reply Claim(string password = "correct horse")
        {
            Reply setup = Get("/setup");
            return Post("/setup", "csrf=" + Csrf(setup) + "&password=" + Text.PercentEncode(password) + "&confirm=" + Text.PercentEncode(password));
        }

        /// <summary>A short press of the router's button, as its watch loop sees it (down, then up 200 ms later).</summary>
        public void PressButton()
        {
            Presence.Sample(true, Clock.NowMs);
            Clock.NowMs += 200;
            Presence.Sample(false, Clock.NowMs);
        }

        /// <summary>First boot: sets the password through the setup page and the owner's press of
        /// the router's button; leaves the browser logged in.</summary>
        public void SetUp(string password = "correct horse")
        {
            Reply done = Claim(password);
            Assert.AreEqual(303, done.Status, done.ToString());
            Assert.AreEqual("/setup", done.Header("Location"));
            PressButton();
            Reply confirmed = Get("/setup");
            Assert.AreEqual(303, confirmed.Status, confirmed.ToString());
            Assert.AreEqual("/", confirmed.Header("Location"));
        }

        public string ApiLogin(string password = "correct horse")
        {
            Reply reply = Api("POST", "/api/login", "{\"password\":\"" + password + "\"}");
            Assert.AreEqual(200, reply.Status, reply.ToString());
            return TestJson.Parse(reply.Body).Get("token").String;
        }
    }
}
