#!/usr/bin/env bash
# Records what the Swift `maas` CLI prints for each case in cli_cases.txt as expected/NAME.txt, against the
# fake server (tests/fake_server) and the committed fixtures. maas-c must print exactly the same (run_tests.sh).
# Usage: tests/make_expected.sh [PATH_TO_SWIFT_MAAS]   (default: .build/debug/maas; `swift build` first)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${BUILD:-$(cd "$HERE/.." && pwd)/build}
MAAS=${1:-$ROOT/.build/debug/maas}
WORK=$(mktemp -d)
server_pid=
trap 'exec 9>&-; [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

make -s -C "$HERE/.." test-programs
mkfifo "$WORK/stdin"
"$BUILD/tests/fake_server" <"$WORK/stdin" >"$WORK/server.out" &
server_pid=$!
exec 9>"$WORK/stdin"
for _ in $(seq 100); do grep -q '^PORT' "$WORK/server.out" && break; sleep 0.1; done
port=$(sed -n 's/^PORT //p' "$WORK/server.out")

mkdir -p "$HERE/expected" "$WORK/run"
# In a scratch directory: relative --output and --features paths in the cases land there (run_tests.sh
# runs maas-c in one too), and their sha256s are recorded beside the outputs.
grep -v '^#' "$HERE/cli_cases.txt" | (cd "$WORK/run" && while IFS='|' read -r name arguments; do
    # shellcheck disable=SC2086
    "$MAAS" ${arguments//\{F\}/$HERE/fixtures} --port "$port" >"$HERE/expected/$name.txt"
    echo "expected/$name.txt"
done)
(cd "$WORK/run" && find . -type f -name '*.npy' | LC_ALL=C sort | xargs sha256sum) >"$HERE/expected/written-files.sha256"
echo "expected/written-files.sha256"
