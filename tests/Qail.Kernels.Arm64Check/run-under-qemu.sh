#!/usr/bin/env bash
# Cross-publishes the ARM64 kernel checks with NativeAOT (clang links for aarch64 against Debian's
# gcc-aarch64-linux-gnu runtime; binutils-aarch64-linux-gnu provides objcopy) and runs them under qemu-user
# twice: -cpu max (NEON + dot product: every path incl. sdot) and -cpu cortex-a72 (NEON without dot product).
# Fails if the build fails, either run fails, or the dot-product path was not (or wrongly) taken.
# Needs: dotnet SDK, clang, gcc-aarch64-linux-gnu, binutils-aarch64-linux-gnu, qemu-user.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
artifacts="${QAIL_ARM64_ARTIFACTS:-${TMPDIR:-/tmp}/qail-arm64check}"
for tool in clang aarch64-linux-gnu-gcc aarch64-linux-gnu-objcopy qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "run-under-qemu: missing $tool (apt-get install clang gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user)" >&2; exit 2; }
done
dotnet publish "$here/Qail.Kernels.Arm64Check.csproj" -c Release -r linux-arm64 -p:PublishAot=true \
  --artifacts-path "$artifacts" -nologo -v quiet
exe="$artifacts/publish/Qail.Kernels.Arm64Check/release_linux-arm64/Qail.Kernels.Arm64Check"
[ -x "$exe" ] || { echo "run-under-qemu: $exe was not produced" >&2; exit 1; }

status=0
run() { # $1 = qemu cpu, $2 = expected "ARM dot on|off"
  local log
  echo "== qemu-aarch64 -cpu $1"
  if ! log="$(timeout 600 qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu "$1" "$exe" 2>&1)"; then
    echo "$log"; echo "run-under-qemu: checks failed under -cpu $1" >&2; status=1; return
  fi
  echo "$log"
  if ! head -n 1 <<<"$log" | grep -q "ARM dot $2"; then
    echo "run-under-qemu: expected 'ARM dot $2' under -cpu $1" >&2; status=1
  fi
}
run max on
run cortex-a72 off
exit $status
