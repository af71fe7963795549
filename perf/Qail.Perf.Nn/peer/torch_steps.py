"""PyTorch peer of Qail.Perf.Nn: the same three training steps and batch-1 forwards, same shapes.

Driven over stdin by the `peer` command (one request per line, "<workload> <threads> <calls>"), so the two sides
run interleaved in time; answers one line per request: the median wall milliseconds and the mean process CPU
milliseconds (all threads) per call. "info" answers the
versions and the BLAS torch was built with.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + (self.shortcut(x) if self.shortcut is not None else x))


class Attention(nn.Module):
    """Separate query/key/value/output projections and an additive causal mask, as Qail's MultiHeadAttention."""

    def __init__(self, dim, heads, tokens):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.output = (nn.Linear(dim, dim) for _ in range(4))
        self.register_buffer("mask", torch.triu(torch.full((tokens, tokens), -1e9), 1))

    def forward(self, x):
        b, t, d = x.shape
        dh = d // self.heads

        def split(y):
            return y.reshape(b, t, self.heads, dh).permute(0, 2, 1, 3)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / dh ** 0.5 + self.mask[:t, :t]
        context = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, t, d)
        return self.output(context)


class Block(nn.Module):
    def __init__(self, dim, heads, ff, tokens):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attention = Attention(dim, heads, tokens)
        self.mlp = nn.Sequential(nn.Linear(dim, ff), nn.GELU(approximate="tanh"), nn.Linear(ff, dim))

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(256, 64)
        self.positions = nn.Parameter(torch.randn(32, 64) * 0.02)
        self.blocks = nn.Sequential(Block(64, 4, 256, 32), Block(64, 4, 256, 32))
        self.norm = nn.LayerNorm(64)
        self.head = nn.Linear(64, 256)

    def forward(self, tokens):
        x = self.embedding(tokens) + self.positions[: tokens.shape[1]]
        return self.head(self.norm(self.blocks(x)))


def families():
    g = torch.Generator().manual_seed(0)
    mlp = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 8))
    cnn = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                        BasicBlock(16, 16), BasicBlock(16, 32, 2),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 8))
    transformer = Transformer()
    tokens = torch.randint(0, 256, (16, 33), generator=g)
    return {
        "mlp": (mlp, torch.randn(256, 64, generator=g), torch.randn(256, 8, generator=g), F.mse_loss,
                torch.randn(1, 64, generator=g)),
        "cnn": (cnn, torch.randn(16, 3, 32, 32, generator=g), torch.randn(16, 8, generator=g), F.mse_loss,
                torch.randn(1, 3, 32, 32, generator=g)),
        "transformer": (transformer, tokens[:, :32].contiguous(), tokens[:, 1:].contiguous(),
                        lambda out, y: F.cross_entropy(out.reshape(-1, 256), y.reshape(-1)), tokens[:1, :32]),
    }


def workloads():
    result = {}
    for name, (model, x, y, loss_fn, single) in families().items():
        optimizer = torch.optim.AdamW(model.parameters(), 1e-3)

        def step(model=model, x=x, y=y, loss_fn=loss_fn, optimizer=optimizer):
            model.train()
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()

        def forward(model=model, single=single):
            model.eval()
            with torch.no_grad():
                model(single)

        result["step-" + name] = step
        result["forward-" + name] = forward
    return result


def loaded_blas():
    """The BLAS library actually mapped after a matrix product (Debian's torch links the system libblas.so.3)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = {"/".join(line.split()[-1].rsplit("/", 2)[-2:]) for line in maps
                 if "blas" in line.lower() or "mkl" in line.lower()}
    return ", ".join(sorted(paths)) or "built-in"


def main():
    table = workloads()
    for line in sys.stdin:
        words = line.split()
        if words == ["info"]:
            print(f"torch {torch.__version__}, BLAS {loaded_blas()}, {torch.get_num_interop_threads()} interop threads",
                  flush=True)
            continue
        name, threads, calls = words[0], int(words[1]), int(words[2])
        torch.set_num_threads(threads)
        body = table[name]
        times = []
        cpu = time.process_time()
        for _ in range(calls):
            start = time.perf_counter()
            body()
            times.append((time.perf_counter() - start) * 1e3)
        cpu = (time.process_time() - cpu) * 1e3 / calls
        times.sort()
        print(f"{times[len(times) // 2]:.4f} {cpu:.4f}", flush=True)


if __name__ == "__main__":
    main()
