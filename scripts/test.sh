#!/usr/bin/env bash
# Runs every test of the repository on this machine kind (Debian 12, .NET 10 SDK, root), doing all set-up itself:
# installs and starts the servers the integration tests need (scripts/services.sh), builds once, runs each test
# project, stops what it started, and ends with one line "N passed, N failed" summed over all test projects.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

# shellcheck source=services.sh
source "$ROOT/scripts/services.sh"
trap services_stop EXIT
services_start || { echo "service set-up failed"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck source=browsers.sh
source "$ROOT/scripts/browsers.sh"
browsers_install || { echo "browser set-up failed"; echo "0 passed, 1 failed"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! dotnet build Cacheme.sln -c Release -nologo -v quiet; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

projects=$(find tests -name '*.Tests.csproj' | sort)
crashed=0
for p in $projects; do
  name=$(basename "$p" .csproj)
  echo "=== $name"
  dotnet test "$p" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" \
    -- RunConfiguration.TestSessionTimeout=1800000 || true
  [ -f "$RESULTS/$name.trx" ] || { echo "$name produced no results"; crashed=$((crashed + 1)); }
done

passed=0; failed=$crashed
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  # Tests that were discovered but never ran (a crashed or aborted host) count as failures.
  [ -n "$t" ] && [ -n "$e" ] && [ "$e" -lt "$t" ] && failed=$((failed + t - e))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
