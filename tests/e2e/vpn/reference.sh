#!/usr/bin/env bash
# Runs the VPN end-to-end tests against Linux itself as the router (iptables MASQUERADE plus the
# PPTP conntrack helper) instead of the host board, and prints which checks the kernel passes.
# A comparison for the README, not a test of ours: it never fails the build.
#   tests/e2e/vpn/reference.sh            all tests, including the 150 s NAT-T idle test
#   tests/e2e/vpn/reference.sh --fast     without the slow ones
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
filter=()
[ "${1:-}" = "--fast" ] && filter=(--filter 'TestCategory!=slow')
log=$(mktemp)
NANOROUTER_E2E_ROUTER=kernel dotnet test "$ROOT/tests/e2e/vpn/NanoRouter.E2E.Vpn/NanoRouter.E2E.Vpn.csproj" -nologo \
    "${filter[@]}" --logger 'console;verbosity=normal' > "$log" 2>&1
echo "VPN passthrough checks through a kernel MASQUERADE router (reference):"
grep -E '^\s+(Passed|Failed|Skipped) [A-Za-z]' "$log" | sed -E 's/^\s+(Passed|Failed|Skipped) ([^ ]+).*/  \1  \2/' | sort -k2
echo "first line of each failure:"
awk '/^[ \t]+Failed [A-Za-z]/ {name=$2} /Error Message:/ {getline; sub(/^ +/, ""); print "  " name ": " $0}' "$log"
rm -f "$log"
exit 0
