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

            string text = Encoding.UTF8.GetString(_response.Buffer, _response.Start, _response.Length);
            int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var reply = new Reply
            {
                Head = text.Substring(0, split),
                Body = text.Substring(split + 4),
                BodyBytes = _response.Length - Encoding.UTF8.GetByteCount(text.Substring(0, split + 4)),
            };
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
