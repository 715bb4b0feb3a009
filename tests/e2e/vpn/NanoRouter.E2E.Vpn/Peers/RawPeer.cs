using System;
using System.Text.Json.Nodes;
using NanoRouter.E2E.Vpn.Lab;

namespace NanoRouter.E2E.Vpn.Peers
{
    /// <summary>
    /// The scapy agent (peers/rawpeer.py) in one namespace: a client on the LAN side, or with
    /// respond=true the echo responder for ESP, GRE v0 and UDP 500/4500/1701 on the WAN side.
    /// One JSON command per line; see the script for the commands.
    /// </summary>
    public sealed class RawPeer
    {
        private readonly LabProcess _process;
        private readonly object _lock = new object();

        private RawPeer(LabProcess process)
        {
            _process = process;
        }

        public static RawPeer Start(VpnLab lab, string ns, string name, bool respond)
        {
            var argv = respond ? new[] { Paths.Python, Paths.Peer("rawpeer.py"), "--respond" } : new[] { Paths.Python, Paths.Peer("rawpeer.py") };
            var process = lab.Spawn(name, ns, argv);
            var line = process.ReadLine(TimeSpan.FromSeconds(20));
            if (line == null || !line.Contains("ready"))
            {
                throw new InvalidOperationException("rawpeer " + name + " did not start: " + process.Output());
            }
            return new RawPeer(process);
        }

        public JsonObject Send(JsonObject command, TimeSpan? timeout = null)
        {
            lock (_lock)
            {
                _process.WriteLine(command.ToJsonString());
                var line = _process.ReadLine(timeout ?? TimeSpan.FromSeconds(60));
                if (line == null)
                {
                    throw new InvalidOperationException("rawpeer gave no answer to " + command.ToJsonString() + ":\n" + _process.Output());
                }
                var answer = JsonNode.Parse(line).AsObject();
                if (answer.ContainsKey("error"))
                {
                    throw new InvalidOperationException("rawpeer error for " + command.ToJsonString() + ": " + answer["error"]);
                }
                return answer;
            }
        }

        /// <summary>Sends tagged ESP (SPI spi) to the server; the responder answers with SPI + 0x01000000.</summary>
        public ExchangeResult Esp(string server, uint spi, string tag, int count = 10)
        {
            return ExchangeResult.From(Send(new JsonObject { ["op"] = "esp", ["server"] = server, ["spi"] = spi, ["tag"] = tag, ["count"] = count, ["interval"] = 0.05, ["wait"] = 1.0 }));
        }

        /// <summary>Sends tagged GRE version 0 (with key, or none when null) to the server; own
        /// replies carry <paramref name="replyKey"/> (default: the same key).</summary>
        public ExchangeResult Gre(string server, uint? key, string tag, int count = 10, uint? replyKey = null)
        {
            var command = new JsonObject { ["op"] = "gre", ["server"] = server, ["tag"] = tag, ["count"] = count, ["interval"] = 0.05, ["wait"] = 1.0 };
            command["key"] = key.HasValue ? JsonValue.Create(key.Value) : null;
            if (replyKey.HasValue)
            {
                command["reply_key"] = replyKey.Value;
            }
            return ExchangeResult.From(Send(command));
        }

        /// <summary>Responder side: answers GRE with key K using key R for each (K, R) pair (keys per
        /// direction, RFC 2890).</summary>
        public void GreReplyKeys(params (uint Key, uint ReplyKey)[] pairs)
        {
            var map = new JsonArray();
            foreach (var (key, replyKey) in pairs)
            {
                map.Add(new JsonArray(key, replyKey));
            }
            Send(new JsonObject { ["op"] = "gre_keys", ["map"] = map });
        }

        /// <summary>Sends tagged UDP from a fixed source port to the server's echo port.</summary>
        public ExchangeResult Udp(string server, int sourcePort, int destinationPort, string tag, int count = 10)
        {
            return ExchangeResult.From(Send(new JsonObject { ["op"] = "udp", ["server"] = server, ["sport"] = sourcePort, ["dport"] = destinationPort, ["tag"] = tag, ["count"] = count, ["interval"] = 0.05, ["wait"] = 1.0 }));
        }

        /// <summary>
        /// A minimal scripted PPTP client: control connection and Outgoing-Call-Request with the
        /// given call ID, then GRE v1 LCP Echo-Requests tagged with `tag`.
        /// </summary>
        public JsonObject PptpCall(string server, int callId, string tag, int count = 10)
        {
            return Send(new JsonObject { ["op"] = "pptp_call", ["server"] = server, ["call_id"] = callId, ["tag"] = tag, ["count"] = count, ["interval"] = 0.1, ["wait"] = 1.5 });
        }

        public void SniffStart() => Send(new JsonObject { ["op"] = "sniff_start" });

        /// <summary>Stops sniffing; returns how many packets from outside the LAN arrived, and the first few.</summary>
        public (int Count, string First) SniffStop()
        {
            var answer = Send(new JsonObject { ["op"] = "sniff_stop" });
            return (answer["count"].GetValue<int>(), answer["first"].ToJsonString());
        }

