#!/usr/bin/env bash
# Everything a fresh machine needs to build, test and run speedledger: npm packages from the
# lockfile, then a build of every workspace so `npx speedledger` works at once.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error(`speedledger needs Node >= 20.19, found ${process.versions.node}`); process.exit(1) }'

# analytics' browser tests drive Debian's Chromium (playwright-core with executablePath, no
# downloaded browser): install it when missing. Needs root (or sudo) and the Debian archive.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (apt) for the dashboard's browser tests"
  if [ "$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium
  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -q && sudo apt-get install -y -q chromium
  else echo "warning: /usr/bin/chromium is missing and this user cannot install it; analytics' browser tests will fail under CI" >&2
  fi
fi

npm ci --no-audit --no-fund
# better-sqlite3 (analytics' surveillance store) compiles its native binding in its install
# script (g++, make, python3, Node headers); fail here, not in a test, if that did not happen.
node -e "require('better-sqlite3')" 2>/dev/null || { echo "better-sqlite3's native binding is missing: run 'npm rebuild better-sqlite3' (needs g++, make, python3)" >&2; exit 1; }
npx turbo run build
# The chaincode package `speedledger up` installs on the peers (lr-chaincode/build/lr-chaincode.tar.gz).
npm run package -w lr-chaincode
# sensor-ingest's tests (and `speedledger ingest serve` without --redis) need a local Redis:
# Debian's redis-server, run by the tests on their own port with the AOF in a temp dir.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "installing redis-server (apt) for sensor-ingest"
  if [ "$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q redis-server
  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -q && sudo apt-get install -y -q redis-server
  else echo "warning: redis-server is missing and this user cannot install it: run 'apt-get install -y redis-server' (sensor-ingest's *.redis tests will fail)" >&2
  fi
fi
echo "setup done: try 'npx speedledger --help'"
