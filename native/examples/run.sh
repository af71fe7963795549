#!/usr/bin/env bash
# Builds the C and C++ examples against the libqail that publish.sh wrote and runs them, and act-dotnet (act.c's
# twin through the .NET API), on every case of a folder: NAME.safetensors (a deployed policy), NAME.inputs
# (recorded inputs, format in act.c), NAME.steps (count). Prints each run's actions (float bits in hex) under a
# line "== NAME EXAMPLE CPU", and act-dotnet's kernel path under "== kernel-path CPU".
#   publish.sh RID && run.sh linux-x64|linux-arm64 CASES
# linux-x64 runs on this machine (CPU "host"); linux-arm64 runs everything under qemu-aarch64 twice: -cpu max
# (NEON + dot product) and -cpu cortex-a72 (NEON only). The C++ example needs g++ (g++-aarch64-linux-gnu) and is
# skipped without it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rid="$1" cases="$2"
out="${QAIL_NATIVE_ARTIFACTS:-${TMPDIR:-/tmp}/qail-native}/$rid"
for built in "$out/lib/libqail.so" "$out/lib/act-dotnet"; do
  [ -f "$built" ] || { echo "run.sh: $built missing; run native/examples/publish.sh $rid first" >&2; exit 1; }
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
