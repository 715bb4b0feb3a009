using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>A response of the admin JSON API.</summary>
    public sealed class AdminResponse
    {
        public int Status;
        public string Body;

        public JsonNode Json()
        {
            try
            {
                return JsonNode.Parse(Body);
            }
            catch (Exception)
            {
                return null;
            }
        }

        public override string ToString() => Status + " " + Body;
    }

    /// <summary>
    /// The router's admin JSON API (issue 5's contract), called with curl from a LAN host's
    /// namespace, as a script on the LAN would: POST /api/login, then Bearer-token calls.
    /// </summary>
    public sealed class AdminClient
    {
        private readonly string _ns;
        private readonly string _baseUrl;
        private readonly string _password;
        private string _token;

        public AdminClient(string ns, string baseUrl, string password)
        {
            _ns = ns;
            _baseUrl = baseUrl;
            _password = password;
        }

        public AdminResponse Call(string method, string path, string body, bool authorized)
        {
            var argv = new List<string> { "ip", "netns", "exec", _ns, "curl", "-sS", "-m", "5", "-o", "-", "-w", "\n%{http_code}", "-X", method };
            if (authorized)
            {
                argv.Add("-H");
                argv.Add("Authorization: Bearer " + _token);
            }
            if (body != null)
            {
                argv.Add("-H");
                argv.Add("Content-Type: application/json");
                argv.Add("--data-binary");
                argv.Add(body);
            }
            argv.Add(_baseUrl + path);
            var result = Shell.Run(argv, TimeSpan.FromSeconds(10));
            var text = result.Output.TrimEnd('\n');
            int cut = text.LastIndexOf('\n');
            var code = cut >= 0 ? text.Substring(cut + 1) : text;
            int.TryParse(code, out int status);
            return new AdminResponse { Status = status, Body = (cut >= 0 ? text.Substring(0, cut) : "") + (result.Succeeded ? "" : " [curl: " + result.Error.Trim() + "]") };
        }

        /// <summary>Logs in with the password given to --admin-password-file; throws on failure.</summary>
        public void Login()
        {
            var response = Call("POST", "/api/login", "{\"password\":\"" + _password + "\"}", false);
            var token = response.Status == 200 ? response.Json()?["token"]?.GetValue<string>() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw new InvalidOperationException("admin login failed: " + response);
            }
            _token = token;
        }

        public AdminResponse SetPassthrough(string key, bool enabled)
        {
            return Call("PUT", "/api/passthrough", "{\"" + key + "\":" + (enabled ? "true" : "false") + "}", true);
        }

        public AdminResponse Status()
        {
            return Call("GET", "/api/status", null, true);
        }

        /// <summary>GET /api/vpn: the VPN sessions the router sees (issue 14 §2).</summary>
        public AdminResponse Vpn()
        {
            return Call("GET", "/api/vpn", null, true);
        }
    }
}
