using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.E2E.Vpn.Lab;
using NanoRouter.E2E.Vpn.Peers;

namespace NanoRouter.E2E.Vpn.Tests
{
    /// <summary>
    /// Each passthrough rule switched off through the admin JSON API blocks exactly its protocol,
    /// and switched on again restores it. Probes: raw ESP, UDP 500 (IKE), UDP 4500 (NAT-T),
    /// UDP 1701 (L2TP) and keyed GRE v0 against the scapy responder; a real pptp-linux call
    /// (TCP 1723 + GRE v1) against pptpd.
    /// </summary>
    [TestClass]
    public sealed class ToggleTests : VpnTestBase
    {
        private static readonly string[] s_keys = { "esp", "ike", "natt", "l2tp", "pptp", "gre" };
        private uint _nextSpi = 0x0000_5000;
        private uint _nextKey = 5000;
        private int _pptpClients;

        [TestMethod]
        public void Toggles_EachProtocolOffBlocksExactlyItAndOnRestoresIt()
        {
            using var lab = NewLab(lanHosts: 2, servers: 2);
            RawPeer.Start(lab, lab.ServerNs(1), "responder", respond: true);
            Pptp.StartServer(lab, 2);
            var lan1 = RawPeer.Start(lab, lab.LanNs(1), "probe-lan1", false);

            // Problems are collected so one run reports every protocol, then fails once.
            var problems = new List<string>();
            var all = Probe(lab, lan1, s_keys);
            var broken = all.Where(r => !r.Value).Select(r => r.Key).ToList();
            if (broken.Count > 0)
            {
                problems.Add("with every rule on, probes failed: " + Describe(all) + " (these cannot show blocking below)");
            }
            var admin = lab.Router.Admin;
            if (admin == null)
            {
                Expect(lab, problems.Count == 0, string.Join("\n", problems));
                lab.Passed = true;
                Assert.Inconclusive("the " + lab.Kind + " router has no admin API (the probes all passed with nothing switched off)");
            }
            admin.Login();

            foreach (var key in s_keys)
            {
                var off = admin.SetPassthrough(key, false);
                Expect(lab, off.Status == 200 && Enabled(off.Json(), key) == false, "PUT /api/passthrough {\"" + key + "\":false} returned " + off);
                var status = admin.Status();
                Expect(lab, status.Status == 200 && Enabled(status.Json()?["passthrough"], key) == false, "GET /api/status does not show " + key + " off: " + status);
                long dropsBefore = Drops(status.Json(), key);

                var results = Probe(lab, lan1, s_keys);
                if (!broken.Contains(key))
                {
                    if (results[key])
                    {
                        problems.Add("with " + key + " off, its probe still got through");
                    }
                    long dropsAfter = Drops(admin.Status().Json(), key);
                    if (dropsAfter <= dropsBefore)
                    {
                        problems.Add(key + "'s drop counter did not grow while it was off (" + dropsBefore + " -> " + dropsAfter + ")");
                    }
                }
                var others = results.Where(r => r.Key != key && !r.Value && !broken.Contains(r.Key)).Select(r => r.Key).ToList();
                if (others.Count > 0)
                {
                    problems.Add("with only " + key + " off, these other protocols failed too: " + string.Join(", ", others));
                }

                var on = admin.SetPassthrough(key, true);
                Expect(lab, on.Status == 200 && Enabled(on.Json(), key) == true, "PUT /api/passthrough {\"" + key + "\":true} returned " + on);
                if (!broken.Contains(key) && !Probe(lab, lan1, new[] { key })[key])
                {
                    problems.Add("switching " + key + " back on did not restore it");
                }
            }
            Expect(lab, problems.Count == 0, string.Join("\n", problems));
            lab.Passed = true;
        }

        /// <summary>The "enabled" flag of one rule in a passthrough object (PUT answer or status["passthrough"]).</summary>
        private static bool? Enabled(JsonNode passthrough, string key)
        {
            var rule = passthrough?[key];
            if (rule is JsonValue flat && flat.TryGetValue(out bool direct))
            {
                return direct;
            }
            var enabled = rule?["enabled"];
            return enabled != null && enabled.AsValue().TryGetValue(out bool value) ? value : null;
        }

        private static long Drops(JsonNode status, string key)
        {
            var drops = status?["passthrough"]?[key]?["drops"];
            return drops != null && drops.AsValue().TryGetValue(out long value) ? value : -1;
        }

        private static string Describe(Dictionary<string, bool> results) => string.Join(", ", results.Select(r => r.Key + "=" + (r.Value ? "ok" : "FAILED")));

        /// <summary>Runs the probes of the given protocols; true = the protocol got through.</summary>
        private Dictionary<string, bool> Probe(VpnLab lab, RawPeer lan1, IEnumerable<string> keys)
        {
            var server = VpnLab.ServerAddress(1);
            var results = new Dictionary<string, bool>();
            foreach (var key in keys)
            {
                ExchangeResult r;
                switch (key)
                {
                    case "esp":
                        r = lan1.Esp(server, _nextSpi++, "esp", 3);
                        break;
                    case "ike":
                        r = lan1.Udp(server, 500, 500, "ike", 3);
                        break;
                    case "natt":
                        r = lan1.Udp(server, 4500, 4500, "natt", 3);
                        break;
                    case "l2tp":
                        r = lan1.Udp(server, 1701, 1701, "l2tp", 3);
                        break;
                    case "gre":
                        r = lan1.Gre(server, _nextKey++, "gre", 3);
                        break;
                    default:
                        results[key] = PptpCall(lab);
                        continue;
                }
                results[key] = r.Own == r.Sent;
            }
            return results;
        }

        /// <summary>A fresh pptp-linux call from LAN host 2; true when PPP echoes came back over GRE v1.</summary>
        private bool PptpCall(VpnLab lab)
        {
            _pptpClients++;
            var client = Pptp.StartClient(lab, 2, 2, "-" + _pptpClients);
            bool ok = WaitUntil(() => client.Ppp().Any(p => p.Opened && p.EchoRepliesReceived >= 2), TimeSpan.FromSeconds(6));
            client.Stop();
            return ok;
        }
    }
}
