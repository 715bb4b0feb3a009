#!/usr/bin/env bash
# The tests of weaknesses found and not fixed yet (category known-issue; see README.md here).
# They fail until the fixes land; then they move into stage 47. Needs root.
# While no test carries the category (none at present) it says so and exits 0.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
PROJECT="$ROOT/tests/e2e/hostile/NanoRouter.E2E.Hostile"
if ! grep -rqs --include='*.cs' 'TestCategory("known-issue")' "$PROJECT/Tests"; then
    echo "no known-issue tests at present: every hostile-input test runs in stage 47 (tests/run-all.sh hostile)"
    exit 0
fi
exec dotnet test "$PROJECT" -nologo \
    --filter 'TestCategory=known-issue' --logger 'console;verbosity=detailed'
