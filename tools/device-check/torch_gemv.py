"""PyTorch's fp16 GEMV on the same GPU, as the peer for device-check's W4A16 / fp16 GEMV table.

Times y = x @ W^T for x [batch, K] and W [N, K] in fp16 (cuBLAS through torch.nn.functional.linear) with CUDA events,
median of --runs, at the shapes device-check uses. Prints one line per shape; exits 0 without output lines when
PyTorch or a CUDA device is missing (run.sh calls it only as a peer).
"""
import argparse
import statistics
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("torch peer: PyTorch not installed")
        return 0
    if not torch.cuda.is_available():
        print("torch peer: no CUDA device visible to PyTorch")
        return 0
    torch.manual_seed(20261127)
    print(f"torch peer: {torch.__version__}, {torch.cuda.get_device_name(0)}, fp16 F.linear, median of {args.runs} runs (CUDA events)")
    print(f"{'N x K':<14}{'batch':>6}{'torch fp16 us':>15}{'GB/s':>8}")
    for n, k in [(4096, 4096), (4096, 11008), (11008, 4096)]:
        w = torch.randn(n, k, device="cuda", dtype=torch.float16)
        for batch in (1, 8):
            x = torch.randn(batch, k, device="cuda", dtype=torch.float16)
            for _ in range(10):
                torch.nn.functional.linear(x, w)
            times = []
            for _ in range(args.runs):
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                torch.nn.functional.linear(x, w)
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end) * 1000.0)
            us = statistics.median(times)
            moved = 2 * (n * k + batch * k + batch * n)
            print(f"{f'{n} x {k}':<14}{batch:>6}{us:>15.1f}{moved / us / 1000:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
