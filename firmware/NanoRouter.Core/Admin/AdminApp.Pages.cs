using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;

namespace NanoRouter.Core.Admin
{
    /// <summary>The HTML pages: setup, login, status, passthrough, settings, system.</summary>
    public sealed partial class AdminApp
    {
        private const int FieldCount = 15;

        private static readonly string[] s_fieldNames = new string[]
        {
            "uplinkssid", "uplinkpassword", "apssid", "appassword", "apchannel", "hostname",
            "udptimeout", "tcpestablished", "tcptransitory", "icmptimeout", "mssclamp",
            "password", "confirm", "current", "newpassword",
        };

        private const int FieldUplinkSsid = 0;
        private const int FieldUplinkPassword = 1;
        private const int FieldApSsid = 2;
        private const int FieldApPassword = 3;
        private const int FieldApChannel = 4;
        private const int FieldHostName = 5;
        private const int FieldUdpTimeout = 6;
        private const int FieldTcpEstablished = 7;
        private const int FieldTcpTransitory = 8;
        private const int FieldIcmpTimeout = 9;
        private const int FieldMssClamp = 10;
        private const int FieldPassword = 11;
        private const int FieldConfirm = 12;
        private const int FieldCurrent = 13;
        private const int FieldNewPassword = 14;

        private static readonly string[] s_ruleNames = new string[]
        {
            "IPsec ESP", "IKE (UDP 500)", "NAT-T (UDP 4500)", "L2TP (UDP 1701)", "PPTP (TCP 1723 + GRE)", "GRE (IP 47)",
        };

        private static readonly string[] s_rulePurposes = new string[]
        {
            "The encrypted data of IPsec VPNs (IP protocol 50), when they do not use NAT traversal.",
            "Sets up IPsec VPN tunnels (the key exchange). Needed by every IPsec VPN.",
            "IPsec wrapped in UDP, used by most IPsec VPNs behind NAT, and by IKE after the first exchange.",
            "Layer 2 Tunneling Protocol, usually inside IPsec (L2TP/IPsec VPNs).",
            "Old Microsoft VPN: control on TCP 1723, data in GRE. Weak; leave off unless needed.",
            "Plain GRE tunnels (IP protocol 47, version 0), for site-to-site links.",
        };

        private static readonly Template s_layout;
        private static readonly Template s_nav;
        private static readonly Template s_navLink;
        private static readonly Template s_banner;
        private static readonly Template s_setup;
        private static readonly Template s_setupWait;
        private static readonly Template s_login;
        private static readonly Template s_status;
        private static readonly Template s_statusRow;
        private static readonly Template s_clientTable;
        private static readonly Template s_clientRow;
        private static readonly Template s_passthrough;
        private static readonly Template s_switchRow;
        private static readonly Template s_settingsPage;
        private static readonly Template s_fieldError;
        private static readonly Template s_system;
        private static readonly Template s_confirm;
        private static readonly Template s_message;
        private static readonly Template s_forwardSection;
        private static readonly Template s_forwardRow;

        /// <summary>Builds the templates; the slot names they are built from are garbage afterwards.</summary>
        static AdminApp()
        {
            string[] names = Slot.Names(s_fieldNames);
            s_layout = new Template(AdminPages.Layout, names);
            s_nav = new Template(AdminPages.Nav, names);
            s_navLink = new Template(AdminPages.NavLink, names);
            s_banner = new Template(AdminPages.Banner, names);
            s_setup = new Template(AdminPages.Setup, names);
            s_setupWait = new Template(AdminPages.SetupWait, names);
            s_login = new Template(AdminPages.Login, names);
            s_status = new Template(AdminPages.Status, names);
            s_statusRow = new Template(AdminPages.StatusRow, names);
            s_clientTable = new Template(AdminPages.ClientTable, names);
            s_clientRow = new Template(AdminPages.ClientRow, names);
            s_passthrough = new Template(AdminPages.Passthrough, names);
            s_switchRow = new Template(AdminPages.SwitchRow, names);
            s_settingsPage = new Template(AdminPages.Settings, names);
            s_fieldError = new Template(AdminPages.FieldError, names);
            s_system = new Template(AdminPages.System, names);
            s_confirm = new Template(AdminPages.Confirm, names);
            s_message = new Template(AdminPages.Message, names);
            s_forwardSection = new Template(ForwardPages.Section, names);
            s_forwardRow = new Template(ForwardPages.Row, names);
        }

        private static readonly string[] s_navHrefs = new string[] { "/", "/vpn", "/passthrough", "/settings", "/system" };
        private static readonly string[] s_navLabels = new string[] { "Status", "VPN", "Passthrough", "Settings", "System" };

        private readonly string[] _fieldValues = new string[FieldCount];

        // The values the settings form shows again for its two network names, as bytes.
        private readonly WifiText _uplinkSsidValue = new WifiText();
        private readonly WifiText _apSsidValue = new WifiText();
        private readonly string[] _fieldErrors = new string[FieldCount];
        private string _fieldErrorMessage;

