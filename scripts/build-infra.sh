#!/usr/bin/env bash
# The one build step before `pulumi preview/up`: publishes the Pulumi program (infra/) as a native executable (Native
# AOT) into .beacon/infra, where Pulumi.yaml's `compiler` option runs it. Native matters: Pulumi starts the compiler at
# least twice per preview, and a native process starts in milliseconds instead of a quarter of a second.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log=$(mktemp)
rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
if ! dotnet publish "$here/infra/Beacon.Infra.csproj" -c Release -r "${rid:-linux-x64}" -o "$here/.beacon/infra" --nologo -tl:off >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
echo "built $here/.beacon/infra/beacon-infra (the compiler Pulumi.yaml runs)" >&2
