#!/usr/bin/env bash
# The test command (README): builds and runs every test project of the solution, then prints one summary line
# "N passed, N failed, N skipped". Exit code: dotnet test's (non-zero when anything failed or did not build).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log=$(mktemp)
dotnet test "$here/Beacon.Iac.sln" -c Release --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# dotnet test prints one line per test assembly: "Passed!  - Failed:     0, Passed:   102, Skipped:     0, ..."
read -r failed passed skipped < <(grep -E '^(Passed|Failed|Skipped)! +- Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {print f+0, p+0, s+0}')
assemblies=$(grep -cE '^(Passed|Failed|Skipped)! +- Failed:' "$log")
rm -f "$log"
echo
echo "test assemblies: $assemblies"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$rc" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$rc"