        /// <summary>
        /// Stops sniffing; returns the whole answer: "count", "first" and "icmp" (each ICMP
        /// destination-unreachable seen, with its quoted header decoded by the agent).
        /// </summary>
        public JsonObject SniffStopDetailed() => Send(new JsonObject { ["op"] = "sniff_stop" });

        /// <summary>
        /// Builds UDP datagrams (payloads made from each tag), fragments them with
        /// <paramref name="fragmentSize"/> payload bytes per fragment and sends the fragments over a
        /// raw socket in <paramref name="order"/> ((datagram, fragment) pairs, or "reverse").
        /// Returns "sent", "fragments" (per datagram) and "sha256" (per datagram payload).
        /// </summary>
        public JsonObject SendFragments(JsonArray datagrams, JsonNode order, int fragmentSize = 1480)
        {
            return Send(new JsonObject { ["op"] = "frag_send", ["datagrams"] = datagrams, ["order"] = order, ["fragsize"] = fragmentSize });
        }

        /// <summary>A UDP datagram for <see cref="SendFragments"/>.</summary>
        public static JsonObject Datagram(string source, string destination, int sourcePort, int destinationPort, int identification, int size, string tag)
        {
            return new JsonObject
            {
                ["src"] = source, ["dst"] = destination, ["sport"] = sourcePort, ["dport"] = destinationPort,
                ["id"] = identification, ["size"] = size, ["tag"] = tag,
            };
        }

        /// <summary>Opens a UDP socket on the port that stays open and records what it receives.</summary>
        public void UdpListen(int port) => Send(new JsonObject { ["op"] = "udp_listen", ["sport"] = port });

        /// <summary>Sends a datagram from the socket <see cref="UdpListen"/> opened.</summary>
        public void UdpSend(int sourcePort, string server, int destinationPort, string data)
        {
            Send(new JsonObject { ["op"] = "udp_send", ["sport"] = sourcePort, ["server"] = server, ["dport"] = destinationPort, ["data"] = data });
        }

        /// <summary>Every datagram the listening socket on the port received so far (whole, after the kernel's reassembly).</summary>
        public ReceivedDatagram[] UdpReceived(int port)
        {
            var list = Send(new JsonObject { ["op"] = "udp_received", ["sport"] = port })["datagrams"].AsArray();
            var result = new ReceivedDatagram[list.Count];
            for (int i = 0; i < list.Count; i++)
            {
                var row = list[i].AsArray();
                result[i] = new ReceivedDatagram(row[0].GetValue<string>(), row[1].GetValue<int>(), row[2].GetValue<int>(), row[3].GetValue<string>(), row[4].GetValue<string>());
            }
            return result;
        }

        /// <summary>
        /// Path MTU discovery from a real socket (IP_PMTUDISC_DO): one packet of
        /// <paramref name="size"/> bytes (IP total length) to the server, a wait, then the same size
        /// again. kind "udp" (from <paramref name="sourcePort"/>) or "esp" (raw ESP with
        /// <paramref name="spi"/>, bound to the host's address). Returns "first_send",
        /// "second_send" ("ok" or an errno name), "ip_mtu" and "errqueue" (UDP).
        /// </summary>
        public JsonObject PmtuProbe(string kind, string server, int size, int sourcePort = 500, int destinationPort = 500, uint spi = 0, double wait = 1.0)
        {
            return Send(new JsonObject
            {
                ["op"] = "pmtu_probe", ["kind"] = kind, ["server"] = server, ["size"] = size,
                ["sport"] = sourcePort, ["dport"] = destinationPort, ["spi"] = spi, ["wait"] = wait,
            });
        }

        /// <summary>What the responder received so far.</summary>
        public JsonObject Seen() => Send(new JsonObject { ["op"] = "seen" });

        /// <summary>Sends unsolicited packets (responder side).</summary>
        public void SendUnsolicited(JsonObject command)
        {
            command["op"] = "send";
            Send(command);
        }
    }

    /// <summary>The outcome of one tagged exchange with the responder.</summary>
    public sealed class ExchangeResult
    {
        public int Sent;
        public int Own;
        public int Foreign;
        public string FirstForeign;

        public static ExchangeResult From(JsonObject answer)
        {
            return new ExchangeResult
            {
                Sent = answer["sent"].GetValue<int>(),
                Own = answer["own"].GetValue<int>(),
                Foreign = answer["foreign"].GetValue<int>(),
                FirstForeign = answer["first_foreign"]?.ToString(),
            };
        }

        public override string ToString() => "sent " + Sent + ", own replies " + Own + ", foreign " + Foreign + (FirstForeign != null ? " (first foreign: " + FirstForeign + ")" : "");
    }

    /// <summary>One datagram a listening UDP socket received: source, length, SHA-256 and first bytes of its payload.</summary>
    public sealed record ReceivedDatagram(string Source, int SourcePort, int Length, string Sha256, string Head)
    {
        public override string ToString() => Source + ":" + SourcePort + " " + Length + " bytes sha256 " + Sha256.Substring(0, 12) + " '" + Head + "'";
    }
}
