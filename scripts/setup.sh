#!/usr/bin/env bash
# Installs the Debian 12 packages entente needs to build and test. Idempotent: does
# nothing when everything is present. Runs apt-get as root (sudo when not root).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format clang-tidy
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libsqlite3-dev sqlite3
  libeigen3-dev libgmp-dev libgeographiclib-dev libcsv-dev libexpat1-dev libssl-dev
  libboost-dev libopenmpi-dev openmpi-bin libmuparser-dev libmimalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev libcpp-httplib-dev
  chromium    # the report's browser test (headless, driven by playwright-core)
  # `import entente` (docs/python.md): pybind11 for Debian's python3, numpy and pandas for
  # its arrays and frames; pytest, nbconvert/nbclient, ipykernel and matplotlib for its
  # tests and the example notebook the tests execute.
  pybind11-dev python3-dev python3-pybind11 python3-numpy python3-pandas python3-pytest
  python3-nbconvert python3-nbclient python3-ipykernel python3-matplotlib
)
# Node.js and npm (npm ci in web/: vega, vega-lite, vega-embed, world-atlas): Debian's
# packages only when no node/npm is on the PATH; a machine with another Node.js (e.g.
# NodeSource's, which bundles npm) must keep it, since Debian's npm conflicts with it.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
