using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;

namespace NanoRouter.Core.Admin
{
    /// <summary>The JSON API: POST /api/login, GET /api/status, GET/PUT /api/passthrough, GET /api/vpn
    /// (AdminApp.Vpn.cs), GET/PUT /api/forwards (AdminApp.Forwards.cs), POST /api/logout.</summary>
    public sealed partial class AdminApp
    {
        private void HandleApi(HttpRequest request, byte[] buffer, uint remoteAddress, HttpResponse response)
        {
            // A page on another origin (the admin's own browser, so the admin's own address) gets
            // nothing here, and its attempts never count as failed logins: scripts send no Origin,
            // browsers always send it on a cross-origin POST. A body must say it is JSON, which a
            // browser sends across origins only after a CORS preflight this server never grants
            // (no-cors requests can carry only text/plain and form types).
            if (!OriginMatchesHost(request, buffer))
            {
                JsonError(response, 403, "Forbidden", "cross-origin requests are refused");
                return;
            }

            if ((request.Method == HttpMethod.Post || request.Method == HttpMethod.Put) && request.BodyLength > 0 && !IsJson(request, buffer))
            {
                JsonError(response, 415, "Unsupported Media Type", "send the body as Content-Type: application/json");
                return;
            }

            if (request.PathIs("/api/login"))
            {
                if (request.Method != HttpMethod.Post)
                {
                    MethodNotAllowed(response, "POST");
                    return;
                }

                ApiLogin(request, buffer, remoteAddress, response);
                return;
            }

            _session = FindBearerSession(request, buffer);
            if (_session < 0)
            {
                response.Begin(401, "Unauthorized");
                response.BearerChallenge = true;
                JsonError(response, 401, "Unauthorized", "log in first: POST /api/login, then send Authorization: Bearer <token>");
                return;
            }

            if (request.PathIs("/api/status"))
            {
                if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
                {
                    MethodNotAllowed(response, "GET, HEAD");
                    return;
                }

                StartJson(response, 200, "OK");
                WriteStatusJson(response.Body);
            }
            else if (request.PathIs("/api/passthrough"))
            {
                if (request.Method == HttpMethod.Put)
                {
                    ApiSetPassthrough(request, buffer, response);
                }
                else if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
                {
                    StartJson(response, 200, "OK");
                    WritePassthroughJson(response.Body);
                }
                else
                {
                    MethodNotAllowed(response, "GET, HEAD, PUT");
                }
            }
            else if (request.PathIs("/api/forwards"))
            {
                HandleApiForwards(request, buffer, response);
            }
            else if (request.PathIs("/api/vpn"))
            {
                ApiVpn(request, response);
            }
            else if (request.PathIs("/api/logout"))
            {
                if (request.Method != HttpMethod.Post)
                {
                    MethodNotAllowed(response, "POST");
                    return;
                }

                _sessions.Remove(_session);
                StartJson(response, 200, "OK");
                response.Body.Ascii("{}");
            }
            else
            {
                JsonError(response, 404, "Not Found", "no such API call");
            }
        }

        /// <summary>Whether Content-Type is application/json, with or without parameters.</summary>
        private static bool IsJson(HttpRequest request, byte[] buffer)
        {
            const string Json = "application/json";
            int length = request.ContentTypeLength;
            if (request.ContentTypeOffset < 0 || length < Json.Length || !HttpRequestParser.EqualsIgnoreCase(buffer, request.ContentTypeOffset, Json.Length, Json))
            {
                return false;
            }

            int i = request.ContentTypeOffset + Json.Length;
            int end = request.ContentTypeOffset + length;
            while (i < end && (buffer[i] == (byte)' ' || buffer[i] == (byte)'\t'))
            {
                i++;
            }

            return i == end || buffer[i] == (byte)';';
        }

        private int FindBearerSession(HttpRequest request, byte[] buffer)
        {
            const string Scheme = "bearer ";
            if (request.AuthorizationOffset < 0 || request.AuthorizationLength <= Scheme.Length)
            {
                return -1;
            }

            if (!HttpRequestParser.EqualsIgnoreCase(buffer, request.AuthorizationOffset, Scheme.Length, Scheme))
            {
                return -1;
            }

            return _sessions.Find(buffer, request.AuthorizationOffset + Scheme.Length, request.AuthorizationLength - Scheme.Length, NowMs);
        }

