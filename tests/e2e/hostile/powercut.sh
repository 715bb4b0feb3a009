#!/usr/bin/env bash
# kill -9 of the host board during settings saves, N times: tests/e2e/hostile/powercut.sh [N]
# (default 1000; CI runs 200 in stage 47). Needs root.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
iterations=${1:-1000}
NANOROUTER_POWERCUT_ITERATIONS=$iterations exec dotnet test "$ROOT/tests/e2e/hostile/NanoRouter.E2E.Hostile" -nologo \
    --filter 'FullyQualifiedName~PowerCut' --logger 'console;verbosity=detailed'
