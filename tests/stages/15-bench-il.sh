# The cost benchmark's IL counter, run as a check: every case prints its line, no case allocates
# on the packet path, and a NAT entry costs at most 34 bytes (20 before issue 15 added the remote
# port, the TCP sequence tracking and the owner). (The instruction and call figures are printed
# for the record; they are figures, not pass/fail.)
out=$(dotnet run -c Release --project "$ROOT/tests/NanoRouter.Bench" -- il 2>&1)
rc=$?
echo "$out" | grep -E "^(il|entry-bytes|table-fixed-bytes)"
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi; }
check "bench exits 0" '[ $rc -eq 0 ]'
for kind in tcp udp icmp esp gre; do
  for flows in 16 128 512; do
    line=$(echo "$out" | grep -E "^il $kind flows=$flows instructions=[0-9.]+ calls=[0-9.]+ allocations=[0-9.]+$")
    check "line for $kind/$flows" '[ -n "$line" ]'
    check "no allocation for $kind/$flows" 'echo "$line" | grep -q "allocations=0.0$"'
  done
done
bytes=$(echo "$out" | sed -nE 's/^entry-bytes ([0-9]+)$/\1/p')
check "entry-bytes printed and <= 34" '[ -n "$bytes" ] && [ "$bytes" -le 34 ]'
record "$passed" "$failed" "bench-il"
[ "$failed" -eq 0 ]
