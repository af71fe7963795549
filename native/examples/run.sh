#!/usr/bin/env bash
# Publishes libqail and act-dotnet (act.c's twin through the .NET API) with NativeAOT, builds the C and C++
# examples against libqail and runs all of them on every case of a folder: NAME.safetensors (a deployed policy),
# NAME.inputs (recorded inputs, format in act.c), NAME.steps (count). Prints each run's actions (float bits in hex)
# under a line "== NAME EXAMPLE CPU", and act-dotnet's kernel path under "== kernel-path CPU".
#   run.sh linux-x64|linux-arm64 CASES [ILC_INSTRUCTION_SET, e.g. x86-64-v4]
# linux-x64 runs on this machine (CPU "host"). linux-arm64 cross-compiles (clang + gcc-aarch64-linux-gnu, as
# tests/Qail.Kernels.Arm64Check does) for the default armv8-a target and runs everything under qemu-aarch64 twice:
# -cpu max (NEON + dot product) and -cpu cortex-a72 (NEON only); the C++ example needs g++-aarch64-linux-gnu
# and is skipped without it. QAIL_NATIVE_ARTIFACTS names the build folder; QAIL_NATIVE_PREBUILT=1 reuses the
# libqail and act-dotnet already published there instead of publishing again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rid="$1" cases="$2" isa="${3:-}"
out="${QAIL_NATIVE_ARTIFACTS:-${TMPDIR:-/tmp}/qail-native}/$rid"
mkdir -p "$out"
if [ "${QAIL_NATIVE_PREBUILT:-0}" != 1 ]; then
  for project in "$here/../Qail.Native.csproj" "$here/act-dotnet/ActDotNet.csproj"; do
    dotnet publish "$project" -c Release -r "$rid" -o "$out/lib" -nologo -v quiet \
      ${isa:+-p:IlcInstructionSet=${isa//,/%2C}}
  done
fi
for built in "$out/lib/libqail.so" "$out/lib/act-dotnet"; do
  [ -f "$built" ] || { echo "run.sh: $built was not published" >&2; exit 1; }
done
case "$rid" in
  linux-x64) cc=gcc cxx=g++ cpus=(host) ;;
  linux-arm64) cc=aarch64-linux-gnu-gcc cxx=aarch64-linux-gnu-g++ cpus=(max cortex-a72) ;;
  *) echo "run.sh: unknown runtime $rid" >&2; exit 2 ;;
esac
link=(-I "$here/../include" -L "$out/lib" -lqail -Wl,-rpath,"$out/lib")
"$cc" -std=c11 -Wall -Wextra -Werror -O2 "$here/act.c" "${link[@]}" -o "$out/act"
examples=(act act-memory)
if command -v "$cxx" >/dev/null; then
  "$cxx" -std=c++17 -Wall -Wextra -Werror -O2 -pthread "$here/policy_node.cpp" "${link[@]}" -o "$out/policy_node"
  examples+=(policy_node)
fi
examples+=(act-dotnet)
for cpu in "${cpus[@]}"; do
  run=()
  [ "$cpu" = host ] || run=(qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu "$cpu")
  echo "== kernel-path $cpu"
  "${run[@]}" "$out/lib/act-dotnet" --kernel-path
  for policy in "$cases"/*.safetensors; do
    name="$(basename "$policy" .safetensors)" steps="$(cat "$cases/$name.steps")"
    for example in "${examples[@]}"; do
      echo "== $name $example $cpu"
      case "$example" in
        act) "${run[@]}" "$out/act" "$policy" "$cases/$name.inputs" "$steps" ;;
        act-memory) "${run[@]}" "$out/act" "$policy" "$cases/$name.inputs" "$steps" --memory ;;
        policy_node) "${run[@]}" "$out/policy_node" "$policy" "$cases/$name.inputs" "$steps" ;;
        act-dotnet) "${run[@]}" "$out/lib/act-dotnet" "$policy" "$cases/$name.inputs" "$steps" ;;
      esac
    done
  done
done
