#!/usr/bin/env bash
# The test command (README): builds and runs every test project of the solution, then prints one summary line
# "N passed, N failed, N skipped" — with the reason for the skipped tests, once per distinct reason (on a machine
# without a Docker engine, the integration tests are skipped and the line says why).
# The fuzz tests run BEACON_FUZZ_SECONDS per target (default 3; CI sets more); their counts are printed at the end.
# Exit code: 0 only when every test project of the solution built and ran and no test failed; 1 otherwise. The
# summary line and the exit code come from the same counts (tests/Beacon.Integration.Tests/Scripts proves it on a
# scratch solution with a failing test and one that does not build).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
solution=$(find "$here" -maxdepth 1 -name '*.sln' | sort | head -1)
[ -n "$solution" ] || { echo "test.sh: no .sln in $here" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Detailed console output goes to the log (it carries each skip's reason); the terminal sees it without the
# per-test "Passed" lines and the tests' own output. The exit status of dotnet test is read from PIPESTATUS right
# after the pipeline (grep's own status — 1 when it prints nothing — is not the result).
dotnet test "$solution" -c Release --nologo --logger "console;verbosity=detailed" "$@" 2>&1 | tee "$log" |
  grep --line-buffered -vE '^  Passed |^ *(Standard Output Messages:|\[xUnit\.net)|^ +(fuzz [^:]+: [0-9]+ inputs|slowest input:)'
statuses=("${PIPESTATUS[@]}")
rc=${statuses[0]}
# Each test assembly ends with "Total tests: N" and lines "Passed: N", "Failed: N", "Skipped: N" (those above zero).
read -r assemblies failed passed skipped < <(awk '
  /^Total tests: /{a++; t=1; next}
  t && /^ +Passed: /{p+=$2; next}
  t && /^ +Failed: /{f+=$2; next}
  t && /^ +Skipped: /{s+=$2; next}
  t && /^ +Total time:/{t=0}
  END {print a+0, f+0, p+0, s+0}' "$log")
# The test projects the solution names: each must have reported its totals, or it did not build or did not run.
projects=$(grep -cE '^Project\(.*\.Tests\.csproj"' "$solution")
# A skipped test is printed as "  Skipped <name> [t]" then "  Error Message:" then the reason on the next line.
reasons=$(awk '/^  Skipped /{s=1; next} s==1 && /^  Error Message:/{s=2; next} s==2{sub(/^ +/, ""); print; s=0; next} {s=0}' "$log" |
  sort | uniq -c | sed -E 's/^ *([0-9]+) (.*)/\1 skipped: \2/')
echo
# The fuzz suite's counts (each fuzz test prints "fuzz <target>: N inputs in S s, slowest M ms").
grep -E '^ *fuzz [^:]+: [0-9]+ inputs' "$log" | sed -E 's/^ +//' | sort
echo "test assemblies: $assemblies of $projects"
if [ -n "$reasons" ]; then
  echo "$passed passed, $failed failed, $skipped skipped ($(echo "$reasons" | awk 'NR>1{printf " | "} {printf "%s", $0}'))"
else
  echo "$passed passed, $failed failed, $skipped skipped"
fi
verdict=0
if [ "$failed" -gt 0 ]; then
  echo "test.sh: $failed test(s) failed" >&2
  verdict=1
fi
if [ "$assemblies" -lt "$projects" ]; then
  echo "test.sh: only $assemblies of $projects test projects ran (a project did not build or its run failed: see above)" >&2
  verdict=1
fi
if [ "$rc" -ne 0 ] && [ "$verdict" -eq 0 ]; then
  echo "test.sh: dotnet test exited $rc" >&2
  verdict=1
fi
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  verdict=1
fi
exit "$verdict"
