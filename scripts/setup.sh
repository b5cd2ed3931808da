#!/usr/bin/env bash
# Everything a fresh machine needs to build, test and run speedledger: npm packages from the
# lockfile, then a build of every workspace so `npx speedledger` works at once.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error(`speedledger needs Node >= 20.19, found ${process.versions.node}`); process.exit(1) }'

# OS packages the tests drive for real: Debian's Chromium for analytics' browser tests
# (playwright-core with executablePath, no downloaded browser) and redis-server for sensor-ingest
# (its tests start their own server on their own port, AOF in a temp dir). One apt run for both.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt)"
  if [ "$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q "${missing[@]}"
  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -q && sudo apt-get install -y -q "${missing[@]}"
  else echo "warning: missing ${missing[*]} and this user cannot install them: run 'apt-get install -y ${missing[*]}' (browser and Redis tests will fail)" >&2
  fi
fi

npm ci --no-audit --no-fund
# better-sqlite3 (analytics' surveillance store) compiles its native binding in its install
# script (g++, make, python3, Node headers); fail here, not in a test, if that did not happen.
node -e "require('better-sqlite3')" 2>/dev/null || { echo "better-sqlite3's native binding is missing: run 'npm rebuild better-sqlite3' (needs g++, make, python3)" >&2; exit 1; }
npx turbo run build
# The chaincode package `speedledger up` installs on the peers (lr-chaincode/build/lr-chaincode.tar.gz).
npm run package -w lr-chaincode
echo "setup done: try 'npx speedledger --help'"
