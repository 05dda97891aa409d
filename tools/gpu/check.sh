#!/usr/bin/env bash
# The GPU device check (issue 13), in one go, installing nothing from the network.
#   tools/gpu/check.sh [DIR]      from the repository root; output on stdout (keep it: reports/gpu/)
# Uses, in this order:
#   - Node: `node` on PATH, else DIR/node.xz (made by tools/gpu/pack.sh on a machine with Node);
#   - the workspace: DIR/clbench.tar.xz if present (pack.sh), else this checkout (built, with node_modules);
#   - the Vulkan loader and GLVND: the system's, else DIR/../.gl/*.deb unpacked into / (as root; on a
#     machine with network: apt-get download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2);
#   - the Vulkan driver: the system's ICD files, else NVIDIA's from /usr/local/nvidia (containers).
# Then prints the machine (GPU, driver, glibc), Dawn's adapters, and runs tools/gpu/check.mjs and
# tools/gpu/devices.mjs. Exit status 1 when a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(realpath "${1:-.gpu}")
. tools/gpu/setup.sh

echo "== machine"
echo "node $(node --version); $(ldd --version | head -1); $(ldconfig -p | grep -c 'libvulkan.so.1 ') libvulkan.so.1; VK_DRIVER_FILES=${VK_DRIVER_FILES:-(system)}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader || true
echo "== Dawn's Vulkan adapters (CUDA_VISIBLE_DEVICES unset, then =1: does NVIDIA's Vulkan driver honour it?)"
list='import("webgpu").then(async ({ create }) => { try { await create(["backend=vulkan", "adapter=\u0001"]).requestAdapter(); } catch (e) { console.log(e.message.split("\n").slice(1).join("; ") || "(none)"); } process.exit(0); })'
env -u CUDA_VISIBLE_DEVICES node -e "$list" 2>&1 | grep -v '^ *at ' || true
CUDA_VISIBLE_DEVICES=1 node -e "$list" 2>&1 | grep -v '^ *at ' || true
echo "== check"
status=0
node tools/gpu/check.mjs "${@:2}" || status=1
echo "== --devices 0 through the runner"
node tools/gpu/devices.mjs || status=1
exit $status
