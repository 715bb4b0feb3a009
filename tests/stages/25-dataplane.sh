# The C flow path (dataplane/), shared by both boards:
#  - tests/dataplane with CTest under AddressSanitizer + UBSan (gcc, -Werror), including the
#    shared library's exports and the freestanding 32-bit build;
#  - the same suite under ThreadSanitizer (clang): the one-writer protocol's two-thread tests must
#    show no race (halt_on_error) and keep their exact-counter and no-half-written-spec checks;
#  - dataplane/CMakeLists.txt as the host board would build it (libnrflow.a and libnrflow.so);
#  - tests/bench/native-cost.sh: every line of its contract, <= 170 x86 instructions per packet at
#    every flow count, at most 1.1x from 16 to 512 flows, native-entry-bytes <= 32, and the managed
#    install cost (IL, the nanoCLR measure) for every case without allocation.
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

# Runs CTest on a configured build and records its counts under a name.
run_suite() {
    local dir=$1 name=$2 log="$1/ctest.log"
    if ! cmake --build "$dir" -j 2 > "$dir/build.log" 2>&1; then
        grep -E "error|Error|undefined reference" "$dir/build.log" | head -40
        record 0 1 "$name-build"
        return 1
    fi
    ctest --test-dir "$dir" -j 2 --output-on-failure 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]} line failed total
    line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
    failed=$(echo "$line" | sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/p')
    total=$(echo "$line" | sed -nE 's/.* tests failed out of ([0-9]+).*/\1/p')
    if [ -z "$total" ]; then
        record 0 1 "$name"
        return 1
    fi
    record $((total - failed)) "$failed" "$name"
    [ "$rc" -eq 0 ]
}

status=0
if cmake -S "$ROOT/tests/dataplane" -B "$build/asan" > "$build/asan-configure.log" 2>&1; then
    run_suite "$build/asan" tests/dataplane || status=1
else
    cat "$build/asan-configure.log"; record 0 1 tests/dataplane-configure; status=1
fi

if CC=clang cmake -S "$ROOT/tests/dataplane" -B "$build/tsan" -DNR_FLOW_SANITIZE=thread > "$build/tsan-configure.log" 2>&1; then
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" run_suite "$build/tsan" tests/dataplane-tsan || status=1
else
    cat "$build/tsan-configure.log"; record 0 1 tests/dataplane-tsan-configure; status=1
fi

passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi; }
cmake -S "$ROOT/dataplane" -B "$build/lib" > "$build/lib.log" 2>&1 && cmake --build "$build/lib" -j 2 >> "$build/lib.log" 2>&1
check "dataplane/CMakeLists.txt builds libnrflow.a and libnrflow.so" '[ -f "$build/lib/libnrflow.a" ] && [ -f "$build/lib/libnrflow.so" ]'

out=$("$ROOT/tests/bench/native-cost.sh" 2>&1)
rc=$?
echo "$out"
check "native-cost.sh exits 0" '[ $rc -eq 0 ]'
check "native-cost.sh prints 16 native lines" '[ "$(echo "$out" | grep -c "^native")" -eq 16 ]'
for kind in tcp udp icmp esp gre gre0; do
    for flows in 16 128 512; do
        check "managed-install line for $kind/$flows, no allocation" 'echo "$out" | grep -qE "^managed-install $kind flows=$flows instructions=[0-9.]+ calls=[0-9.]+ allocations=0.0 installs=[1-9][0-9]*$"'
    done
done
for kind in tcp udp icmp esp gre; do
    for flows in 16 128 512; do
        x=$(echo "$out" | sed -nE "s/^native $kind flows=$flows instructions=([0-9]+(\.[0-9]+)?)$/\1/p")
        check "line for $kind/$flows" '[ -n "$x" ]'
        check "$kind/$flows within 170 instructions" '[ -n "$x" ] && awk -v x="$x" "BEGIN { exit !(x <= 170) }"'
    done
    low=$(echo "$out" | sed -nE "s/^native $kind flows=16 instructions=([0-9.]+)$/\1/p")
    high=$(echo "$out" | sed -nE "s/^native $kind flows=512 instructions=([0-9.]+)$/\1/p")
    check "$kind: 512 flows within 1.1x of 16" '[ -n "$low" ] && [ -n "$high" ] && awk -v a="$low" -v b="$high" "BEGIN { exit !(b <= 1.1 * a) }"'
done
bytes=$(echo "$out" | sed -nE 's/^native-entry-bytes ([0-9]+)$/\1/p')
check "native-entry-bytes printed and <= 32" '[ -n "$bytes" ] && [ "$bytes" -le 32 ]'
record "$passed" "$failed" native-cost
[ "$failed" -eq 0 ] || status=1
[ "$status" -eq 0 ]
