#!/usr/bin/env bash
# Pack what tools/gpu/check.sh needs on a GPU machine that has no network and no Node:
#   DIR/node.xz          this machine's Node binary (xz)
#   DIR/clbench.tar.xz   the built workspace (packages/*/dist, benchmarks, tools/gpu) and the
#                        runtime node_modules pruned to what Node loads (the CLI loads the report
#                        package, so vega and resvg stay; no browser bundles,
#                        source maps, dev tools, or other platforms' dawn.node)
# Usage (repository root, after `npm run build`): tools/gpu/pack.sh [DIR]   (default .gpu)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-.gpu}
[ -f packages/core/dist/webgpu.js ] || { echo "pack.sh: build first (npm run build)" >&2; exit 2; }
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "pack.sh: the optional package webgpu is not installed (npm install)" >&2; exit 2; }
mkdir -p "$dir"
[ -f "$dir/node.xz" ] || xz -T0 -6 -c "$(command -v node)" >"$dir/node.xz"
devtools='typescript|nx|@nx|vitest|@vitest|vite|rolldown|@rolldown|playwright-core|lightningcss.*|core-js|@types|@tensorflow|esbuild|@esbuild'
{
  echo package.json
  find benchmarks tools/gpu -type f
  find packages -name node_modules -prune -o -type f \( -name package.json -o -path '*/dist/*.js' \) -print
  find node_modules -regextype posix-extended -regex "node_modules/($devtools)" -prune \
    -o -path 'node_modules/webgpu/dist/*' ! -path 'node_modules/webgpu/dist/linux-x64*' -prune \
    -o \( -type f -o -type l \) ! -name '*.map' ! -name '*.ts' ! -name '*.md' -print
  find node_modules/@tensorflow -path '*/node_modules' -prune -o -type f \( -path 'node_modules/@tensorflow/*/package.json' \
    -o -path '*/dist/*.node.js' -o -path '*/dist/*.wasm' -o -path '*/dist/*worker*.js' \) -print
} >"$dir/files.txt"
tar -c --owner=0 --group=0 -T "$dir/files.txt" | xz -T0 -2 >"$dir/clbench.tar.xz"
rm "$dir/files.txt"
ls -l "$dir"
