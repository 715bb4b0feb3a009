using NanoRouter.Core.Common;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Radio;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// Port forwarding in the admin app (issue 14): GET and PUT /api/forwards (Bearer, like the
    /// rest of the API), the rules in /api/status, and the section of the settings page with its
    /// form posts to /forwards (CSRF-checked like every form). A change is checked whole
    /// (<see cref="NatEngine.CheckForwards"/>) before anything changes, then saved with the settings
    /// and handed to the engine, which applies it at its next tick.
    /// </summary>
    public sealed partial class AdminApp
    {
        private readonly PortForwards _forwardEdit = new PortForwards();
        private string _forwardError;
        private string _forwardInExternal;
        private string _forwardInHost;
        private string _forwardInPort;
        private bool _forwardInUdp;

        private void HandleApiForwards(HttpRequest request, byte[] buffer, HttpResponse response)
        {
            if (request.Method == HttpMethod.Put)
            {
                ApiSetForwards(request, buffer, response);
            }
            else if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
            {
                StartJson(response, 200, "OK");
                WriteForwardsJson(response.Body);
            }
            else
            {
                MethodNotAllowed(response, "GET, HEAD, PUT");
            }
        }

        /// <summary>PUT /api/forwards: the whole list, <c>[{"protocol": "tcp", "externalPort": 8022,
        /// "host": "198.19.4.2", "port": 22, "enabled": true}]</c> ("enabled" may be left out: on;
        /// the counters GET adds, "flows" and "refused", are ignored). All or nothing.</summary>
        private void ApiSetForwards(HttpRequest request, byte[] buffer, HttpResponse response)
        {
            PortForwards next = _forwardEdit;
            next.Clear();
            if (!_json.BeginArray(buffer, request.BodyOffset, request.BodyLength))
            {
                JsonError(response, 400, "Bad Request", _json.Error);
                return;
            }

            while (_json.NextObject())
            {
                if (next.Count == PortForwards.Capacity)
                {
                    JsonError(response, 400, "Bad Request", "at most 8 port-forwarding rules");
                    return;
                }

                int protocol = -1;
                int external = -1;
                int port = -1;
                uint host = 0;
                bool enabled = true;
                while (_json.Next())
                {
                    JsonValueKind kind = _json.ValueKind;
                    if (_json.KeyIs("protocol"))
                    {
                        protocol = kind != JsonValueKind.String ? -2 : ProtocolOf(_json.StringBuffer, _json.StringLength);
                        if (protocol < 0)
                        {
                            JsonError(response, 400, "Bad Request", "\"protocol\" must be \"tcp\" or \"udp\"");
                            return;
                        }
                    }
                    else if (_json.KeyIs("externalPort") || _json.KeyIs("port"))
                    {
                        int value = kind == JsonValueKind.Number ? ParseDecimal(buffer, _json.ValueOffset, _json.ValueLength, 65535) : -1;
                        if (value < 1)
                        {
                            JsonError(response, 400, "Bad Request", "ports must be whole numbers from 1 to 65535");
                            return;
                        }

                        if (_json.KeyIs("port"))
                        {
                            port = value;
                        }
                        else
                        {
                            external = value;
                        }
                    }
                    else if (_json.KeyIs("host"))
                    {
                        host = kind == JsonValueKind.String ? Naming.ParseAddress(_json.StringBuffer, 0, _json.StringLength) : 0;
                        if (host == 0)
                        {
                            JsonError(response, 400, "Bad Request", "\"host\" must be an IPv4 address such as 198.19.4.2");
                            return;
                        }
                    }
                    else if (_json.KeyIs("enabled") && (kind == JsonValueKind.True || kind == JsonValueKind.False))
                    {
                        enabled = kind == JsonValueKind.True;
                    }
                    else if (_json.KeyIs("enabled"))
                    {
                        JsonError(response, 400, "Bad Request", "\"enabled\" must be true or false");
                        return;
                    }
                    else if (!_json.KeyIs("flows") && !_json.KeyIs("refused"))
                    {
                        JsonErrorUnknownKey(response);
                        return;
                    }
                }

                if (_json.Error != null)
                {
                    break;
                }

                if (protocol < 0 || external < 0 || port < 0 || host == 0)
                {
                    JsonError(response, 400, "Bad Request", "each rule needs \"protocol\", \"externalPort\", \"host\" and \"port\"");
                    return;
                }

                next.Add((byte)protocol, external, host, port, enabled);
            }

            if (_json.Error != null)
            {
                JsonError(response, 400, "Bad Request", _json.Error);
                return;
            }

            int bad;
            string problem = _engine.CheckForwards(next, out bad);
            if (problem != null)
            {
                StartJson(response, 400, "Bad Request");
                ByteWriter w = response.Body;
                w.Ascii("{\"error\":");
                w.JsonString(problem);
                w.Ascii(",\"rule\":");
                w.Int(bad);
                w.Byte((byte)'}');
                return;
            }

            CommitForwards(next);
            StartJson(response, 200, "OK");
            WriteForwardsJson(response.Body);
        }

        private void CommitForwards(PortForwards next)
        {
            _settings.Forwards.CopyFrom(next);
            _engine.SetForwards(next);
            SaveSettings();
        }

        /// <summary>The saved rules with their counters (a rule the engine has not taken yet counts 0).</summary>
        private void WriteForwardsJson(ByteWriter w)
        {
            PortForwards rules = _settings.Forwards;
            w.Byte((byte)'[');
            for (int i = 0; i < rules.Count; i++)
            {
                if (i > 0)
                {
                    w.Byte((byte)',');
                }

                w.Ascii("{\"protocol\":\"");
                w.Ascii(PortForwards.ProtocolName(rules.Protocol[i]));
                w.Ascii("\",\"externalPort\":");
                w.Int(rules.ExternalPort[i]);
                w.Ascii(",\"host\":\"");
                w.Address(rules.Host[i]);
                w.Ascii("\",\"port\":");
                w.Int(rules.Port[i]);
                w.Ascii(",\"enabled\":");
                w.Ascii(rules.Enabled[i] ? "true" : "false");
                w.Ascii(",\"flows\":");
                w.Int(ForwardCounter(i, false));
                w.Ascii(",\"refused\":");
                w.Int(ForwardCounter(i, true));
                w.Byte((byte)'}');
            }

            w.Byte((byte)']');
        }

        private int ForwardCounter(int rule, bool refused)
        {
            PortForwards live = _engine.Forwards;
            if (rule >= live.Count || !live.SameTarget(rule, _settings.Forwards, rule))
            {
                return 0;
            }

            return refused ? _engine.ForwardRefused(rule) : _engine.ForwardFlows(rule);
        }

        // ---- The settings page's section ----

        /// <summary>POST /forwards: op=add (fprotocol, fexternal, fhost, fport, fenabled), or
        /// op=toggle / op=delete with the rule's index. A refused change shows the settings page again
        /// (400) with the reason above the rules and the typed values kept.</summary>
        private void PostForwards(HttpResponse response)
        {
            PortForwards next = _forwardEdit;
            next.CopyFrom(_settings.Forwards);
            string problem = null;
            int bad = -1;
            if (_form.Find("op") == 1 && _form.ValueIs("add"))
            {
                problem = ReadForwardForm(next);
            }
            else if (_form.Find("op") == 1 && (_form.ValueIs("toggle") || _form.ValueIs("delete")))
            {
                bool delete = _form.ValueIs("delete");
                int index = _form.Find("index") == 1 ? ParseDecimal(_form.Value, 0, _form.ValueLength, PortForwards.Capacity) : -1;
                if (index < 0 || index >= next.Count)
                {
                    problem = "There is no such rule (reload the page).";
                }
                else if (delete)
                {
                    next.RemoveAt(index);
                }
                else
                {
                    next.Enabled[index] = !next.Enabled[index];
                }
            }
            else
            {
                problem = "Unknown port-forwarding action.";
            }

            if (problem == null)
            {
                problem = _engine.CheckForwards(next, out bad);
            }

            if (problem != null)
            {
                _forwardError = bad >= 0 && bad < _settings.Forwards.Count ? "Rule " + (bad + 1).ToString() + ": " + problem : problem;
                response.Restart(400, "Bad Request");
                FillSettingsValues();
                ShowPage(response, "Settings", "/settings", s_settingsPage);
                return;
            }

            CommitForwards(next);
            Redirect(response, "/settings#forwards");
        }

        private string ReadForwardForm(PortForwards next)
        {
            int protocol = _form.Find("fprotocol") == 1 ? ProtocolOf(_form.Value, _form.ValueLength) : -1;
            _forwardInUdp = protocol == PortForwards.ProtocolUdp;
            int external = ReadForwardNumber("fexternal", out _forwardInExternal);
            int port = ReadForwardNumber("fport", out _forwardInPort);
            uint host = 0;
            _forwardInHost = null;
            if (_form.Find("fhost") == 1 && _form.ValueLength <= 15)
            {
                _forwardInHost = _form.ValueString();
                host = Naming.ParseAddress(_form.Value, 0, _form.ValueLength);
            }

            bool enabled = _form.Find("fenabled") == 1;
            if (protocol < 0)
            {
                return "Choose TCP or UDP.";
            }

            if (external < 1 || port < 1)
            {
                return "Ports must be whole numbers from 1 to 65535.";
            }

            if (host == 0)
            {
                return "Enter the LAN host's IPv4 address, such as 198.19.4.2.";
            }

            if (!next.Add((byte)protocol, external, host, port, enabled))
            {
                return "All 8 rules are in use: delete one first.";
            }

            return null;
        }

        private int ReadForwardNumber(string name, out string shown)
        {
            shown = null;
            if (_form.Find(name) != 1 || _form.ValueLength > 5)
            {
                return -1;
            }

            shown = _form.ValueString();
            return ParseDecimal(_form.Value, 0, _form.ValueLength, 65535);
        }

        private bool WriteForwardSlot(int slot, ByteWriter w)
        {
            PortForwards rules = _settings.Forwards;
            switch (slot)
            {
                case Slot.ForwardSection:
                    s_forwardSection.Render(w, this);
                    return true;
                case Slot.ForwardRows:
                    if (rules.Count == 0)
                    {
                        w.Ascii("<tr><td colspan=8>No rules yet.</td></tr>");
                    }

                    for (int i = 0; i < rules.Count; i++)
                    {
                        _row = i;
                        s_forwardRow.Render(w, this);
                    }

                    return true;
                case Slot.ForwardIndex:
                    w.Int(_row);
                    return true;
                case Slot.ForwardProtocol:
                    w.Ascii(rules.Protocol[_row] == PortForwards.ProtocolUdp ? "UDP" : "TCP");
                    return true;
                case Slot.ForwardExternal:
                    w.Int(rules.ExternalPort[_row]);
                    return true;
                case Slot.ForwardHost:
                    w.Address(rules.Host[_row]);
                    return true;
                case Slot.ForwardPort:
                    w.Int(rules.Port[_row]);
                    return true;
                case Slot.ForwardState:
                    w.Ascii(rules.Enabled[_row] ? "on" : "off");
                    return true;
                case Slot.ForwardClass:
                    w.Ascii(rules.Enabled[_row] ? "on" : "off");
                    return true;
                case Slot.ForwardAction:
                    w.Ascii(rules.Enabled[_row] ? "Switch off" : "Switch on");
                    return true;
                case Slot.ForwardFlows:
                    w.Int(ForwardCounter(_row, false));
                    return true;
                case Slot.ForwardRefused:
                    w.Int(ForwardCounter(_row, true));
                    return true;
                case Slot.ForwardError:
                    if (_forwardError != null)
                    {
                        w.Ascii("<p class=error role=alert id=forward-error>");
                        w.Html(_forwardError);
                        w.Ascii("</p>");
                    }

                    return true;
                case Slot.ForwardInexternal:
                    WriteShown(w, _forwardInExternal);
                    return true;
                case Slot.ForwardInhost:
                    WriteShown(w, _forwardInHost);
                    return true;
                case Slot.ForwardInport:
                    WriteShown(w, _forwardInPort);
                    return true;
                case Slot.ForwardUdpselected:
                    if (_forwardInUdp)
                    {
                        w.Ascii(" selected");
                    }

                    return true;
                default:
                    return false;
            }
        }

        private void ClearForwardForm()
        {
            _forwardError = null;
            _forwardInExternal = null;
            _forwardInHost = null;
            _forwardInPort = null;
            _forwardInUdp = false;
        }

        private static void WriteShown(ByteWriter w, string value)
        {
            if (value != null)
            {
                w.Html(value);
            }
        }

        /// <summary>"tcp" or "udp" (bytes) to the IPv4 protocol number, else -1.</summary>
        private static int ProtocolOf(byte[] text, int length)
        {
            if (HttpRequestParser.Equals(text, 0, length, "tcp"))
            {
                return PortForwards.ProtocolTcp;
            }

            return HttpRequestParser.Equals(text, 0, length, "udp") ? PortForwards.ProtocolUdp : -1;
        }

        /// <summary>Plain decimal digits (1 to 5 of them) up to <paramref name="max"/>, else -1.</summary>
        private static int ParseDecimal(byte[] text, int offset, int length, int max)
        {
            if (length < 1 || length > 5)
            {
                return -1;
            }

            int value = 0;
            for (int i = offset; i < offset + length; i++)
            {
                int digit = text[i] - '0';
                if (digit < 0 || digit > 9)
                {
                    return -1;
                }

                value = (value * 10) + digit;
            }

            return value <= max ? value : -1;
        }
    }
}
