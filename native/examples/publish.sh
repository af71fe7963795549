#!/usr/bin/env bash
# Publishes libqail, act-dotnet (act.c's twin through the .NET API) and qail-mujoco-check with NativeAOT for run.sh,
# the native ABI tests and the ARM64 MuJoCo check, into $QAIL_NATIVE_ARTIFACTS (default $TMPDIR/qail-native)/RID/lib.
# Takes minutes (three AOT compiles per RID on two cores), which is why the tests do not publish themselves.
#   publish.sh linux-x64|linux-arm64 [ILC_INSTRUCTION_SET]
# linux-x64 defaults to this machine's level (x86-64-v4 with AVX-512 BW, x86-64-v3 with AVX2 + FMA), the one the
# JIT uses, so that the tests can compare with their own process bit for bit. linux-arm64 cross-compiles (clang +
# gcc-aarch64-linux-gnu + binutils-aarch64-linux-gnu, as tests/Qail.Kernels.Arm64Check does) for the default
# armv8-a target, which takes the dot-product path only on CPUs that have it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rid="$1" isa="${2:-}"
if [ "$rid" = linux-x64 ] && [ -z "$isa" ]; then
  flags="$(grep -m1 '^flags' /proc/cpuinfo)"
  if grep -qw avx512bw <<<"$flags"; then isa=x86-64-v4
  elif grep -qw avx2 <<<"$flags" && grep -qw fma <<<"$flags"; then isa=x86-64-v3
  fi
fi
root="${QAIL_NATIVE_ARTIFACTS:-${TMPDIR:-/tmp}/qail-native}/$rid"
out="$root/lib"
rm -rf "$out"
# A build folder of its own: the repository's obj/ folders stay free for concurrent builds of other runtimes.
# mujoco-check: the MuJoCo models' open-loop run, compared across x64 and arm64 (tests/Qail.Envs.Tests).
for project in "$here/../Qail.Native.csproj" "$here/act-dotnet/ActDotNet.csproj" \
  "$here/../mujoco-check/MujocoCheck.csproj"; do
  dotnet publish "$project" -c Release -r "$rid" -o "$out" --artifacts-path "$root/build" -nologo -v quiet \
    ${isa:+-p:IlcInstructionSet=${isa//,/%2C}}
done
echo "publish.sh: $out (${isa:-default instruction set})"
