# End-to-end VPN passthrough through the host board: real strongSwan (IKEv2, NAT-T idle 150 s),
# xl2tpd, pptpd/pptp-linux and scapy raw ESP/GRE peers in network namespaces, plus the admin API
# toggles (tests/e2e/vpn). Needs root; the tests build boards/host -c Release once.
# For the same tests against a kernel MASQUERADE router, run tests/e2e/vpn/reference.sh.
NANOROUTER_E2E_ROUTER=board record_dotnet_test tests/e2e/vpn/NanoRouter.E2E.Vpn/NanoRouter.E2E.Vpn.csproj
