#!/usr/bin/env bash
# Installs what the tests need and is missing: Debian packages (listed one per line in
# tests/stages/*.apt) and the repo's local dotnet tools. Idempotent; quiet when all is there.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)}
missing=()
for list in "$ROOT"/tests/stages/*.apt; do
    [ -f "$list" ] || continue
    while read -r pkg; do
        pkg=${pkg%%#*}; pkg=$(echo "$pkg" | xargs)
        [ -n "$pkg" ] || continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done < "$list"
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" > /tmp/nanorouter-apt.log 2>&1 || { tail -30 /tmp/nanorouter-apt.log >&2; exit 1; }
fi
if [ -f "$ROOT/.config/dotnet-tools.json" ]; then
    (cd "$ROOT" && dotnet tool restore > /dev/null)
fi
