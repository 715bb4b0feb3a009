#!/usr/bin/env bash
# libnrflow.so exports exactly the functions nr_flow.h declares (NR_FLOW_API), nothing else.
set -euo pipefail
library=$1 header=$2
declared=$(grep -oE 'NR_FLOW_API [^(]*\b(nr_flow_[a-z_]+)\(' "$header" | grep -oE 'nr_flow_[a-z_]+\($' | tr -d '(' | sort)
exported=$(nm -D --defined-only "$library" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort)
if [ "$declared" != "$exported" ]; then
    echo "declared:"; echo "$declared"; echo "exported:"; echo "$exported"
    exit 1
fi
echo "exports: $(echo "$exported" | wc -l) functions, exactly the API"