        private void ApiLogin(HttpRequest request, byte[] buffer, uint remoteAddress, HttpResponse response)
        {
            if (!_settings.HasAdminPassword)
            {
                JsonError(response, 403, "Forbidden", "no admin password yet: open the router's web page to set one");
                return;
            }

            int retryMs = _rateLimiter.RetryAfterMs(remoteAddress, NowMs);
            if (retryMs > 0)
            {
                TooManyAttempts(response, retryMs, true);
                return;
            }

            if (!_json.Begin(buffer, request.BodyOffset, request.BodyLength))
            {
                JsonError(response, 400, "Bad Request", _json.Error);
                return;
            }

            int passwordLength = -1;
            while (_json.Next())
            {
                if (_json.KeyIs("password") && _json.ValueKind == JsonValueKind.String)
                {
                    passwordLength = _json.StringLength;
                    System.Array.Copy(_json.StringBuffer, 0, _form.Value, 0, passwordLength);
                }
                else if (_json.KeyIs("password"))
                {
                    JsonError(response, 400, "Bad Request", "\"password\" must be a string");
                    return;
                }
                else
                {
                    JsonErrorUnknownKey(response);
                    return;
                }
            }

            if (_json.Error != null)
            {
                JsonError(response, 400, "Bad Request", _json.Error);
                return;
            }

            if (passwordLength < 0)
            {
                JsonError(response, 400, "Bad Request", "missing \"password\"");
                return;
            }

            bool good = CheckAdminPassword(_form.Value, passwordLength, true);
            System.Array.Clear(_form.Value, 0, FormReader.MaxValueBytes);
            if (!good)
            {
                _rateLimiter.Failed(remoteAddress, NowMs);
                JsonError(response, 401, "Unauthorized", "wrong password");
                return;
            }

            _rateLimiter.Succeeded(remoteAddress);
            int session = _sessions.Create(_entropy, NowMs);
            StartJson(response, 200, "OK");
            ByteWriter w = response.Body;
            w.Ascii("{\"token\":\"");
            w.Hex(_sessions.Token(session), 0, SessionTable.TokenBytes);
            w.Ascii("\",\"idleTimeoutSeconds\":");
            w.Int(_sessions.IdleTimeoutMs / 1000);
            w.Byte((byte)'}');
        }

        private void ApiSetPassthrough(HttpRequest request, byte[] buffer, HttpResponse response)
        {
            // Validate the whole object first, then apply: a bad member changes nothing.
            for (int pass = 0; pass < 2; pass++)
            {
                if (!_json.Begin(buffer, request.BodyOffset, request.BodyLength))
                {
                    JsonError(response, 400, "Bad Request", _json.Error);
                    return;
                }

                while (_json.Next())
                {
                    PassthroughProtocol protocol;
                    if (!TryParseRuleKey(out protocol))
                    {
                        JsonErrorUnknownKey(response);
                        return;
                    }

                    if (_json.ValueKind != JsonValueKind.True && _json.ValueKind != JsonValueKind.False)
                    {
                        StartJson(response, 400, "Bad Request");
                        ByteWriter w = response.Body;
                        w.Ascii("{\"error\":\"value of ");
                        w.Ascii(PassthroughRules.KeyOf(protocol));
                        w.Ascii(" must be true or false\"}");
                        return;
                    }

                    if (pass == 1)
                    {
                        bool enabled = _json.ValueKind == JsonValueKind.True;
                        _engine.Passthrough.SetEnabled(protocol, enabled);
                        _settings.SetPassthroughEnabled(protocol, enabled);
                    }
                }

                if (_json.Error != null)
                {
                    JsonError(response, 400, "Bad Request", _json.Error);
                    return;
                }
            }

            SaveSettings();
            StartJson(response, 200, "OK");
            WritePassthroughJson(response.Body);
        }

        private bool TryParseRuleKey(out PassthroughProtocol protocol)
        {
            for (int i = 0; i < PassthroughRules.Count; i++)
            {
                if (_json.KeyIs(PassthroughRules.KeyOf((PassthroughProtocol)i)))
                {
                    protocol = (PassthroughProtocol)i;
                    return true;
                }
            }

            protocol = PassthroughProtocol.Esp;
            return false;
        }