        private void HandlePage(HttpRequest request, byte[] buffer, uint remoteAddress, HttpResponse response)
        {
            bool get = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
            bool post = request.Method == HttpMethod.Post;
            if (request.PathIs("/style.css"))
            {
                if (!get)
                {
                    PageMethodNotAllowed(response, "GET, HEAD");
                    return;
                }

                response.ContentType = "text/css; charset=utf-8";
                response.Cacheable = true;
                response.Body.Ascii(AdminPages.StyleSheet);
                return;
            }

            if (request.PathIs("/favicon.ico"))
            {
                response.Restart(404, "Not Found");
                return;
            }

            if (!get && !post)
            {
                PageMethodNotAllowed(response, "GET, HEAD, POST");
                return;
            }

            if (post && !OriginMatchesHost(request, buffer))
            {
                WriteError(response, 403, "Forbidden", "cross-origin form posts are refused");
                return;
            }

            // First boot: nothing but the setup page until an admin password exists.
            if (!_settings.HasAdminPassword)
            {
                if (request.PathIs("/setup"))
                {
                    if (post)
                    {
                        PostSetup(response);
                    }
                    else
                    {
                        GetSetup(response, remoteAddress);
                    }
                }
                else
                {
                    Redirect(response, "/setup");
                }

                return;
            }

            if (request.PathIs("/login"))
            {
                if (post)
                {
                    PostLogin(response, remoteAddress);
                }
                else
                {
                    ShowPreSessionForm(response, "Log in", s_login);
                }

                return;
            }

            if (request.PathIs("/setup"))
            {
                Redirect(response, "/");
                return;
            }

            int cookieOffset;
            int cookieLength;
            _session = FindCookie(SessionCookie, out cookieOffset, out cookieLength) ? _sessions.Find(buffer, cookieOffset, cookieLength, NowMs) : -1;
            if (_session < 0)
            {
                Redirect(response, "/login");
                return;
            }

            if (post)
            {
                _form.Begin(buffer, request.BodyOffset, request.BodyLength);
                if (!CsrfValid())
                {
                    WriteError(response, 403, "Forbidden", "missing or wrong CSRF token: reload the page and try again");
                    return;
                }
            }

            if (request.PathIs("/vpn"))
            {
                PageVpn(request, response);
            }
            else if (request.PathIs("/"))
            {
                if (!get)
                {
                    PageMethodNotAllowed(response, "GET, HEAD");
                    return;
                }

                ShowPage(response, "Status", "/", s_status);
            }
            else if (request.PathIs("/passthrough"))
            {
                if (post)
                {
                    PostPassthrough(response);
                }
                else
                {
                    ShowPage(response, "VPN passthrough", "/passthrough", s_passthrough);
                }
            }
            else if (request.PathIs("/settings"))
            {
                if (post)
                {
                    PostSettings(response);
                }
                else
                {
                    FillSettingsValues();
                    ShowPage(response, "Settings", "/settings", s_settingsPage);
                }
            }
            else if (request.PathIs("/forwards"))
            {
                if (!post)
                {
                    Redirect(response, "/settings");
                    return;
                }

                PostForwards(response);
            }
            else if (request.PathIs("/password"))
            {
                if (!post)
                {
                    Redirect(response, "/settings");
                    return;
                }

                PostPassword(response);
            }
            else if (request.PathIs("/system"))
            {
                if (!get)
                {
                    PageMethodNotAllowed(response, "GET, HEAD");
                    return;
                }

                ShowPage(response, "System", "/system", s_system);
            }
            else if (request.PathIs("/reboot"))
            {
                if (post)
                {
                    PostReboot(response);
                }
                else
                {
                    ShowConfirm(response, "Reboot", "Reboot the router now?", "/reboot", "Reboot now");
                }
            }
            else if (request.PathIs("/reset"))
            {
                if (post)
                {
                    PostFactoryReset(response);
                }
                else
                {
                    ShowConfirm(response, "Factory reset", "Erase every setting, including the admin password, and restart? This cannot be undone.", "/reset", "Erase everything");
                }
            }
            else if (request.PathIs("/logout"))
            {
                if (!post)
                {
                    Redirect(response, "/");
                    return;
                }

                _sessions.Remove(_session);
                _session = -1;
                response.SetCookie(SessionCookie, null, "/", true);
                Redirect(response, "/login");
            }
            else
            {
                response.Begin(404, "Not Found");
                ShowMessage(response, "Not found", "There is no such page.", "/");
            }
        }

        private bool CsrfValid()
        {
            if (_form.Find("csrf") != 1)
            {
                return false;
            }

            return _sessions.CsrfMatches(_session, _form.Value, 0, _form.ValueLength);
        }

        // ---- Setup and login (before a session: double-submit CSRF cookie) ----

