#!/usr/bin/env bash
# The soak run alone, for a chosen length: tests/e2e/hostile/soak.sh [SECONDS] (default 600).
# Mixed traffic (IPsec tunnel + ping + iperf3 bursts, L2TP, PPTP, UDP/TCP churn) through the host
# board, then the NAT timeouts; prints nat.active and RSS every 5 s and the memory figures.
# Needs root. CI runs the 60 s version in stage 47.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
seconds=${1:-600}
NANOROUTER_SOAK_SECONDS=$seconds exec dotnet test "$ROOT/tests/e2e/hostile/NanoRouter.E2E.Hostile" -nologo \
    --filter 'TestCategory=soak' --logger 'console;verbosity=detailed'
