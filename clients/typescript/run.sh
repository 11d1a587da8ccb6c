#!/usr/bin/env bash
# The partner-client check: types from docs/openapi.json (openapi-typescript), tsc --strict, then the
# program against a test server of its own (a temporary SQLite file, the seed, an editor key made
# with "chainkb keys create"). .ci/run calls it; it takes well under a minute once npm ci is done.
# CHAINKB_BIN may name a built chainkb binary; otherwise it is built here.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
server=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

bin="${CHAINKB_BIN:-}"
if [ -z "$bin" ]; then
	bin="$work/chainkb"
	(cd ../.. && go build -tags sqlite_fts5 -o "$bin" .)
fi

npm ci --no-audit --no-fund --loglevel=error
npx openapi-typescript ../../docs/openapi.json -o src/schema.d.ts >/dev/null
npx tsc --strict --noEmit -p .
npx tsc -p .

export CHAINKB_DB="$work/chainkb.db"
port=$(( 20000 + RANDOM % 20000 ))
"$bin" -addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
	curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done
key=$("$bin" keys create -name "partner client check" -role editor 2>/dev/null | grep -o 'ckb_[a-z2-7]*' | head -1)
if [ -z "$key" ]; then
	echo "could not make an editor key"; cat "$work/server.log"; exit 1
fi
if ! CHAINKB_URL="http://127.0.0.1:$port" CHAINKB_KEY="$key" node dist/main.js; then
	echo "--- server log"; tail -50 "$work/server.log"; exit 1
fi
