# End-to-end hostile input through the host board (issue 7, tests/e2e/hostile): a 5,000-flow
# flood beside an IPsec tunnel and iperf3, a malformed-packet barrage from both sides, admin
# abuse, 200 kill -9s during settings saves and a 60 s soak. Needs root; labs in 198.18.0.0/15.
# Tests in category known-issue document weaknesses found and not fixed yet (see the README
# there; none at present); they are left out here and run with tests/e2e/hostile/known-issues.sh.
# The long versions: tests/e2e/hostile/soak.sh 600, tests/e2e/hostile/powercut.sh 1000.
figures=$(mktemp)
NANOROUTER_HOSTILE_FIGURES=$figures \
NANOROUTER_POWERCUT_ITERATIONS=${NANOROUTER_POWERCUT_ITERATIONS:-200} \
NANOROUTER_SOAK_SECONDS=${NANOROUTER_SOAK_SECONDS:-60} \
    record_dotnet_test tests/e2e/hostile/NanoRouter.E2E.Hostile/NanoRouter.E2E.Hostile.csproj --filter 'TestCategory!=known-issue'
rc=$?
echo "=== hostile-input figures"
cat "$figures"
rm -f "$figures"
exit $rc