        private void ShowPreSessionForm(HttpResponse response, string title, Template form)
        {
            // Keep the browser's token when it has one, so that a second tab (or the favicon
            // request a browser makes) does not invalidate the form already shown.
            int offset;
            int length;
            if (!FindCookie(PreSessionCookie, out offset, out length) || length != 2 * SessionTable.TokenBytes || !SessionTable.DecodeHex(_buffer, offset, _preSession))
            {
                _entropy.Fill(_preSession, 0, SessionTable.TokenBytes);
            }

            response.SetCookie(PreSessionCookie, _preSession, "/", false);
            ShowPage(response, title, null, form);
        }

        private bool PreSessionCsrfValid()
        {
            int offset;
            int length;
            if (!FindCookie(PreSessionCookie, out offset, out length) || length != 2 * SessionTable.TokenBytes)
            {
                return false;
            }

            if (!SessionTable.DecodeHex(_buffer, offset, _preSession))
            {
                return false;
            }

            if (_form.Find("csrf") != 1 || _form.ValueLength != 2 * SessionTable.TokenBytes)
            {
                return false;
            }

            // Compare the form's hex against the cookie's (both decoded to bytes).
            byte[] fromForm = _scratch;
            if (!SessionTable.DecodeHex(_form.Value, 0, fromForm))
            {
                return false;
            }

            return ConstantTime.Same(fromForm, 0, _preSession, 0, SessionTable.TokenBytes);
        }

        private readonly byte[] _passwordBytes = new byte[FormReader.MaxValueBytes];

        /// <summary>Reads a new password and its confirmation into <see cref="_passwordBytes"/>, setting field errors.</summary>
        private bool ReadNewPassword(string fieldName, int field, out int count)
        {
            count = 0;
            int found = _form.Find(fieldName);
            if (found != 1 || _form.ValueLength < MinPasswordBytes)
            {
                _fieldErrors[field] = "Use at least 8 characters.";
                return false;
            }

            if (_form.ValueLength > MaxPasswordBytes || Utf8.Decode(_form.Value, 0, _form.ValueLength) == null)
            {
                _fieldErrors[field] = "Use at most 128 bytes of text.";
                return false;
            }

            count = _form.ValueLength;
            System.Array.Copy(_form.Value, 0, _passwordBytes, 0, count);
            if (_form.Find("confirm") != 1 || _form.ValueLength != count || !ConstantTime.Same(_form.Value, 0, _passwordBytes, 0, count))
            {
                _fieldErrors[FieldConfirm] = "The two passwords differ.";
                System.Array.Clear(_passwordBytes, 0, _passwordBytes.Length);
                return false;
            }

            System.Array.Clear(_form.Value, 0, FormReader.MaxValueBytes);
            return true;
        }

        private void PostLogin(HttpResponse response, uint remoteAddress)
        {
            _form.Begin(_buffer, _request.BodyOffset, _request.BodyLength);
            if (!PreSessionCsrfValid())
            {
                WriteError(response, 403, "Forbidden", "missing or wrong CSRF token: reload the page and try again");
                return;
            }

            int retryMs = _rateLimiter.RetryAfterMs(remoteAddress, NowMs);
            if (retryMs > 0)
            {
                response.Restart(429, "Too Many Requests");
                TooManyAttempts(response, retryMs, false);
                _fieldErrors[FieldPassword] = "Too many wrong passwords. Wait a minute and try again.";
                ShowPreSessionForm(response, "Log in", s_login);
                return;
            }

            bool good = _form.Find("password") == 1 && CheckAdminPassword(_form.Value, _form.ValueLength, true);
            System.Array.Clear(_form.Value, 0, FormReader.MaxValueBytes);
            if (!good)
            {
                _rateLimiter.Failed(remoteAddress, NowMs);
                response.Restart(401, "Unauthorized");
                _fieldErrors[FieldPassword] = "Wrong password.";
                ShowPreSessionForm(response, "Log in", s_login);
                return;
            }

            _rateLimiter.Succeeded(remoteAddress);
            StartSession(response);
            Redirect(response, "/");
        }

        private void StartSession(HttpResponse response)
        {
            _session = _sessions.Create(_entropy, NowMs);
            response.SetCookie(SessionCookie, _sessions.Token(_session), "/", false);
            response.SetCookie(PreSessionCookie, null, "/", true);
        }

        // ---- Passthrough ----

        private void PostPassthrough(HttpResponse response)
        {
            bool any = false;
            for (int i = 0; i < PassthroughRules.Count; i++)
            {
                PassthroughProtocol p = (PassthroughProtocol)i;
                int found = _form.Find(PassthroughRules.KeyOf(p));
                if (found == 0)
                {
                    continue;
                }

                bool on = _form.ValueIs("on");
                if (found < 0 || (!on && !_form.ValueIs("off")))
                {
                    WriteError(response, 400, "Bad Request", "a passthrough switch must be on or off");
                    return;
                }

                _engine.Passthrough.SetEnabled(p, on);
                _settings.SetPassthroughEnabled(p, on);
                any = true;
            }

            if (any)
            {
                SaveSettings();
            }

            Redirect(response, "/passthrough");
        }

        // ---- Settings ----

