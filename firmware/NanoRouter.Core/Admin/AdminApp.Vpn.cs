using NanoRouter.Core.Common;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>VPN diagnostics (issue 14 §2): GET /api/vpn and the VPN page, one row per (LAN client,
    /// protocol, server) from the engine's <see cref="VpnDiagnostics"/>, newest first.</summary>
    public sealed partial class AdminApp
    {
        private const int VpnRefreshSeconds = 10;

        private static readonly Template s_vpnPage = new Template(VpnPages.Page, Slot.Names(new string[0]));
        private static readonly Template s_vpnRow = new Template(VpnPages.Row, Slot.Names(new string[0]));
        private static readonly Template s_vpnProblemRow = new Template(VpnPages.ProblemRow, Slot.Names(new string[0]));
        private static readonly Template s_vpnEmpty = new Template(VpnPages.Empty, Slot.Names(new string[0]));

        private readonly int[] _vpnOrder = new int[VpnDiagnostics.Rows];
        private int _vpnRow;

        /// <summary>GET /api/vpn.</summary>
        private void ApiVpn(HttpRequest request, HttpResponse response)
        {
            if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
            {
                MethodNotAllowed(response, "GET, HEAD");
                return;
            }

            StartJson(response, 200, "OK");
            WriteVpnJson(response.Body);
        }

        /// <summary>The VPN page (GET only).</summary>
        private void PageVpn(HttpRequest request, HttpResponse response)
        {
            if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
            {
                PageMethodNotAllowed(response, "GET, HEAD");
                return;
            }

            _refreshSeconds = VpnRefreshSeconds;
            ShowPage(response, "VPN", "/vpn", s_vpnPage);
            _refreshSeconds = 0;
        }

        /// <summary>Fills <see cref="_vpnOrder"/> with the used rows, most recently seen first.</summary>
        private int SortVpnRows()
        {
            VpnDiagnostics vpn = _engine.Vpn;
            int n = 0;
            for (int r = 0; r < VpnDiagnostics.Rows; r++)
            {
                if (!vpn.IsUsed(r))
                {
                    continue;
                }

                int i = n++;
                while (i > 0 && vpn.LastSeenSec(_vpnOrder[i - 1]) > vpn.LastSeenSec(r))
                {
                    _vpnOrder[i] = _vpnOrder[i - 1];
                    i--;
                }

                _vpnOrder[i] = r;

                // Up to a dozen comparisons: about as much work as writing a few bytes (Pace).
                Pace.Spend(4);
            }

            return n;
        }

        private void WriteVpnJson(ByteWriter w)
        {
            VpnDiagnostics vpn = _engine.Vpn;
            int n = SortVpnRows();
            w.Ascii("{\"sessions\":[");
            for (int i = 0; i < n; i++)
            {
                int r = _vpnOrder[i];
                if (i > 0)
                {
                    w.Byte((byte)',');
                }

                w.Ascii("{\"client\":\"");
                w.Address(vpn.Client(r));
                w.Ascii("\",\"protocol\":\"");
                w.Ascii(PassthroughRules.KeyOf(vpn.Protocol(r)));
                w.Ascii("\",\"server\":\"");
                w.Address(vpn.Server(r));
                w.Ascii("\",\"state\":\"");
                w.Ascii(vpn.StateKey(r));
                w.Ascii("\",\"packetsOut\":");
                w.Int(vpn.PacketsOut(r));
                w.Ascii(",\"packetsIn\":");
                w.Int(vpn.PacketsIn(r));
                w.Ascii(",\"lastSeenSec\":");
                w.Int(vpn.LastSeenSec(r));
                w.Ascii(",\"externalPort\":");
                if (vpn.ExternalPort(r) == 0)
                {
                    w.Ascii("null");
                }
                else
                {
                    w.Int(vpn.ExternalPort(r));
                }

                VpnProblem problem = vpn.Problem(r);
                w.Ascii(",\"problem\":");
                if (problem == VpnProblem.None)
                {
                    w.Ascii("null,\"hint\":null");
                }
                else
                {
                    w.Byte((byte)'"');
                    w.Ascii(VpnDiagnostics.ProblemKey(problem));
                    w.Ascii("\",\"hint\":\"");
                    WriteVpnHint(r, problem, w);
                    w.Byte((byte)'"');
                }

                w.Ascii(",\"otherClient\":");
                if (problem == VpnProblem.EspAmbiguous || problem == VpnProblem.GreOwned)
                {
                    w.Byte((byte)'"');
                    w.Address(vpn.OtherClient(r));
                    w.Byte((byte)'"');
                }
                else
                {
                    w.Ascii("null");
                }

                w.Ascii(",\"detail\":");
                if (HasVpnDetail(r))
                {
                    w.Byte((byte)'"');
                    WriteVpnDetail(r, w);
                    w.Byte((byte)'"');
                }
                else
                {
                    w.Ascii("null");
                }

                w.Byte((byte)'}');
            }

            w.Ascii("]}");
        }

        /// <summary>Whether a row has identifiers to show (SPIs, keys, call IDs).</summary>
        private bool HasVpnDetail(int r)
        {
            uint id;
            return _engine.Vpn.TryGetIdOut(r, out id) || _engine.Vpn.TryGetIdIn(r, out id);
        }

        /// <summary>The row's identifiers, as ASCII (safe in JSON and HTML as they are).</summary>
        private void WriteVpnDetail(int r, ByteWriter w)
        {
            VpnDiagnostics vpn = _engine.Vpn;
            PassthroughProtocol protocol = vpn.Protocol(r);
            bool pptp = protocol == PassthroughProtocol.Pptp;
            uint idOut;
            uint idIn;
            bool hasOut = vpn.TryGetIdOut(r, out idOut);
            bool hasIn = vpn.TryGetIdIn(r, out idIn);
            if (pptp)
            {
                // The client's own call ID, and the one the server was given instead.
                w.Ascii("call ID ");
                w.Int((int)idOut);
                w.Ascii(" remapped to ");
                w.Int((int)idIn);
                return;
            }

            w.Ascii(protocol == PassthroughProtocol.Esp ? "SPI out " : "key out ");
            WriteVpnHex(w, hasOut, idOut);
            w.Ascii(", in ");
            WriteVpnHex(w, hasIn, idIn);
        }

        private static void WriteVpnHex(ByteWriter w, bool known, uint value)
        {
            if (!known)
            {
                w.Ascii("not yet");
                return;
            }

            w.Ascii("0x");
            for (int shift = 28; shift >= 0; shift -= 4)
            {
                int digit = (int)((value >> shift) & 0xF);
                w.Byte((byte)(digit < 10 ? '0' + digit : 'a' + digit - 10));
            }
        }

        /// <summary>One plain sentence saying what is wrong and what to do (ASCII, no characters that
        /// JSON or HTML would need escaped).</summary>
        private void WriteVpnHint(int r, VpnProblem problem, ByteWriter w)
        {
            VpnDiagnostics vpn = _engine.Vpn;
            switch (problem)
            {
                case VpnProblem.PassthroughOff:
                    w.Ascii("The router blocks this VPN because its ");
                    w.Ascii(s_ruleNames[(int)vpn.Protocol(r)]);
                    w.Ascii(" switch is off: turn it on on the Passthrough page.");
                    return;
                case VpnProblem.NoAnswer:
                    w.Ascii("The VPN server has not answered at all: check the server address in the VPN settings, and that the server is up and lets you in.");
                    return;
                case VpnProblem.EspAmbiguous:
                    w.Ascii("This device and ");
                    w.Address(vpn.OtherClient(r));
                    w.Ascii(" started an IPsec VPN to the same server at the same moment without NAT traversal, so the router cannot tell whose replies are whose: turn on NAT-T (UDP encapsulation) in both VPN clients, or start them one after the other.");
                    return;
                case VpnProblem.GreOwned:
                    w.Ascii("Another device (");
                    w.Address(vpn.OtherClient(r));
                    w.Ascii(") already has a GRE tunnel to this server ");
                    uint key;
                    w.Ascii(vpn.TryGetIdOut(r, out key) ? "on the same key" : "without a key");
                    w.Ascii(", and the server could not tell the two apart: give each tunnel its own key, or use one device at a time.");
                    return;
                case VpnProblem.KeepaliveTooSlow:
                    w.Ascii("This VPN sent its keep-alive after ");
                    w.Int(vpn.ProblemValue(r));
                    w.Ascii(" seconds of silence, but the router forgets an idle connection after ");
                    w.Int(vpn.ProblemLimit(r));
                    w.Ascii(" seconds: set the NAT keep-alive in the VPN settings below that, or raise the UDP timeout in Settings.");
                    return;
                case VpnProblem.FragmentsDropped:
                    w.Ascii("The server sends packets in pieces and the router had no room left to hold them, so ");
                    w.Int(vpn.ProblemValue(r));
                    w.Ascii(" were lost: lower the MTU in the VPN settings (for example to 1400).");
                    return;
                case VpnProblem.PptpControlBad:
                    w.Ascii("The router could not read this connection's PPTP control messages, so it cannot pass the call's data: the VPN client or server does not speak standard PPTP.");
                    return;
                case VpnProblem.PathMtu:
                    w.Ascii("Packets of this VPN are too big for the way to the server (");
                    if (vpn.ProblemValue(r) > 0)
                    {
                        w.Ascii("at most ");
                        w.Int(vpn.ProblemValue(r));
                        w.Ascii(" bytes fit");
                    }
                    else
                    {
                        w.Ascii("the path did not say how much fits");
                    }

                    w.Ascii("): lower the MTU in the VPN settings (for example to 1400).");
                    return;
            }
        }

        /// <summary>The VPN page's slots; false for a slot that is not one of them.</summary>
        private bool WriteVpnSlot(int slot, ByteWriter w)
        {
            if (slot < Slot.VpnBase || slot >= Slot.Count)
            {
                return false;
            }

            VpnDiagnostics vpn = _engine.Vpn;
            int r = _vpnRow;
            switch (slot)
            {
                case Slot.VpnRows:
                    int n = SortVpnRows();
                    if (n == 0)
                    {
                        s_vpnEmpty.Render(w, this);
                    }

                    for (int i = 0; i < n; i++)
                    {
                        _vpnRow = _vpnOrder[i];
                        s_vpnRow.Render(w, this);
                    }

                    return true;
                case Slot.VpnIndex:
                    w.Int(r);
                    return true;
                case Slot.VpnClass:
                    if (vpn.Problem(r) != VpnProblem.None)
                    {
                        w.Ascii(" class=has-problem");
                    }

                    return true;
                case Slot.VpnClient:
                    w.Address(vpn.Client(r));
                    return true;
                case Slot.VpnProtocol:
                    w.Ascii(s_ruleNames[(int)vpn.Protocol(r)]);
                    return true;
                case Slot.VpnServer:
                    w.Address(vpn.Server(r));
                    return true;
                case Slot.VpnState:
                    w.Ascii(vpn.StateKey(r));
                    return true;
                case Slot.VpnDetail:
                    if (HasVpnDetail(r))
                    {
                        w.Ascii("<br><small class=mono>");
                        WriteVpnDetail(r, w);
                        w.Ascii("</small>");
                    }

                    return true;
                case Slot.VpnOut:
                    w.Int(vpn.PacketsOut(r));
                    return true;
                case Slot.VpnIn:
                    w.Int(vpn.PacketsIn(r));
                    return true;
                case Slot.VpnLastSeen:
                    w.Int(vpn.LastSeenSec(r));
                    return true;
                case Slot.VpnPort:
                    if (vpn.ExternalPort(r) == 0)
                    {
                        w.Ascii("&ndash;");
                    }
                    else
                    {
                        w.Int(vpn.ExternalPort(r));
                    }

                    return true;
                case Slot.VpnProblemRow:
                    if (vpn.Problem(r) != VpnProblem.None)
                    {
                        s_vpnProblemRow.Render(w, this);
                    }

                    return true;
                case Slot.VpnProblem:
                    w.Ascii(VpnDiagnostics.ProblemKey(vpn.Problem(r)));
                    return true;
                case Slot.VpnHint:
                    WriteVpnHint(r, vpn.Problem(r), w);
                    return true;
            }

            return false;
        }
    }
}
