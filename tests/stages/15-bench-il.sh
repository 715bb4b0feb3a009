# The cost benchmark's IL counter, run as a check: every case prints its line, no case allocates
# on the packet path, a NAT entry costs at most 34 bytes (20 before issue 15 added the remote
# port, the TCP sequence tracking and the owner), and the engine's tick at 512 flows, as the
# boards run it every 100 ms, stays within 8,000 IL instructions and allocates nothing (IL counts
# are exact, not timings). Every admin request the bench makes (pages, saves, logins, the API)
# yields to the other threads at least every 6,000 IL (nanoCLR does not preempt a running thread
# before its 20 ms quantum is used), and so does the managed PBKDF2 (1,000 iterations, no
# allocation). The other figures are for the record.
out=$(dotnet run -c Release --project "$ROOT/tests/NanoRouter.Bench" -- il 2>&1)
rc=$?
echo "$out" | grep -E "^(il|entry-bytes|table-fixed-bytes|engine-heap-bytes|bench:)"
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi; }
check "bench exits 0" '[ $rc -eq 0 ]'
for kind in tcp udp icmp esp gre gre0; do
  for flows in 16 128 512; do
    line=$(echo "$out" | grep -E "^il $kind flows=$flows instructions=[0-9.]+ calls=[0-9.]+ allocations=[0-9.]+$")
    check "line for $kind/$flows" '[ -n "$line" ]'
    check "no allocation for $kind/$flows" 'echo "$line" | grep -q "allocations=0.0$"'
  done
done
for tick in tick-same-second tick-new-second tick-after-1s-gap; do
  line=$(echo "$out" | grep -E "^il $tick flows=512 instructions=[0-9]+ calls=[0-9]+ allocations=[0-9]+$")
  check "line for $tick" '[ -n "$line" ]'
  check "no allocation in $tick" 'echo "$line" | grep -q "allocations=0$"'
done
for tick in tick-same-second tick-new-second; do
  il=$(echo "$out" | sed -nE "s/^il $tick flows=512 instructions=([0-9]+) .*/\1/p")
  check "$tick within 8000 IL" '[ -n "$il" ] && [ "$il" -le 8000 ]'
done
admin=$(echo "$out" | grep -cE "^il admin-[a-z-]+ instructions=[0-9]+ calls=[0-9]+ allocations=[0-9]+ longest-run=[0-9]+$")
check "admin request lines (at least 19)" '[ "$admin" -ge 19 ]'
while read -r name run; do
  check "admin $name yields within 6000 IL (longest run $run)" '[ "$run" -le 6000 ]'
done < <(echo "$out" | sed -nE 's/^il admin-([a-z-]+) .* longest-run=([0-9]+)$/\1 \2/p')
hash=$(echo "$out" | grep -E "^il password-hash iterations=1000 instructions=[0-9]+ calls=[0-9]+ allocations=0 longest-run=[0-9]+$")
check "password-hash line (1000 iterations, no allocation)" '[ -n "$hash" ]'
run=$(echo "$hash" | sed -nE 's/.* longest-run=([0-9]+)$/\1/p')
check "password-hash yields within 6000 IL (longest run $run)" '[ -n "$run" ] && [ "$run" -le 6000 ]'
bytes=$(echo "$out" | sed -nE 's/^entry-bytes ([0-9]+)$/\1/p')
check "entry-bytes printed and <= 34" '[ -n "$bytes" ] && [ "$bytes" -le 34 ]'
record "$passed" "$failed" "bench-il"
[ "$failed" -eq 0 ]
