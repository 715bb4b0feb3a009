#!/usr/bin/env bash
# nanoRouter's one test command: installs what is missing, then runs every test stage in
# tests/stages (in name order) and prints one closing line "N passed, N failed".
#   tests/run-all.sh              every stage
#   tests/run-all.sh unit e2e     only the stages whose names contain one of the words
# Each stage is a bash file that calls `record PASSED FAILED` (or `record_dotnet_test PROJECT`)
# for the tests it ran; a stage that exits non-zero counts as one failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
export ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS=$(mktemp)
FAILURES=$(mktemp)
export RESULTS FAILURES
trap 'rm -f "$RESULTS" "$FAILURES"' EXIT

record() { echo "$1 $2 ${3:-}" >> "$RESULTS"; }

# Runs `dotnet test` on a project and records its counts from the summary line.
record_dotnet_test() {
    local project=$1; shift
    local log; log=$(mktemp)
    dotnet test "$ROOT/$project" -nologo "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line passed failed
    line=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, Passed: +[0-9]+" "$log" | tail -1)
    passed=$(echo "$line" | sed -nE 's/.*Passed: +([0-9]+).*/\1/p')
    failed=$(echo "$line" | sed -nE 's/.*Failed: +([0-9]+), Passed.*/\1/p')
    # Each failed test's name and the first lines of its message, repeated at the very end,
    # where a CI log cut to its tail still shows them.
    awk -v p="$project" '/^ +Failed [^:]/ { n = 8; print p ":" } n > 0 { print; n-- }' "$log" >> "$FAILURES"
    rm -f "$log"
    if [ -z "$passed" ]; then passed=0; failed=1; fi
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    record "$passed" "$failed" "$project"
    return "$rc"
}
export -f record record_dotnet_test

"$ROOT/tests/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
for stage in "$ROOT"/tests/stages/*.sh; do
    name=$(basename "$stage" .sh)
    if [ $# -gt 0 ]; then
        keep=0
        for word in "$@"; do case "$name" in *"$word"*) keep=1 ;; esac; done
        [ $keep -eq 1 ] || continue
    fi
    echo "=== stage $name"
    start=$(date +%s)
    if ! bash "$stage"; then
        echo "=== stage $name FAILED"
        record 0 1 "$name"
        status=1
    fi
    echo "=== stage $name took $(( $(date +%s) - start )) s"
done

passed=$(awk '{p+=$1} END {print p+0}' "$RESULTS")
failed=$(awk '{f+=$2} END {print f+0}' "$RESULTS")
echo "=== results by stage"
awk '{printf "  %-50s %5d passed %3d failed\n", $3, $1, $2}' "$RESULTS"
if [ -s "$FAILURES" ]; then
    echo "=== failed tests (name and the start of the message; the whole output is above)"
    cut -c1-400 "$FAILURES"
fi
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
