#!/usr/bin/env bash
# Installs Caliper and its Fabric peer-gateway binding from this folder's lockfile into
# CALIPER_HOME (default ~/.cache/speedledger-caliper) — outside the repository, for two reasons:
# the workspace install (and CI) never fetches it, and Caliper's Fabric connector refuses to run
# when it can resolve both @hyperledger/fabric-gateway and fabric-network ("Multiple bindings for
# fabric have been detected"): inside the repository, Node's resolution walks up to the root
# node_modules, where ledger-client's fabric-network lives.
# The binding's versions are the ones `caliper bind --caliper-bind-sut fabric:2.4` would install.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${CALIPER_HOME:-$HOME/.cache/speedledger-caliper}"
mkdir -p "$home"
cp "$here/package.json" "$here/package-lock.json" "$home/"
cd "$home"
# --ignore-scripts: the only install scripts in the tree build optional native add-ons (cpu-features
# under ssh2, pkcs11js) that node-gyp cannot build offline and Caliper does not need here.
npm ci --no-audit --no-fund --ignore-scripts
npx caliper --version
