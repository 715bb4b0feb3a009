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

        /// <summary>Sends tagged GRE version 0 (with key, or none when null) to the server.</summary>
        public ExchangeResult Gre(string server, uint? key, string tag, int count = 10)
        {
            var command = new JsonObject { ["op"] = "gre", ["server"] = server, ["tag"] = tag, ["count"] = count, ["interval"] = 0.05, ["wait"] = 1.0 };
            command["key"] = key.HasValue ? JsonValue.Create(key.Value) : null;
            return ExchangeResult.From(Send(command));
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
}
