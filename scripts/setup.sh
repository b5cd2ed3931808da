#!/usr/bin/env bash
# Everything a fresh machine needs to build, test and run speedledger: npm packages from the
# lockfile, then a build of every workspace so `npx speedledger` works at once.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error(`speedledger needs Node >= 20.19, found ${process.versions.node}`); process.exit(1) }'

npm ci --no-audit --no-fund
npx turbo run build
# The chaincode package `speedledger up` installs on the peers (lr-chaincode/build/lr-chaincode.tar.gz).
npm run package -w lr-chaincode
echo "setup done: try 'npx speedledger --help'"