        private void FillSettingsValues()
        {
            _uplinkSsidValue.CopyFrom(_settings.UplinkSsid);
            _apSsidValue.CopyFrom(_settings.ApSsid.Length > 0 ? _settings.ApSsid : _host.AccessPointSsid);
            _fieldValues[FieldApChannel] = _settings.ApChannel.ToString();
            _fieldValues[FieldHostName] = _settings.HostName;
            _fieldValues[FieldUdpTimeout] = _settings.UdpTimeoutSeconds.ToString();
            _fieldValues[FieldTcpEstablished] = _settings.TcpEstablishedTimeoutSeconds.ToString();
            _fieldValues[FieldTcpTransitory] = _settings.TcpTransitoryTimeoutSeconds.ToString();
            _fieldValues[FieldIcmpTimeout] = _settings.IcmpTimeoutSeconds.ToString();
            _fieldValues[FieldMssClamp] = _settings.MssClamp.ToString();
        }

        private void PostSettings(HttpResponse response)
        {
            RouterSettings next = _pending;
            next.CopyFrom(_settings);
            bool ok = true;
            ok &= ReadWifiName(FieldUplinkSsid, true, next.UplinkSsid, _uplinkSsidValue);
            ok &= ReadWifiName(FieldApSsid, false, next.ApSsid, _apSsidValue);
            ok &= ReadNumber(FieldApChannel, 1, 13, out next.ApChannel, "Enter a channel from 1 to 13.");
            ok &= ReadNumber(FieldUdpTimeout, 120, 86400, out next.UdpTimeoutSeconds, "Enter whole seconds from 120 (RFC 4787's minimum) to 86400.");
            ok &= ReadNumber(FieldTcpEstablished, 7440, 604800, out next.TcpEstablishedTimeoutSeconds, "Enter whole seconds from 7440 (RFC 5382's 2 h 4 min) to 604800.");
            ok &= ReadNumber(FieldTcpTransitory, 240, 7440, out next.TcpTransitoryTimeoutSeconds, "Enter whole seconds from 240 (RFC 5382's minimum) to 7440.");
            ok &= ReadNumber(FieldIcmpTimeout, 60, 3600, out next.IcmpTimeoutSeconds, "Enter whole seconds from 60 (RFC 5508's minimum) to 3600.");
            ok &= ReadMss(next);
            ok &= ReadHostName(next);
            ok &= ReadWifiPassword(FieldUplinkPassword, _form.Find("uplinkopen") == 1, false, next.UplinkPassword);
            ok &= ReadWifiPassword(FieldApPassword, false, true, next.ApPassword);
            if (!ok)
            {
                response.Restart(400, "Bad Request");
                ShowPage(response, "Settings", "/settings", s_settingsPage);
                return;
            }

            _settings.CopyFrom(next);
            next.SetDefaults();
            if (SaveSettings())
            {
                _notice = "Saved. Wi-Fi changes take effect after a reboot.";
                _noticeKind = "ok";
            }
            else
            {
                _notice = "The settings are in force but could not be saved; they will be lost at the next restart.";
                _noticeKind = "warn";
            }

            _host.ApplySettings(_settings);
            FillSettingsValues();
            ShowPage(response, "Settings", "/settings", s_settingsPage);
        }

        private bool ReadText(int field, int minBytes, int maxBytes, out string value, string message)
        {
            value = null;
            int found = _form.Find(s_fieldNames[field]);
            string text = found == 1 ? _form.ValueString() : found == 0 ? string.Empty : null;
            _fieldValues[field] = text;
            if (text == null || _form.ValueLength < minBytes || _form.ValueLength > maxBytes || HasControl(text))
            {
                _fieldErrors[field] = message;
                return false;
            }

            value = text;
            return true;
        }

        private bool ReadNumber(int field, int min, int max, out int value, string message)
        {
            value = 0;
            int found = _form.Find(s_fieldNames[field]);
            if (found != 1 || _form.ValueLength == 0 || _form.ValueLength > 9)
            {
                _fieldValues[field] = found == 1 && _form.ValueLength <= 32 ? _form.ValueString() : null;
                _fieldErrors[field] = message;
                return false;
            }

            _fieldValues[field] = _form.ValueString();
            int number = 0;
            for (int i = 0; i < _form.ValueLength; i++)
            {
                byte b = _form.Value[i];
                if (b < (byte)'0' || b > (byte)'9')
                {
                    _fieldErrors[field] = message;
                    return false;
                }

                number = (number * 10) + (b - '0');
            }

            if (number < min || number > max)
            {
                _fieldErrors[field] = message;
                return false;
            }

            value = number;
            return true;
        }

        private bool ReadMss(RouterSettings next)
        {
            int mss;
            const string Message = "Enter 0 (no clamping) or a size from 536 to 1460 bytes.";
            if (!ReadNumber(FieldMssClamp, 0, 1460, out mss, Message))
            {
                return false;
            }

            if (mss != 0 && mss < 536)
            {
                _fieldErrors[FieldMssClamp] = Message;
                return false;
            }

            next.MssClamp = mss;
            return true;
        }

