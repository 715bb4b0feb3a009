using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Bench
{
    /// <summary>
    /// The admin page as the ESP32 board runs it, in the instrumented core: the whole router
    /// (WifiRouter with the board's options, HAL fakes) answering one request per step on the admin
    /// thread. Prints one line per request, "il admin-NAME instructions=X calls=Y allocations=Z
    /// longest-run=R", where R is the most IL the request ran between two yields to the other
    /// threads (nanoCLR runs a thread until it blocks, yields or has used its 20 ms quantum, so R
    /// bounds how long the packet thread waits for the admin thread).
    /// </summary>
    public static class AdminWork
    {
        /// <summary>Runs the requests and prints their lines; returns the longest run of them all.</summary>
        public static long Print(Assembly core, Func<NatOptions, object> copyOptions, IReadOnlyList<string> methods, bool profile)
        {
            Counter.Profile = profile;
            var clock = new ManualClock { Now = 100000 };
            var board = new BenchBoard();
            var port = new BenchPort();
            var transport = new OneRequest();
            var options = new NatOptions
            {
                Capacity = 512,
                PortRangeStart = 10000,
                PortRangeEnd = 49151,
                LanAddress = 0xC0A80401,
                MaxPacketLength = 1500,
                TunnelCapacity = 16,
                FragmentHeldSlots = 2,
            };
            // The device's router loop turns yielding on as it starts its threads (WifiRouter.Run).
            core.GetType("NanoRouter.Core.Router.Pace", true).GetField("Enabled").SetValue(null, true);
            Type routerType = core.GetType("NanoRouter.Core.Radio.WifiRouter", true);
            object router = Activator.CreateInstance(routerType, board, clock, new BenchFlash(), new BenchUplink(), new BenchAccessPoint(), port, port, board, null, null, copyOptions(options));
            MethodInfo boot = routerType.GetMethod("Boot");
            if (!(bool)boot.Invoke(router, null) && !(bool)boot.Invoke(router, null))
            {
                throw new InvalidOperationException("the router did not boot");
            }

            routerType.GetMethod("StartForwarding").Invoke(router, null);
            routerType.GetMethod("StartAdmin").Invoke(router, new object[] { transport });
            MethodInfo adminStep = routerType.GetMethod("AdminStep");
            var cookies = new Dictionary<string, string>();
            string csrf = "";
            long longest = 0;

            string Run(string name, string raw, int expect)
            {
                transport.Load(Encoding.UTF8.GetBytes(raw));
                Counter.Reset();
                adminStep.Invoke(router, null);
                Counter.EndRun();
                string reply = transport.Reply();
                int status = reply.Length > 12 ? int.Parse(reply.Substring(9, 3)) : 0;
                if (status != expect)
                {
                    throw new InvalidOperationException(name + ": status " + status + ", expected " + expect + "\n" + reply);
                }

                foreach (string line in reply.Split("\r\n"))
                {
                    if (line.StartsWith("Set-Cookie: ", StringComparison.Ordinal))
                    {
                        string pair = line.Substring(12).Split(';')[0];
                        int eq = pair.IndexOf('=');
                        if (line.Contains("Max-Age=0", StringComparison.Ordinal))
                        {
                            cookies.Remove(pair.Substring(0, eq));
                        }
                        else
                        {
                            cookies[pair.Substring(0, eq)] = pair.Substring(eq + 1);
                        }
                    }
                }

                int at = reply.IndexOf("name=csrf value=\"", StringComparison.Ordinal);
                if (at >= 0)
                {
                    csrf = reply.Substring(at + 17, 32);
                }

                if (name != null)
                {
                    Console.WriteLine("il admin-" + name + " instructions=" + Counter.Instructions + " calls=" + Counter.Calls
                        + " allocations=" + Counter.Allocations + " longest-run=" + Counter.LongestRun);
                    longest = Math.Max(longest, Counter.LongestRun);
                    if (profile)
                    {
                        foreach (int m in Enumerable.Range(0, methods.Count).OrderByDescending(m => Counter.LongestRunMethods[m]).Take(6))
                        {
                            Console.WriteLine("    longest run: " + methods[m] + " " + Counter.LongestRunMethods[m]);
                        }
                    }
                }

                return reply;
            }

            string Cookie() => cookies.Count == 0 ? "" : "Cookie: " + string.Join("; ", cookies.Select(c => c.Key + "=" + c.Value)) + "\r\n";
            string Get(string path) => "GET " + path + " HTTP/1.1\r\nHost: 192.168.4.1\r\nUser-Agent: Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.9\r\n" + Cookie() + "\r\n";
            string Post(string path, string form) => "POST " + path + " HTTP/1.1\r\nHost: 192.168.4.1\r\nOrigin: http://192.168.4.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + Encoding.UTF8.GetByteCount(form) + "\r\n" + Cookie() + "\r\n" + form;

            Run("setup-page", Get("/setup"), 200);
            Run("setup-password", Post("/setup", "csrf=" + csrf + "&password=correct+horse&confirm=correct+horse"), 303);
            Run("setup-wait", Get("/setup"), 200);

            // The owner presses BOOT: the board's watch loop sees it down, then up.
            MethodInfo watchStep = routerType.GetMethod("WatchStep");
            board.ButtonDown = true;
            watchStep.Invoke(router, null);
            clock.Now += 300;
            board.ButtonDown = false;
            watchStep.Invoke(router, null);
            Run("setup-confirmed", Get("/setup"), 303);
            Run("status-page", Get("/"), 200);
            Run("settings-page", Get("/settings"), 200);
            Run("settings-save", Post("/settings", "csrf=" + csrf + "&uplinkssid=Caf%C3%A9+%F0%9F%98%80&uplinkpassword=&apssid=nanoRouter-1A2B&appassword=&apchannel=6&hostname=nanorouter.lan&udptimeout=300&tcpestablished=7440&tcptransitory=240&icmptimeout=60&mssclamp=1460"), 200);
            Run("passthrough-page", Get("/passthrough"), 200);
            Run(null, Get("/passthrough"), 200);
            Run("passthrough-switch", Post("/passthrough", "csrf=" + csrf + "&rule=pptp&state=off"), 303);
            Run("style-sheet", Get("/style.css"), 200);
            Run("api-status-unauthorized", Get("/api/status"), 401);
            Run("bad-request", "GET /\u0001 HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n", 400);
            Run("system-page", Get("/system"), 200);
            Run(null, Get("/settings"), 200);
            Run("password-change", Post("/password", "csrf=" + csrf + "&current=correct+horse&newpassword=battery+staple&confirm=battery+staple"), 200);
            Run("long-cookie-header", Get("/").Replace("\r\n\r\n", "\r\nX-Long: " + new string('c', 1500) + "\r\n\r\n"), 200);
            cookies.Clear();
            Run(null, Get("/login"), 200);
            Run("login", Post("/login", "csrf=" + csrf + "&password=battery+staple"), 303);
            string api = Run("api-login", "POST /api/login HTTP/1.1\r\nHost: 192.168.4.1\r\nContent-Type: application/json\r\nContent-Length: 29\r\n\r\n{\"password\":\"battery staple\"}", 200);
            int tokenAt = api.IndexOf("\"token\":\"", StringComparison.Ordinal) + 9;
            string bearer = "Authorization: Bearer " + api.Substring(tokenAt, api.IndexOf('"', tokenAt) - tokenAt) + "\r\n";
            Run("api-status", "GET /api/status HTTP/1.1\r\nHost: 192.168.4.1\r\n" + bearer + "\r\n", 200);
            // A full VPN diagnostics table (every row with a problem and its hint, the longest text):
            // the page and the API at their largest.
            object engine = routerType.GetProperty("Engine").GetValue(router);
            object vpn = engine.GetType().GetProperty("Vpn").GetValue(engine);
            Type protocolType = core.GetType("NanoRouter.Core.Passthrough.PassthroughProtocol", true);
            Type problemType = core.GetType("NanoRouter.Core.Passthrough.VpnProblem", true);
            MethodInfo touch = vpn.GetType().GetMethod("Touch");
            MethodInfo setProblem = vpn.GetType().GetMethod("SetProblem");
            MethodInfo setIdOut = vpn.GetType().GetMethod("SetIdOut");
            int rows = (int)vpn.GetType().GetField("Rows").GetValue(null);
            for (int i = 0; i < rows; i++)
            {
                object row = touch.Invoke(vpn, new object[] { 100 + i, Enum.ToObject(protocolType, i % 6), 0xC6120001u + (uint)i, 0 });
                setIdOut.Invoke(vpn, new object[] { row, 0xC1A2B3C4u });
                setProblem.Invoke(vpn, new object[] { row, Enum.ToObject(problemType, 3), 200 + i, 1400, 0 });
            }

            Run("vpn-page", Get("/vpn"), 200);
            Run("api-vpn", "GET /api/vpn HTTP/1.1\r\nHost: 192.168.4.1\r\n" + bearer + "\r\n", 200);
            string put = "{\"esp\":true,\"ike\":true,\"natt\":true,\"l2tp\":false,\"pptp\":false,\"gre\":true}";
            Run("api-passthrough-put", "PUT /api/passthrough HTTP/1.1\r\nHost: 192.168.4.1\r\n" + bearer + "Content-Type: application/json\r\nContent-Length: " + put.Length + "\r\n\r\n" + put, 200);

            // The managed PBKDF2 alone at the count every password had before (1,000): what one
            // login costs the interpreter where no native chain does the work.
            Type pbkdf2Type = core.GetType("NanoRouter.Core.Admin.Pbkdf2", true);
            object pbkdf2 = Activator.CreateInstance(pbkdf2Type, Activator.CreateInstance(core.GetType("NanoRouter.Core.Admin.HmacSha256", true)), 1000, int.MaxValue);
            byte[] password = Encoding.UTF8.GetBytes("correct horse");
            Counter.Reset();
            pbkdf2Type.GetMethod("DeriveKey").Invoke(pbkdf2, new object[] { password, password.Length, new byte[16], 16, 1000, new byte[32] });
            Counter.EndRun();
            Console.WriteLine("il password-hash iterations=1000 instructions=" + Counter.Instructions + " calls=" + Counter.Calls
                + " allocations=" + Counter.Allocations + " longest-run=" + Counter.LongestRun);
            longest = Math.Max(longest, Counter.LongestRun);
            return longest;
        }

        private sealed class BenchBoard : IBoard, IEntropySource
        {
            private uint _x = 0x12345678;

            public bool ButtonDown;

            public bool ResetButtonDown => ButtonDown;

            public void SetLight(bool on)
            {
            }

            public void Reboot()
            {
            }

            public void Sleep(int milliseconds)
            {
            }

            public void Fill(byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    _x ^= _x << 13;
                    _x ^= _x >> 17;
                    _x ^= _x << 5;
                    buffer[offset + i] = (byte)_x;
                }
            }
        }

        private sealed class BenchFlash : IConfigStore
        {
            private readonly byte[][] _slots = { new byte[1024], new byte[1024] };
            private readonly int[] _length = new int[2];

            public int SlotCount => 2;

            public int SlotSize => 1024;

            public int Read(int slot, byte[] buffer, int offset, int count)
            {
                Array.Copy(_slots[slot], 0, buffer, offset, Math.Min(_length[slot], count));
                return _length[slot];
            }

            public bool Write(int slot, byte[] buffer, int offset, int count)
            {
                Array.Copy(buffer, offset, _slots[slot], 0, count);
                _length[slot] = count;
                return true;
            }

            public void Erase(int slot) => _length[slot] = 0;
        }

        private sealed class BenchUplink : IUplinkRadio
        {
            public UplinkJoinResult Join(byte[] ssid, int ssidLength, byte[] passphrase, int passphraseLength) => UplinkJoinResult.Joined;

            public void Leave()
            {
            }

            public uint ReadAddress() => 0xC6120002;

            public uint ReadDnsServer() => 0xC6120001;
        }

        private sealed class BenchAccessPoint : IAccessPointRadio
        {
            private readonly AccessPointConfig _stored = new AccessPointConfig();

            public byte[] MacAddress { get; } = { 0x24, 0x6f, 0x28, 0x1a, 0x2b, 0x3c };

            public int ClientCount => 4;

            public bool Read(AccessPointConfig config)
            {
                config.CopyFrom(_stored);
                return true;
            }

            public bool Write(AccessPointConfig config)
            {
                _stored.CopyFrom(config);
                return true;
            }

            public bool ReadClientMac(int index, byte[] mac)
            {
                for (int i = 0; i < 6; i++)
                {
                    mac[i] = (byte)((0x10 * index) + i);
                }

                return true;
            }

            public void StartDhcp(uint address, uint mask)
            {
            }

            public void OfferDnsServer(uint address)
            {
            }
        }

        private sealed class BenchPort : IPacketPort, IForwardingShim
        {
            public int Receive(byte[] buffer, int timeoutMs, out Side ingress)
            {
                ingress = Side.Lan;
                return 0;
            }

            public void Complete(Verdict verdict, byte[] buffer, int length, Side egress)
            {
            }

            public void Send(byte[] buffer, int length, Side egress)
            {
            }

            public bool Start() => true;

            public void Configure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh)
            {
            }

            public bool SetPreserved(int protocol, int port, bool active) => true;
        }

        /// <summary>One connection on slot 0 with one request; collects what is sent back.</summary>
        private sealed class OneRequest : IAdminTransport
        {
            private readonly List<byte> _sent = new List<byte>();
            private byte[] _request;
            private int _read;
            private bool _accepted;

            public void Load(byte[] request)
            {
                _request = request;
                _read = 0;
                _accepted = false;
                _sent.Clear();
            }

            public string Reply() => Encoding.UTF8.GetString(_sent.ToArray());

            public void Wait(int timeoutMs)
            {
            }

            public bool HasPending() => _request != null && !_accepted;

            public bool TryAccept(int slot, out uint remoteAddress)
            {
                remoteAddress = 0xC0A80402;
                if (!HasPending())
                {
                    return false;
                }

                _accepted = true;
                return true;
            }

            public int Receive(int slot, byte[] buffer, int offset, int count)
            {
                int n = Math.Min(count, _request.Length - _read);
                Array.Copy(_request, _read, buffer, offset, n);
                _read += n;
                return n;
            }

            public bool Send(int slot, byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    _sent.Add(buffer[offset + i]);
                }

                return true;
            }

            public void Close(int slot) => _request = null;
        }
    }
}
