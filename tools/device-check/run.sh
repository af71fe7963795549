#!/usr/bin/env bash
# Device check for the CUDA kernels.
#   tools/device-check/run.sh build   (on a machine with the .NET SDK) publishes a self-contained NativeAOT
#                                     linux-x64 binary to tools/device-check/publish/device-check
#   tools/device-check/run.sh run     (on the GPU machine, no .NET needed) runs it and keeps the log in $OUT
#                                     (or tools/device-check/publish/) as device-check.log
# The kernels compile at first use with NVRTC: build bundles Debian's CUDA 11.8 NVRTC, xz-compressed, into
# publish/nvrtc when this machine has it (apt-get install libnvrtc11.2 from non-free); run unpacks and uses it,
# else the GPU host's own NVRTC. A later session carries tools/device-check/publish (about 22 MB) to the GPU machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
case "${1:-}" in
  build)
    # x86-64-v3 (AVX2/FMA) keeps the CPU reference kernels' SIMD paths in the AOT binary; every GPU host has it.
    rm -rf "$here/publish"
    dotnet publish "$here/DeviceCheck.csproj" -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=x86-64-v3 \
      --artifacts-path "${ARTIFACTS:-/tmp/art-device-check}" -o "$here/publish"
    # Symbols and docs stay behind: the carry to the GPU machine is capped at 64 MiB.
    rm -f "$here/publish"/*.pdb "$here/publish"/*.xml "$here/publish"/*.dbg
    # Bundle this machine's NVRTC (Debian libnvrtc11.2 = CUDA 11.8, 62 MB, 21 MB as xz) when present: its PTX
    # (ISA 7.8) loads on any driver >= 520, whereas a newer NVRTC on the GPU host may emit PTX its driver cannot load.
    if [ -e /usr/lib/x86_64-linux-gnu/libnvrtc.so.11.2 ]; then
      mkdir -p "$here/publish/nvrtc"
      for lib in libnvrtc.so.11.2 libnvrtc-builtins.so.11.8; do
        xz -T0 -6 -c "/usr/lib/x86_64-linux-gnu/$lib" > "$here/publish/nvrtc/$lib.xz"
      done
    fi
    ls -l "$here/publish" "$here/publish/nvrtc" 2>/dev/null || true
    du -sh "$here/publish"
    ;;
  run)
    log="${OUT:-$here/publish}/device-check.log"
    mkdir -p "$(dirname "$log")"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 | tee "$log" || true
    if [ -z "${QAIL_NVRTC:-}" ] && [ -e "$here/publish/nvrtc/libnvrtc.so.11.2.xz" ]; then
      nvrtc="${TMPDIR:-/tmp}/qail-nvrtc"
      mkdir -p "$nvrtc"
      for packed in "$here"/publish/nvrtc/*.xz; do
        lib="$nvrtc/$(basename "$packed" .xz)"
        [ -e "$lib" ] || xz -dc "$packed" > "$lib" 2>/dev/null \
          || python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$packed" "$lib"
      done
      export QAIL_NVRTC="$nvrtc/libnvrtc.so.11.2"
      export LD_LIBRARY_PATH="$nvrtc:${LD_LIBRARY_PATH:-}"
    fi
    # Otherwise NVRTC may live under a CUDA toolkit or a pip wheel (nvidia-cuda-nvrtc-cu12); add what exists to the search path.
    for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib $(python3 -c 'import nvidia.cuda_nvrtc, os; print(os.path.join(nvidia.cuda_nvrtc.__path__[0], "lib"))' 2>/dev/null); do
      [ -d "$d" ] && export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"
    done
    # PyTorch bundles NVRTC under a hashed name (torch/lib/libnvrtc-<hash>.so.12) that no soname search finds.
    if [ -z "${QAIL_NVRTC:-}" ]; then
      torch_nvrtc=$(python3 -c 'import torch, os, glob; print(next((p for p in sorted(glob.glob(os.path.join(os.path.dirname(torch.__file__), "lib", "libnvrtc*.so*"))) if "builtins" not in p), ""))' 2>/dev/null || true)
      [ -n "$torch_nvrtc" ] && export QAIL_NVRTC="$torch_nvrtc"
    fi
    set +e
    "$here/publish/device-check" "${@:2}" 2>&1 | tee -a "$log"
    status=${PIPESTATUS[0]}
    echo "device-check exit code $status" | tee -a "$log"
    # PyTorch's fp16 GEMV on the same card, the peer of the W4A16 table (skipped for --opencl / --policies-only).
    case " ${*:2} " in
      *" --opencl "*|*" --policies-only "*) ;;
      *) python3 "$here/torch_gemv.py" 2>&1 | tee -a "$log" ;;
    esac
    exit "$status"
    ;;
  *)
    echo "usage: $0 build | run [--runs N] [--policy-iterations N] [--opencl] [--policies-only]" >&2
    exit 64
    ;;
esac