        private bool ReadHostName(RouterSettings next)
        {
            string name;
            const string Message = "Use letters, digits, hyphens and dots (like nanorouter.lan), at most 63.";
            if (!ReadText(FieldHostName, 1, RouterSettings.MaxHostNameBytes, out name, Message))
            {
                return false;
            }

            char[] lower = new char[name.Length];
            char previous = '.';
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (c >= 'A' && c <= 'Z')
                {
                    c = (char)(c + 32);
                }

                bool letterOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                bool valid = letterOrDigit || (c == '-' && previous != '.') || (c == '.' && previous != '.' && previous != '-');
                if (!valid)
                {
                    _fieldErrors[FieldHostName] = Message;
                    return false;
                }

                lower[i] = c;
                previous = c;
            }

            if (previous == '.' || previous == '-')
            {
                _fieldErrors[FieldHostName] = Message;
                return false;
            }

            next.HostName = new string(lower);
            return true;
        }

        /// <summary>Reads a network name as the bytes the form carried (never a string, see
        /// <see cref="WifiText"/>), checked by <see cref="WifiRules"/>; what was typed is shown again.</summary>
        private bool ReadWifiName(int field, bool allowEmpty, WifiText target, WifiText shown)
        {
            int found = _form.Find(s_fieldNames[field]);
            if (found < 0)
            {
                shown.Clear();
                _fieldErrors[field] = WifiRules.Describe(WifiProblem.SsidLength, false);
                return false;
            }

            int length = found == 1 ? _form.ValueLength : 0;
            shown.Set(_form.Value, 0, length < WifiText.Capacity ? length : WifiText.Capacity);
            WifiProblem problem = WifiRules.CheckSsid(_form.Value, 0, length, allowEmpty);
            if (problem != WifiProblem.None)
            {
                _fieldErrors[field] = WifiRules.Describe(problem, false);
                return false;
            }

            target.Set(_form.Value, 0, length);
            return true;
        }

        private bool ReadWifiPassword(int field, bool clear, bool accessPoint, WifiText target)
        {
            if (clear)
            {
                target.Clear();
                return true;
            }

            int found = _form.Find(s_fieldNames[field]);
            if (found == 0 || (found == 1 && _form.ValueLength == 0))
            {
                return true;
            }

            WifiProblem problem = found == 1 ? WifiRules.CheckPassphrase(_form.Value, 0, _form.ValueLength, accessPoint) : WifiProblem.PassphraseLength;
            if (problem != WifiProblem.None)
            {
                _fieldErrors[field] = WifiRules.Describe(problem, accessPoint);
                System.Array.Clear(_form.Value, 0, FormReader.MaxValueBytes);
                return false;
            }

            target.Set(_form.Value, 0, _form.ValueLength);
            System.Array.Clear(_form.Value, 0, FormReader.MaxValueBytes);
            return true;
        }

        private void PostPassword(HttpResponse response)
        {
            bool currentGood = _form.Find("current") == 1 && CheckAdminPassword(_form.Value, _form.ValueLength, false);
            System.Array.Clear(_form.Value, 0, FormReader.MaxValueBytes);
            int count = 0;
            bool ok = currentGood;
            if (!currentGood)
            {
                _fieldErrors[FieldCurrent] = "This is not the current password.";
            }
            else
            {
                ok = ReadNewPassword("newpassword", FieldNewPassword, out count);
            }

            FillSettingsValues();
            if (!ok)
            {
                response.Restart(400, "Bad Request");
                ShowPage(response, "Settings", "/settings", s_settingsPage);
                return;
            }

            bool hashed = SetAdminPassword(_passwordBytes, count);
            System.Array.Clear(_passwordBytes, 0, _passwordBytes.Length);
            if (!hashed)
            {
                response.Restart(500, "Internal Server Error");
                _fieldErrors[FieldNewPassword] = "The router could not hash the password. Try again.";
                ShowPage(response, "Settings", "/settings", s_settingsPage);
                return;
            }

            bool saved = SaveSettings();

            // Every other session ends; this browser gets a fresh one.
            _sessions.Clear();
            StartSession(response);
            _notice = saved ? "The admin password was changed. Other sessions were logged out." : "The password was changed but could not be saved; the old one returns at the next restart.";
            _noticeKind = saved ? "ok" : "warn";
            ShowPage(response, "Settings", "/settings", s_settingsPage);
        }

        // ---- Reboot and factory reset ----

        private void PostReboot(HttpResponse response)
        {
            if (_form.Find("confirm") != 1 || !_form.ValueIs("yes"))
            {
                Redirect(response, "/reboot");
                return;
            }

            _pendingAction = PendingAction.Reboot;
            ShowMessage(response, "Rebooting", "The router is restarting. Reload this page in a little while.", null);
        }

        private void PostFactoryReset(HttpResponse response)
        {
            if (_form.Find("confirm") != 1 || !_form.ValueIs("yes"))
            {
                Redirect(response, "/reset");
                return;
            }

            _store.Erase();
            _settings.SetDefaults();
            ForgetClaim();
            _settings.ApplyTo(_engine.Passthrough);
            _settings.ApplyForwardsTo(_engine);
            _sessions.Clear();
            _session = -1;
            _saveFailed = false;
            response.SetCookie(SessionCookie, null, "/", true);
            _pendingAction = PendingAction.Reboot;
            ShowMessage(response, "Factory reset", "Every setting was erased. The router is restarting with its factory settings; the next visit asks for a new admin password.", null);
        }

