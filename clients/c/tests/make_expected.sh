#!/usr/bin/env bash
# Records what the Swift `maas` CLI prints for each case in cli_cases.txt as expected/NAME.txt, against the
# fake server and the fixtures of make_npy_fixtures.py. maas-c must print exactly the same (run_tests.sh).
# Usage: tests/make_expected.sh [PATH_TO_SWIFT_MAAS]   (default: .build/debug/maas; `swift build` first)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
MAAS=${1:-$ROOT/.build/debug/maas}
WORK=$(mktemp -d)
trap 'exec 9>&-; kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$WORK"' EXIT

protoc --include_imports --descriptor_set_out="$WORK/maas.desc" -I "$ROOT/proto" maas/v1/maas.proto
mkdir "$WORK/fixtures"
python3 "$HERE/make_npy_fixtures.py" "$WORK/fixtures"
mkfifo "$WORK/stdin"
python3 "$HERE/fake_server.py" "$WORK/maas.desc" <"$WORK/stdin" >"$WORK/server.out" &
server_pid=$!
exec 9>"$WORK/stdin"
for _ in $(seq 100); do grep -q '^PORT' "$WORK/server.out" && break; sleep 0.1; done
port=$(sed -n 's/^PORT //p' "$WORK/server.out")

mkdir -p "$HERE/expected"
grep -v '^#' "$HERE/cli_cases.txt" | while IFS='|' read -r name arguments; do
    # shellcheck disable=SC2086
    "$MAAS" ${arguments//\{F\}/$WORK/fixtures} --port "$port" >"$HERE/expected/$name.txt"
    echo "expected/$name.txt"
done
