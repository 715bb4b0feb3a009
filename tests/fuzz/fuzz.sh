#!/usr/bin/env bash
# Coverage-guided fuzzing of one core target with SharpFuzz + AFL++ for a given time.
#   tests/fuzz/fuzz.sh TARGET [SECONDS] [--merge]
# TARGET: engine | pptp | http | settings. SECONDS: default 600.
# Publishes tests/fuzz/NanoRouter.Fuzz to $FUZZ_WORK/TARGET (default ~/.cache/nanorouter-fuzz), instruments
# NanoRouter.Core.dll with the repo's local `sharpfuzz` tool, runs afl-fuzz on tests/fuzz/corpus/TARGET
# for SECONDS, then prints executions, paths (corpus_count) and crashes from fuzzer_stats, and replays
# any crash to show its exception. --merge puts at most FUZZ_KEEP (50) coverage-picked inputs of the
# queue into the corpus as afl-* files (afl-cmin, then a greedy cover with pick.py); seed-* files stay.
# Exit status: 0 when no crash was found.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
TARGET=${1:?usage: tests/fuzz/fuzz.sh TARGET [SECONDS] [--merge]}
SECONDS_TO_RUN=${2:-600}
MERGE=0
for a in "$@"; do [ "$a" = "--merge" ] && MERGE=1; done
case "$TARGET" in engine|pptp|http|settings) ;; *) echo "unknown target $TARGET (engine, pptp, http, settings)" >&2; exit 2 ;; esac

if ! command -v afl-fuzz > /dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ > /dev/null
    else
        echo "afl-fuzz is missing: apt-get install afl++ (as root)" >&2; exit 1
    fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# (not under /tmp: afl-cmin refuses to run there)
WORK=${FUZZ_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/nanorouter-fuzz}/$TARGET
CORPUS=$ROOT/tests/fuzz/corpus/$TARGET
rm -rf "$WORK"
mkdir -p "$WORK"
(cd "$ROOT" && dotnet tool restore > /dev/null)
dotnet publish "$ROOT/tests/fuzz/NanoRouter.Fuzz" -c Release -o "$WORK/bin" -nologo -v q > "$WORK/publish.log" 2>&1 || { tail -20 "$WORK/publish.log"; exit 1; }
(cd "$ROOT" && dotnet sharpfuzz "$WORK/bin/NanoRouter.Core.dll")

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_FORKSRV_INIT_TMOUT=60000
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_CRASH_README=1
RUN=("$(readlink -f "$(command -v dotnet)")" "$WORK/bin/NanoRouter.Fuzz.dll" fuzz "$TARGET")
echo "fuzz $TARGET: afl-fuzz for $SECONDS_TO_RUN s on $(ls "$CORPUS" | wc -l) seeds, output in $WORK/findings"
afl-fuzz -V "$SECONDS_TO_RUN" -i "$CORPUS" -o "$WORK/findings" -t 2000 -m none -- "${RUN[@]}" > "$WORK/afl.log" 2>&1 || { tail -30 "$WORK/afl.log"; }

STATS=$WORK/findings/default/fuzzer_stats
[ -f "$STATS" ] || { echo "no fuzzer_stats: afl-fuzz did not start (see $WORK/afl.log)"; tail -30 "$WORK/afl.log"; exit 1; }
stat() { sed -nE "s/^$1 *: *(.*)$/\1/p" "$STATS"; }
crashes=$(stat saved_crashes); crashes=${crashes:-$(stat unique_crashes)}
hangs=$(stat saved_hangs); hangs=${hangs:-$(stat unique_hangs)}
echo "fuzz $TARGET $(date -u +%F): run_time $(stat run_time) s, execs $(stat execs_done), execs/s $(stat execs_per_sec), paths (corpus_count) $(stat corpus_count), found $(stat corpus_found), edges $(stat edges_found), crashes $crashes, hangs $hangs"

if [ "${crashes:-0}" -gt 0 ]; then
    echo "crashing inputs (kept in $WORK/findings/default/crashes):"
    dotnet "$WORK/bin/NanoRouter.Fuzz.dll" replay --target "$TARGET" "$WORK"/findings/default/crashes/id* | grep -E "^(FAILED|replay)" | head -20 || true
fi

if [ $MERGE -eq 1 ]; then
    # Seeds stay; the afl-* inputs are replaced by at most $FUZZ_KEEP (default 50) inputs picked from
    # the old ones and the new queue: afl-cmin, then a greedy cover of afl-showmap tuples (pick.py).
    KEEP=${FUZZ_KEEP:-50}
    rm -rf "$WORK/all" "$WORK/min" "$WORK/maps"
    mkdir -p "$WORK/all"
    cp "$CORPUS"/* "$WORK/all/"
    cp "$WORK"/findings/default/queue/id* "$WORK/all/" 2>/dev/null || true
    if afl-cmin -i "$WORK/all" -o "$WORK/min" -t 5000 -m none -- "${RUN[@]}" > "$WORK/cmin.log" 2>&1 \
        && afl-showmap -i "$WORK/min" -o "$WORK/maps" -t 5000 -m none -- "${RUN[@]}" > "$WORK/showmap.log" 2>&1; then
        rm -f "$WORK"/maps/seed-*
        python3 "$ROOT/tests/fuzz/pick.py" "$WORK/maps" "$KEEP" > "$WORK/picked.txt"
        rm -f "$CORPUS"/afl-*
        while read -r name; do
            cp "$WORK/min/$name" "$CORPUS/afl-$(sha1sum "$WORK/min/$name" | cut -c1-12)"
        done < "$WORK/picked.txt"
        echo "merged: afl-cmin kept $(ls "$WORK/min" | wc -l) of $(ls "$WORK/all" | wc -l); corpus now $(ls "$CORPUS" | wc -l) files ($(ls "$CORPUS" | grep -c '^seed-') seeds)"
    else
        echo "afl-cmin/afl-showmap failed (see $WORK/cmin.log, $WORK/showmap.log)"; tail -5 "$WORK/cmin.log"
    fi
fi
[ "${crashes:-0}" -eq 0 ]