        // ---- Rendering ----

        private void ShowPage(HttpResponse response, string title, string nav, Template content)
        {
            response.ContentType = TextHtml;
            _title = title;
            _currentNav = nav;
            _content = content;
            _writer = response.Body;
            s_layout.Render(response.Body, this);
            _writer = null;
        }

        private void ShowMessage(HttpResponse response, string title, string message, string link)
        {
            _messageText = message;
            _messageLink = link;
            ShowPage(response, title, null, s_message);
        }

        private void ShowConfirm(HttpResponse response, string title, string question, string action, string button)
        {
            _confirmQuestion = question;
            _confirmAction = action;
            _confirmButton = button;
            ShowPage(response, title, "/system", s_confirm);
        }

        private void Redirect(HttpResponse response, string location)
        {
            response.Restart(303, "See Other");
            response.Location = location;
        }

        private void PageMethodNotAllowed(HttpResponse response, string allow)
        {
            response.Restart(405, "Method Not Allowed");
            response.Allow = allow;
            response.ContentType = TextPlain;
            response.Body.Ascii("method not allowed\n");
        }

        private void ClearFields()
        {
            for (int i = 0; i < FieldCount; i++)
            {
                _fieldValues[i] = null;
                _fieldErrors[i] = null;
            }

            _uplinkSsidValue.Clear();
            _apSsidValue.Clear();

        }

        /// <inheritdoc />
        void ITemplateSlots.WriteSlot(int slot, ByteWriter w)
        {
            switch (slot)
            {
                case Slot.Title:
                    w.Html(_title);
                    return;
                case Slot.Nav:
                    if (_session >= 0)
                    {
                        s_nav.Render(w, this);
                    }

                    return;
                case Slot.Navlinks:
                    for (int i = 0; i < s_navHrefs.Length; i++)
                    {
                        _row = i;
                        s_navLink.Render(w, this);
                    }

                    return;
                case Slot.Href:
                    w.Ascii(s_navHrefs[_row]);
                    return;
                case Slot.Current:
                    if (_currentNav == s_navHrefs[_row])
                    {
                        w.Ascii(" aria-current=page");
                    }

                    return;
                case Slot.Label:
                    w.Ascii(s_navLabels[_row]);
                    return;
                case Slot.Csrf:
                    if (_session >= 0)
                    {
                        w.Hex(_sessions.Csrf(_session), 0, SessionTable.TokenBytes);
                    }
                    else
                    {
                        w.Hex(_preSession, 0, SessionTable.TokenBytes);
                    }

                    return;
                case Slot.Banner:
                    WriteBanners(w);
                    return;
                case Slot.Kind:
                    w.Ascii(_noticeKind);
                    return;
                case Slot.Message:
                    w.Html(_fieldErrorMessage != null ? _fieldErrorMessage : _messageText);
                    return;
                case Slot.Link:
                    if (_messageLink != null)
                    {
                        w.Ascii("<a href=\"");
                        w.Ascii(_messageLink);
                        w.Ascii("\">Back</a>");
                    }

                    return;
                case Slot.Content:
                    _content.Render(w, this);
                    return;
                case Slot.Hostname:
                    w.Html(_settings.HostName);
                    return;
                case Slot.Lanaddress:
                    w.Address(_host.LanAddress);
                    return;
                case Slot.Question:
                    w.Html(_confirmQuestion);
                    return;
                case Slot.Action:
                    w.Ascii(_confirmAction);
                    return;
                case Slot.Button:
                    w.Html(_confirmButton);
                    return;
                case Slot.SettingsState:
                    w.Html(SettingsStateText());
                    return;
                case Slot.HintUplinkpassword:
                    w.Ascii(_settings.UplinkPassword.Length > 0 ? "(one is set; leave empty to keep it)" : "(none set)");
                    return;
                case Slot.Presence:
                    w.Html(_presence.How);
                    return;
                case Slot.Refresh:
                    if (_refreshSeconds > 0)
                    {
                        w.Ascii("<meta http-equiv=refresh content=");
                        w.Int(_refreshSeconds);
                        w.Byte((byte)'>');
                    }

                    return;
                case Slot.HintAppassword:
                    w.Ascii(_settings.ApPassword.Length > 0 ? "(one is set; leave empty to keep it)" : "(none set: the access point is open)");
                    return;
            }

            if (WriteStatusSlot(slot, w) || WriteRuleSlot(slot, w) || WriteFieldSlot(slot, w) || WriteVpnSlot(slot, w) || WriteForwardSlot(slot, w))
            {
                return;
            }

            // An unknown slot is a template bug; make it visible in tests without breaking the page.
            w.Ascii("?");
        }

