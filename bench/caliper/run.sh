#!/usr/bin/env bash
# Runs the Caliper benchmark against a fresh `speedledger up` network:
#   bash bench/caliper/run.sh [DATA_DIR]   (default: a new temp dir; the network is stopped at the end)
# Needs `bash bench/caliper/install.sh` once and the repository built (npm run build).
# Caliper runs in CALIPER_HOME (see install.sh) with this folder's workload and benchmark copied
# there; its report comes back as bench/caliper/report.html, its log as bench/caliper/caliper.log.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="${CALIPER_HOME:-$HOME/.cache/speedledger-caliper}"
data="${1:-$(mktemp -d /tmp/speedledger-caliper-XXXXXX)}"
cli="node $repo/cli/bin/speedledger.js"
[ -x "$home/node_modules/.bin/caliper" ] || { echo "Caliper is not installed in $home: bash $here/install.sh" >&2; exit 2; }
echo "machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), node $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg)"
$cli up --data-dir "$data" --base-port auto
trap '$cli down --data-dir "$data" >/dev/null 2>&1 || true' EXIT
rm -rf "$home/workload" && cp -r "$here/workload" "$here/benchmark.yaml" "$home/"
node "$here/network-config.mjs" "$data" "$home/network-config.json"
cd "$home"
# The workload loads this repository's reading generator by absolute path (see workload/fleet.js).
SPEEDLEDGER_DATASETS="$repo/datasets/dist/index.js" npx caliper launch manager \
  --caliper-workspace "$home" \
  --caliper-networkconfig network-config.json \
  --caliper-benchconfig benchmark.yaml \
  --caliper-flow-only-test \
  --caliper-report-path "$here/report.html" 2>&1 | tee "$here/caliper.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
