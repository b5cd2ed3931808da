#!/usr/bin/env bash
# Installs Caliper and its Fabric peer-gateway binding here (bench/caliper/node_modules), from the
# lockfile — outside the workspace install, so CI and `npm install` at the root never fetch it.
# The binding's versions are the ones `caliper bind --caliper-bind-sut fabric:2.4` would install.
set -euo pipefail
cd "$(dirname "$0")"
# --ignore-scripts: the only install scripts in the tree build optional native add-ons (cpu-features
# under ssh2, pkcs11js) that node-gyp cannot build offline and Caliper does not need here.
npm ci --no-audit --no-fund --ignore-scripts
npx caliper --version
