# Tests of flash.ps1 with PowerShell 7.6.9, the repo's local dotnet tool (.config/dotnet-tools.json,
# restored by tests/setup.sh): -WhatIf commands, parameter errors, missing tools, step order.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd "$ROOT" && dotnet tool run pwsh -NoProfile -NonInteractive -File tests/flash/flash.Tests.ps1) 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$log" | tail -1)
if [ -z "$line" ]; then
    record 0 1 tests/flash
    exit 1
fi
record "$(echo "$line" | cut -d' ' -f1)" "$(echo "$line" | cut -d' ' -f3)" tests/flash
[ "$rc" -eq 0 ]
