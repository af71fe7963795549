#!/usr/bin/env bash
# Publishes libqail with NativeAOT, builds the C and C++ examples against it and runs them on every case of a
# folder: NAME.safetensors (a deployed policy), NAME.inputs (recorded inputs, format in act.c), NAME.steps (count).
# Prints each run's actions (float bits in hex) under a line "== NAME EXAMPLE".
#   run.sh linux-x64|linux-arm64 CASES [ILC_INSTRUCTION_SET, e.g. x86-64-v4 or armv8.2-a,dotprod]
# linux-arm64 cross-compiles (clang + gcc-aarch64-linux-gnu, as tests/Qail.Kernels.Arm64Check does) and runs the
# examples under qemu-aarch64 -cpu max; the C++ example needs g++-aarch64-linux-gnu and is skipped without it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rid="$1" cases="$2" isa="${3:-}"
out="${QAIL_NATIVE_ARTIFACTS:-${TMPDIR:-/tmp}/qail-native}/$rid"
mkdir -p "$out"
dotnet publish "$here/../Qail.Native.csproj" -c Release -r "$rid" -o "$out/lib" -nologo -v quiet \
  ${isa:+-p:IlcInstructionSet=${isa//,/%2C}}
case "$rid" in
  linux-x64) cc=gcc cxx=g++ run=() ;;
  linux-arm64) cc=aarch64-linux-gnu-gcc cxx=aarch64-linux-gnu-g++ run=(qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max) ;;
  *) echo "run.sh: unknown runtime $rid" >&2; exit 2 ;;
esac
link=(-I "$here/../include" -L "$out/lib" -lqail -Wl,-rpath,"$out/lib")
"$cc" -std=c11 -Wall -Wextra -Werror -O2 "$here/act.c" "${link[@]}" -o "$out/act"
node=""
if command -v "$cxx" >/dev/null; then
  "$cxx" -std=c++17 -Wall -Wextra -Werror -O2 -pthread "$here/policy_node.cpp" "${link[@]}" -o "$out/policy_node"
  node="$out/policy_node"
fi
for policy in "$cases"/*.safetensors; do
  name="$(basename "$policy" .safetensors)" steps="$(cat "$cases/$name.steps")"
  echo "== $name act"
  "${run[@]}" "$out/act" "$policy" "$cases/$name.inputs" "$steps"
  echo "== $name act-memory"
  "${run[@]}" "$out/act" "$policy" "$cases/$name.inputs" "$steps" --memory
  if [ -n "$node" ]; then
    echo "== $name policy_node"
    "${run[@]}" "$node" "$policy" "$cases/$name.inputs" "$steps"
  fi
done
