using NanoRouter.Core.Config;
using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// First boot: claiming the router takes a password and physical presence (issue 15). The
    /// setup form's password is hashed into a pending claim bound to the browser that sent it
    /// (its pre-session cookie); the claim becomes the admin password only when the router's
    /// button is pressed briefly (<see cref="OwnerPresence"/>) within <see cref="ClaimWindowMs"/>
    /// of it. Whoever joins the open access point first therefore cannot take the router over: a
    /// press confirms nothing that was not pending when it came, and a second claim from another
    /// browser while one is pending voids both for the window (a stranger can delay the owner but
    /// never become the owner). The browser waits on a page that reloads itself (no script).
    /// Why a press rather than a setup code printed on the serial console: every board has the
    /// button, already read for the factory reset; it needs no computer or cable at setup time
    /// nor after a reset, and leaves no secret in flash or logs.
    /// </summary>
    public sealed partial class AdminApp
    {
        /// <summary>How long a claim waits for the press, and how long a contested claim blocks others.</summary>
        public const int ClaimWindowMs = 120000;

        /// <summary>The shortest time between two claims that are hashed (each is a PBKDF2).</summary>
        public const int ClaimIntervalMs = 2000;

        private const string SetupTitle = "Set the admin password";
        private const string WaitTitle = "Press the router's button";

        private readonly byte[] _claimToken = new byte[SessionTable.TokenBytes];
        private readonly byte[] _claimSalt = new byte[RouterSettings.SaltBytes];
        private readonly byte[] _claimHash = new byte[RouterSettings.HashBytes];
        private readonly byte[] _rivalToken = new byte[SessionTable.TokenBytes];
        private ClaimState _claim;
        private int _claimIterations;
        private int _claimSinceMs;
        private int _claimPresses;
        private int _refreshSeconds;
        private bool _claimHashed;
        private int _claimHashedMs;

        private enum ClaimState : byte
        {
            None = 0,
            Pending = 1,
            Contested = 2,
        }

        /// <summary>Whether a claim waits for its press (diagnostics and tests).</summary>
        public bool ClaimPending => _claim == ClaimState.Pending && NowMs - _claimSinceMs <= ClaimWindowMs;

        private void PostSetup(HttpResponse response)
        {
            _form.Begin(_buffer, _request.BodyOffset, _request.BodyLength);
            if (!PreSessionCsrfValid())
            {
                WriteError(response, 403, "Forbidden", "missing or wrong CSRF token: reload the page and try again");
                return;
            }

            ExpireClaim();
            if (_claim == ClaimState.Contested || (_claim == ClaimState.Pending && !ClaimIsThisBrowser(_claimToken)))
            {
                if (_claim == ClaimState.Pending)
                {
                    // A second browser while one claim waits: neither may win.
                    _claim = ClaimState.Contested;
                    _claimSinceMs = NowMs;
                    System.Array.Copy(_preSession, 0, _rivalToken, 0, SessionTable.TokenBytes);
                    System.Array.Clear(_claimHash, 0, RouterSettings.HashBytes);
                }

                response.Restart(409, "Conflict");
                ShowContested(response);
                return;
            }

            int count;
            if (!ReadNewPassword("password", FieldPassword, out count))
            {
                response.Restart(400, "Bad Request");
                ShowPreSessionForm(response, SetupTitle, s_setup);
                return;
            }

            // Every claim is hashing work: at most one per ClaimIntervalMs, whoever sends them.
            int retryMs = _claimHashedMs + ClaimIntervalMs - NowMs;
            if (_claimHashed && retryMs > 0)
            {
                System.Array.Clear(_passwordBytes, 0, _passwordBytes.Length);
                response.Restart(429, "Too Many Requests");
                TooManyAttempts(response, retryMs, false);
                _fieldErrors[FieldPassword] = "The router is still busy with the last attempt. Try again in a few seconds.";
                ShowPreSessionForm(response, SetupTitle, s_setup);
                return;
            }

            _claimHashed = true;
            _claimHashedMs = NowMs;
            _entropy.Fill(_claimSalt, 0, RouterSettings.SaltBytes);
            _claimIterations = _passwords.Iterations;
            bool hashed = _passwords.DeriveKey(_passwordBytes, count, _claimSalt, RouterSettings.SaltBytes, _claimIterations, _claimHash);
            System.Array.Clear(_passwordBytes, 0, _passwordBytes.Length);
            if (!hashed)
            {
                response.Restart(500, "Internal Server Error");
                _fieldErrors[FieldPassword] = "The router could not hash the password. Try again.";
                ShowPreSessionForm(response, SetupTitle, s_setup);
                return;
            }

            System.Array.Copy(_preSession, 0, _claimToken, 0, SessionTable.TokenBytes);
            _claim = ClaimState.Pending;
            _claimSinceMs = NowMs;
            _claimPresses = _presence.Presses;
            Redirect(response, "/setup");
        }

        private void GetSetup(HttpResponse response, uint remoteAddress)
        {
            ExpireClaim();
            if (_claim == ClaimState.Contested && (ClaimIsThisBrowser(_claimToken) || ClaimIsThisBrowser(_rivalToken)))
            {
                ShowContested(response);
                return;
            }

            if (_claim != ClaimState.Pending || !ClaimIsThisBrowser(_claimToken))
            {
                ShowPreSessionForm(response, SetupTitle, s_setup);
                return;
            }

            if (!_presence.PressedSince(_claimPresses, NowMs, NowMs - _claimSinceMs))
            {
                // Still waiting: the page reloads itself every two seconds.
                _refreshSeconds = 2;
                ShowPreSessionForm(response, WaitTitle, s_setupWait);
                _refreshSeconds = 0;
                return;
            }

            // Pressed: this claim is the owner's. Saving it is a run of its own (Pace).
            Pace.Spend(Pace.Budget);
            System.Array.Copy(_claimSalt, 0, _settings.AdminSalt, 0, RouterSettings.SaltBytes);
            System.Array.Copy(_claimHash, 0, _settings.AdminHash, 0, RouterSettings.HashBytes);
            _settings.AdminIterations = _claimIterations;
            _settings.HasAdminPassword = true;
            ForgetClaim();

            // The address that chose the password counts as proven, as after a login: a later
            // rotation attack cannot lock it out of logging in.
            _rateLimiter.Succeeded(remoteAddress);
            if (!SaveSettings())
            {
                _notice = "The password is set, but it could not be saved: it will be lost at the next restart.";
                _noticeKind = "warn";
            }

            StartSession(response);
            Redirect(response, "/");
        }

        private void ShowContested(HttpResponse response)
        {
            _fieldErrors[FieldPassword] = "Another device tried to set up this router at the same time, so neither may. "
                + "Make sure no one else is connected to it, wait two minutes, then choose the password again.";
            ShowPreSessionForm(response, SetupTitle, s_setup);
        }

        /// <summary>Whether this request's pre-session cookie is <paramref name="token"/>.</summary>
        private bool ClaimIsThisBrowser(byte[] token)
        {
            int offset;
            int length;
            return FindCookie(PreSessionCookie, out offset, out length) && length == 2 * SessionTable.TokenBytes
                && SessionTable.DecodeHex(_buffer, offset, _scratch)
                && ConstantTime.Same(_scratch, 0, token, 0, SessionTable.TokenBytes);
        }

        private void ExpireClaim()
        {
            if (_claim != ClaimState.None && NowMs - _claimSinceMs > ClaimWindowMs)
            {
                ForgetClaim();
            }
        }

        private void ForgetClaim()
        {
            _claim = ClaimState.None;
            System.Array.Clear(_claimHash, 0, RouterSettings.HashBytes);
            System.Array.Clear(_claimSalt, 0, RouterSettings.SaltBytes);
            System.Array.Clear(_claimToken, 0, SessionTable.TokenBytes);
            System.Array.Clear(_rivalToken, 0, SessionTable.TokenBytes);
        }
    }
}
