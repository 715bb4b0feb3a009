# Replays every committed fuzz corpus input (tests/fuzz/corpus/TARGET/*) through the same target code
# the fuzzer runs (engine, pptp, http, settings), without AFL: an input that throws or breaks one of
# the target's invariants counts as failed. (The fuzzing itself is tests/fuzz/fuzz.sh TARGET SECONDS,
# not part of this run; afl++ is listed in 60-fuzz-replay.apt for it.)
out=$(dotnet run -c Release --project "$ROOT/tests/fuzz/NanoRouter.Fuzz" -- replay "$ROOT/tests/fuzz/corpus" 2>&1)
rc=$?
echo "$out" | grep -vE "^\s*$" | tail -40
line=$(echo "$out" | grep -E "^replay: [0-9]+ passed, [0-9]+ failed" | tail -1)
passed=$(echo "$line" | sed -nE 's/^replay: ([0-9]+) passed.*/\1/p')
failed=$(echo "$line" | sed -nE 's/^replay: [0-9]+ passed, ([0-9]+) failed.*/\1/p')
if [ -z "$passed" ]; then passed=0; failed=1; fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
record "$passed" "$failed" "fuzz-replay"
[ "$failed" -eq 0 ]