        private void WriteBanners(ByteWriter w)
        {
            string notice = _notice;
            string kind = _noticeKind;
            // Damaged settings explain themselves everywhere, even on the setup page they lead to.
            string warning = null;
            if (_store.LastLoad == SettingsLoadStatus.Corrupt || _store.LastLoad == SettingsLoadStatus.UnknownVersion || _saveFailed)
            {
                warning = SettingsStateText();
            }
            else if (_session >= 0 && _settings.ApPassword.Length == 0)
            {
                warning = "The access point has no password: anyone nearby can join. Set one in Settings.";
            }

            if (warning != null)
            {
                _messageText = warning;
                _noticeKind = "warn";
                s_banner.Render(w, this);
            }

            if (notice != null)
            {
                _messageText = notice;
                _noticeKind = kind;
                s_banner.Render(w, this);
            }
        }

        private string SettingsStateText()
        {
            if (_saveFailed)
            {
                return "The last change could not be saved to flash: it is in force now but will be lost at the next restart.";
            }

            switch (_store.LastLoad)
            {
                case SettingsLoadStatus.Corrupt:
                    return "At start-up the saved settings were damaged (bad checksum), so the router started with factory defaults. Changes made since are saved.";
                case SettingsLoadStatus.UnknownVersion:
                    return "At start-up the saved settings came from a newer firmware and could not be read, so the router started with factory defaults.";
                case SettingsLoadStatus.Loaded:
                    return "The settings were loaded intact at start-up.";
                default:
                    return "Nothing was saved at start-up (first boot or factory reset): factory defaults were loaded.";
            }
        }

        private bool WriteStatusSlot(int slot, ByteWriter w)
        {
            switch (slot)
            {
                case Slot.UplinkSsid:
                    WifiText ssid = _host.UplinkSsid;
                    if (ssid.Length == 0)
                    {
                        w.Ascii("<span class=muted>not configured</span>");
                    }
                    else
                    {
                        w.HtmlUtf8(ssid.Bytes, 0, ssid.Length);
                    }

                    return true;
                case Slot.WifiNotice:
                    string wifiNotice = _host.WifiNotice;
                    if (wifiNotice != null)
                    {
                        w.Ascii("<p class=warn id=wifi-notice>");
                        w.Html(wifiNotice);
                        w.Ascii("</p>");
                    }

                    return true;
                case Slot.UplinkState:
                    w.Ascii(_host.UplinkConnected ? "<span class=\"pill on\">connected</span>" : "<span class=\"pill off\">not connected</span>");
                    return true;
                case Slot.UplinkAddress:
                    if (_host.UplinkAddress == 0)
                    {
                        w.Ascii("none");
                    }
                    else
                    {
                        w.Address(_host.UplinkAddress);
                    }

                    return true;
                case Slot.UplinkSignal:
                    int rssi = _host.UplinkRssi;
                    if (rssi == 0)
                    {
                        w.Ascii("n/a");
                    }
                    else
                    {
                        w.Int(rssi);
                        w.Ascii(" dBm (");
                        w.Ascii(rssi >= -55 ? "excellent" : rssi >= -67 ? "good" : rssi >= -75 ? "fair" : "weak");
                        w.Byte((byte)')');
                    }

                    return true;
                case Slot.NatActive:
                    w.Int(_engine.ActiveEntries);
                    return true;
                case Slot.NatCapacity:
                    w.Int(_engine.Capacity);
                    return true;
                case Slot.NatDrops:
                    w.Int(_engine.TotalDrops);
                    return true;
                case Slot.NatDropreasons:
                    WriteDropReasons(w);
                    return true;
                case Slot.ClientEntries:
                    w.Int(ClientEntries(_row));
                    return true;
                case Slot.ClientsCount:
                    w.Int(_host.ClientCount);
                    return true;
                case Slot.Clients:
                    if (_host.ClientCount == 0)
                    {
                        w.Ascii("<p>No clients connected.</p>");
                    }
                    else
                    {
                        s_clientTable.Render(w, this);
                    }

                    return true;
                case Slot.ClientRows:
                    int count = _host.ClientCount;
                    for (int i = 0; i < count; i++)
                    {
                        _row = i;
                        s_clientRow.Render(w, this);
                    }

                    return true;
                case Slot.ClientAddress:
                    w.Address(_host.ClientAddress(_row));
                    return true;
                case Slot.ClientMac:
                    w.Html(_host.ClientMac(_row));
                    return true;
                case Slot.PassthroughRows:
                    for (int i = 0; i < PassthroughRules.Count; i++)
                    {
                        _row = i;
                        s_statusRow.Render(w, this);
                    }

                    return true;
                case Slot.SwitchRows:
                    for (int i = 0; i < PassthroughRules.Count; i++)
                    {
                        _row = i;
                        s_switchRow.Render(w, this);
                    }

                    return true;
            }

            return false;
        }

