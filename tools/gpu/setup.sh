# Sourced by tools/gpu/check.sh and tools/gpu/paper-suite.sh (from the repository root, with `dir` set to
# the pack folder, default .gpu): makes a GPU machine that has no network and maybe no Node ready to run clbench.
#   - Node: `node` on PATH, else $dir/node.xz (made by tools/gpu/pack.sh on a machine with Node);
#   - the Vulkan loader and GLVND: the system's, else $dir/../.gl/*.deb unpacked into / (as root; on a
#     machine with network: apt-get download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2);
#   - the Vulkan driver: the system's ICD files, else NVIDIA's from /usr/local/nvidia (containers);
#   - the workspace: $dir/clbench.tar.xz unpacked into $work/repo and made the current directory, if present
#     (pack.sh), else this checkout (built, with node_modules).
work=${TMPDIR:-/tmp}/clbench-gpu

if ! command -v node >/dev/null; then
  [ -f "$dir/node.xz" ] || { echo "$(basename "$0"): no node on PATH and no $dir/node.xz (tools/gpu/pack.sh makes it)" >&2; exit 2; }
  mkdir -p "$work/bin" && xz -dc "$dir/node.xz" >"$work/bin/node" && chmod +x "$work/bin/node"
  export PATH=$work/bin:$PATH
fi
# NVIDIA's Vulkan driver (libGLX_nvidia.so.0) needs GLVND's libraries too: libglvnd0, libglx0, libgl1, libegl1 …
if ! ldconfig -p | grep -q 'libvulkan.so.1 ' || ! ldconfig -p | grep -q 'libGLdispatch.so.0 '; then
  for f in "$dir"/../.gl/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
  ldconfig
fi
if ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1 && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
if [ -f "$dir/clbench.tar.xz" ]; then
  rm -rf "$work/repo" && mkdir -p "$work/repo" && xz -dc "$dir/clbench.tar.xz" | tar -x -C "$work/repo"
  cd "$work/repo"
fi

