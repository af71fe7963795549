#!/usr/bin/env bash
# Device check for the CUDA kernels.
#   tools/device-check/run.sh build   (on a machine with the .NET SDK) publishes a self-contained NativeAOT
#                                     linux-x64 binary to tools/device-check/bin/device-check
#   tools/device-check/run.sh run     (on the GPU machine, no .NET needed) runs it and keeps the log in $OUT
#                                     (or tools/device-check/bin/) as device-check.log
# The GPU machine also needs NVRTC (libnvrtc.so.*) next to the driver: the kernels compile at first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
case "${1:-}" in
  build)
    # x86-64-v3 (AVX2/FMA) keeps the CPU reference kernels' SIMD paths in the AOT binary; every GPU host has it.
    dotnet publish "$here/DeviceCheck.csproj" -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=x86-64-v3 \
      --artifacts-path "${ARTIFACTS:-/tmp/art-device-check}" -o "$here/bin"
    ls -l "$here/bin/device-check"
    ;;
  run)
    log="${OUT:-$here/bin}/device-check.log"
    mkdir -p "$(dirname "$log")"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 | tee "$log" || true
    # NVRTC may live under a CUDA toolkit or a pip wheel (nvidia-cuda-nvrtc-cu12); add what exists to the search path.
    for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib $(python3 -c 'import nvidia.cuda_nvrtc, os; print(os.path.join(nvidia.cuda_nvrtc.__path__[0], "lib"))' 2>/dev/null); do
      [ -d "$d" ] && export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"
    done
    # PyTorch bundles NVRTC under a hashed name (torch/lib/libnvrtc-<hash>.so.12) that no soname search finds.
    if [ -z "${QAIL_NVRTC:-}" ]; then
      torch_nvrtc=$(python3 -c 'import torch, os, glob; print(next((p for p in sorted(glob.glob(os.path.join(os.path.dirname(torch.__file__), "lib", "libnvrtc*.so*"))) if "builtins" not in p), ""))' 2>/dev/null || true)
      [ -n "$torch_nvrtc" ] && export QAIL_NVRTC="$torch_nvrtc"
    fi
    set +e
    "$here/bin/device-check" "${@:2}" 2>&1 | tee -a "$log"
    status=${PIPESTATUS[0]}
    echo "device-check exit code $status" | tee -a "$log"
    exit "$status"
    ;;
  *)
    echo "usage: $0 build | run [--runs N]" >&2
    exit 64
    ;;
esac
