#!/usr/bin/env bash
# Runs the Caliper benchmark against a fresh `speedledger up` network:
#   bash bench/caliper/run.sh [DATA_DIR]   (default: a new temp dir; the network is stopped at the end)
# Needs `bash bench/caliper/install.sh` once and the repository built (npm run build).
# Writes bench/caliper/report.html (Caliper's own report) and caliper.log.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data="${1:-$(mktemp -d /tmp/speedledger-caliper-XXXXXX)}"
cli="node $repo/cli/bin/speedledger.js"
[ -x "$here/node_modules/.bin/caliper" ] || { echo "Caliper is not installed: bash $here/install.sh" >&2; exit 2; }
echo "machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), node $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg)"
$cli up --data-dir "$data" --base-port auto
trap '$cli down --data-dir "$data" >/dev/null 2>&1 || true' EXIT
node "$here/network-config.mjs" "$data" "$here/network-config.json"
cd "$here"
npx caliper launch manager \
  --caliper-workspace "$here" \
  --caliper-networkconfig network-config.json \
  --caliper-benchconfig benchmark.yaml \
  --caliper-flow-only-test \
  --caliper-report-path "$here/report.html" 2>&1 | tee "$here/caliper.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