        private void WriteStatusJson(ByteWriter w)
        {
            w.Ascii("{\"uplink\":{\"connected\":");
            w.Ascii(_host.UplinkConnected ? "true" : "false");
            w.Ascii(",\"ssid\":");
            WifiText ssid = _host.UplinkSsid;
            w.JsonUtf8(ssid.Bytes, 0, ssid.Length);
            w.Ascii(",\"wifiNotice\":");
            string wifiNotice = _host.WifiNotice;
            if (wifiNotice == null)
            {
                w.Ascii("null");
            }
            else
            {
                w.JsonString(wifiNotice);
            }

            w.Ascii(",\"address\":");
            if (_host.UplinkAddress == 0)
            {
                w.Ascii("null");
            }
            else
            {
                w.Byte((byte)'"');
                w.Address(_host.UplinkAddress);
                w.Byte((byte)'"');
            }

            w.Ascii(",\"rssi\":");
            if (_host.UplinkRssi == 0)
            {
                w.Ascii("null");
            }
            else
            {
                w.Int(_host.UplinkRssi);
            }

            w.Ascii("},\"clients\":[");
            int clients = _host.ClientCount;
            for (int i = 0; i < clients; i++)
            {
                if (i > 0)
                {
                    w.Byte((byte)',');
                }

                w.Ascii("{\"address\":\"");
                w.Address(_host.ClientAddress(i));
                w.Ascii("\",\"mac\":");
                w.JsonString(_host.ClientMac(i));
                w.Ascii(",\"entries\":");
                w.Int(ClientEntries(i));
                w.Byte((byte)'}');
            }

            w.Ascii("],\"nat\":{\"capacity\":");
            w.Int(_engine.Capacity);
            w.Ascii(",\"active\":");
            w.Int(_engine.ActiveEntries);
            w.Ascii(",\"hostQuota\":");
            w.Int(_engine.HostQuota);
            w.Ascii(",\"drops\":");
            w.Int(_engine.TotalDrops);
            w.Ascii(",\"dropReasons\":{");
            for (int i = 1; i < DropReasons.Count; i++)
            {
                if (i > 1)
                {
                    w.Byte((byte)',');
                }

                w.Byte((byte)'"');
                w.Ascii(DropReasons.KeyOf((DropReason)i));
                w.Ascii("\":");
                w.Int(_engine.DropCount((DropReason)i));
            }

            w.Ascii("},\"evictions\":{\"expired\":");
            w.Int(_engine.EvictedExpired);
            w.Ascii(",\"quota\":");
            w.Int(_engine.EvictedQuota);
            w.Ascii(",\"idle\":");
            w.Int(_engine.EvictedIdle);
            w.Ascii("}},\"passthrough\":");
            WritePassthroughJson(w);
            w.Ascii(",\"forwards\":");
            WriteForwardsJson(w);
            w.Ascii(",\"settings\":{\"status\":\"");
            w.Ascii(SettingsStateKey());
            w.Ascii("\",\"adminPasswordSet\":");
            w.Ascii(_settings.HasAdminPassword ? "true" : "false");
            w.Ascii("}}");
        }

        /// <summary>NAT entries the i-th access point client holds (the engine keys hosts by the
        /// address's last byte); 0 when its address is unknown.</summary>
        private int ClientEntries(int i)
        {
            uint address = _host.ClientAddress(i);
            return address == 0 ? 0 : _engine.HostEntries((int)(address & 0xFF));
        }

        private void WritePassthroughJson(ByteWriter w)
        {
            PassthroughRules rules = _engine.Passthrough;
            w.Byte((byte)'{');
            for (int i = 0; i < PassthroughRules.Count; i++)
            {
                PassthroughProtocol p = (PassthroughProtocol)i;
                if (i > 0)
                {
                    w.Byte((byte)',');
                }

                w.Byte((byte)'"');
                w.Ascii(PassthroughRules.KeyOf(p));
                w.Ascii("\":{\"enabled\":");
                w.Ascii(rules.IsEnabled(p) ? "true" : "false");
                w.Ascii(",\"packetsOut\":");
                w.Int(rules.PacketsOut(p));
                w.Ascii(",\"packetsIn\":");
                w.Int(rules.PacketsIn(p));
                w.Ascii(",\"drops\":");
                w.Int(rules.Drops(p));
                w.Ascii(",\"mappings\":");
                w.Int(rules.Mappings(p));
                w.Byte((byte)'}');
            }

            w.Byte((byte)'}');
        }

        private string SettingsStateKey()
        {
            if (_saveFailed)
            {
                return "saveFailed";
            }

            switch (_store.LastLoad)
            {
                case SettingsLoadStatus.Loaded:
                    return "loaded";
                case SettingsLoadStatus.Corrupt:
                    return "corrupt";
                case SettingsLoadStatus.UnknownVersion:
                    return "unknownVersion";
                default:
                    return "empty";
            }
        }

        private static void StartJson(HttpResponse response, int status, string reason)
        {
            response.Restart(status, reason);
            response.ContentType = ApplicationJson;
        }

        private static void JsonError(HttpResponse response, int status, string reason, string message)
        {
            StartJson(response, status, reason);
            response.Body.Ascii("{\"error\":");
            response.Body.JsonString(message);
            response.Body.Byte((byte)'}');
        }

        private void JsonErrorUnknownKey(HttpResponse response)
        {
            StartJson(response, 400, "Bad Request");
            ByteWriter w = response.Body;
            w.Ascii("{\"error\":\"unknown key\",\"key\":");
            string key = Utf8.Decode(_json.KeyBuffer, 0, _json.KeyLength);
            w.JsonString(key == null ? "?" : key);
            w.Byte((byte)'}');
        }

        private void MethodNotAllowed(HttpResponse response, string allow)
        {
            response.Allow = allow;
            JsonError(response, 405, "Method Not Allowed", "method not allowed");
        }

        private void TooManyAttempts(HttpResponse response, int retryMs, bool json)
        {
            response.RetryAfterSeconds = (retryMs + 999) / 1000;
            if (json)
            {
                JsonError(response, 429, "Too Many Requests", "too many failed logins; try again later");
            }
        }
    }
}
