#!/usr/bin/env bash
# The long property run: every property test (the shared ones and the CsCheck ones) with a fresh
# random run seed and SCALE times the usual cases (default 20). The seed is printed first; a
# failure prints it again with the command that replays it.
#   tests/properties.sh [SCALE]
#   NANOROUTER_SEED=N tests/properties.sh [SCALE]     replays run N
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
scale=${1:-20}
seed=${NANOROUTER_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
unset CsCheck_Seed
export NANOROUTER_SEED=$seed NANOROUTER_PROPERTY_SCALE=$scale
echo "properties: run seed $seed, scale $scale (replay: NANOROUTER_SEED=$seed tests/properties.sh $scale)"
dotnet test "$ROOT/tests/NanoRouter.Tests/NanoRouter.Tests.csproj" -nologo \
    --filter "FullyQualifiedName~PropertyTests|FullyQualifiedName~PropertyCsCheckTests|FullyQualifiedName~OracleEquivalenceTests"
rc=$?
echo "properties: run seed $seed, scale $scale: $([ $rc -eq 0 ] && echo passed || echo FAILED)"
exit $rc
