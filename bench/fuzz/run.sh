#!/usr/bin/env bash
# The fuzz harness's long mode (tests/Cadenza.Tests/Robustness/Fuzz): N mutants of every input kind Cadenza reads
# (default 10,000 each), then the report table for bench/README.md. Takes minutes; run by hand from the project root:
#   bench/fuzz/run.sh [CASES]
set -euo pipefail
cases=${1:-10000}
report=$(mktemp)
./cadenza --help >/dev/null   # builds the CLI the tests run
CADENZA_FUZZ_CASES=$cases CADENZA_FUZZ_REPORT=$report \
  dotnet test tests/Cadenza.Tests/Cadenza.Tests.csproj -c Release -nologo --filter "FullyQualifiedName~Robustness.Fuzz" \
  --logger "console;verbosity=minimal" | grep -E "Passed!|Failed!|Failed |crashes" || true
sed -n '1,2p' <<'TABLE'
| kind | cases | read | refused (one line) | pieces skipped | crashes and hangs | slowest case, ms | most allocated by a case, KiB | most allocated, × input (inputs ≥ 4 KiB) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
TABLE
sort "$report"
rm -f "$report"