        private bool WriteRuleSlot(int slot, ByteWriter w)
        {
            PassthroughRules rules = _engine.Passthrough;
            PassthroughProtocol p = (PassthroughProtocol)_row;
            bool on = rules.IsEnabled(p);
            switch (slot)
            {
                case Slot.RuleKey:
                    w.Ascii(PassthroughRules.KeyOf(p));
                    return true;
                case Slot.RuleName:
                    w.Ascii(s_ruleNames[_row]);
                    return true;
                case Slot.RulePurpose:
                    w.Ascii(s_rulePurposes[_row]);
                    return true;
                case Slot.RuleClass:
                    w.Ascii(on ? "on" : "off");
                    return true;
                case Slot.RuleState:
                    w.Ascii(on ? "on" : "off");
                    return true;
                case Slot.RuleNext:
                    w.Ascii(on ? "off" : "on");
                    return true;
                case Slot.RuleAction:
                    w.Ascii(on ? "Switch off" : "Switch on");
                    return true;
                case Slot.RuleButtonclass:
                    w.Ascii(on ? "secondary" : "primary");
                    return true;
                case Slot.RuleOut:
                    w.Int(rules.PacketsOut(p));
                    return true;
                case Slot.RuleIn:
                    w.Int(rules.PacketsIn(p));
                    return true;
                case Slot.RuleDrops:
                    w.Int(rules.Drops(p));
                    return true;
                case Slot.RuleMappings:
                    w.Int(rules.Mappings(p));
                    return true;
            }

            return false;
        }

        private bool WriteFieldSlot(int slot, ByteWriter w)
        {
            bool value = slot >= Slot.ValueBase && slot < Slot.ValueBase + FieldCount;
            bool error = slot >= Slot.ErrorBase && slot < Slot.ErrorBase + FieldCount;
            if (!value && !error)
            {
                return false;
            }

            int field = slot - (value ? Slot.ValueBase : Slot.ErrorBase);
            if (value)
            {
                // Secrets are never echoed: only non-secret fields have values.
                WifiText text = field == FieldUplinkSsid ? _uplinkSsidValue : field == FieldApSsid ? _apSsidValue : null;
                if (text != null)
                {
                    w.HtmlUtf8(text.Bytes, 0, text.Length);
                }
                else
                {
                    w.Html(_fieldValues[field]);
                }
            }
            else if (_fieldErrors[field] != null)
            {
                WriteFieldError(w, _fieldErrors[field]);
            }

            return true;
        }

        private void WriteFieldError(ByteWriter w, string message)
        {
            _fieldErrorMessage = message;
            s_fieldError.Render(w, this);
            _fieldErrorMessage = null;
        }

        /// <summary>The status page's breakdown of drops and evictions: only reasons that happened,
        /// folded away under the total.</summary>
        private void WriteDropReasons(ByteWriter w)
        {
            int evictions = _engine.EvictedExpired + _engine.EvictedQuota + _engine.EvictedIdle;
            if (_engine.TotalDrops == 0 && evictions == 0)
            {
                return;
            }

            w.Ascii("<details><summary>By reason</summary><table class=small id=drop-reasons>");
            for (int i = 1; i < DropReasons.Count; i++)
            {
                int count = _engine.DropCount((DropReason)i);
                if (count != 0)
                {
                    w.Ascii("<tr><td>");
                    w.Ascii(DropReasonLabel((DropReason)i));
                    w.Ascii("</td><td class=n>");
                    w.Int(count);
                    w.Ascii("</td></tr>");
                }
            }

            if (evictions != 0)
            {
                w.Ascii("<tr><td>Entries evicted (expired / over quota / idle)</td><td class=n>");
                w.Int(_engine.EvictedExpired);
                w.Ascii(" / ");
                w.Int(_engine.EvictedQuota);
                w.Ascii(" / ");
                w.Int(_engine.EvictedIdle);
                w.Ascii("</td></tr>");
            }

            w.Ascii("</table></details>");
        }

        private static string DropReasonLabel(DropReason reason)
        {
            switch (reason)
            {
                case DropReason.Malformed: return "Malformed IPv4";
                case DropReason.MalformedTransport: return "Malformed TCP/UDP/ICMP";
                case DropReason.Spoofed: return "LAN source outside the LAN";
                case DropReason.NoMapping: return "Unsolicited from the uplink";
                case DropReason.Filtered: return "From a host the session never talked to";
                case DropReason.TableFull: return "NAT table full";
                case DropReason.QuotaExceeded: return "Client over its share of the table";
                case DropReason.PortsExhausted: return "No port left";
                case DropReason.PassthroughOff: return "Passthrough switched off";
                case DropReason.UnknownSpi: return "ESP with an unknown SPI";
                case DropReason.GreOwned: return "GRE peer used by another client";
                case DropReason.Fragment: return "Fragment without its first";
                case DropReason.IcmpNoMapping: return "ICMP error for no session";
                case DropReason.UnsupportedProtocol: return "Protocol not forwarded";
                case DropReason.Martian: return "Impossible address";
                case DropReason.NoUplink: return "No uplink address yet";
                case DropReason.FragmentHeld: return "Fragment held for its first";
                default: return DropReasons.KeyOf(reason);
            }
        }
    }
}
