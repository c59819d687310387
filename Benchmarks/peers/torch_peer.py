#!/usr/bin/env python3
"""PyTorch peer for the benchmark workloads B0-B7 (see docs/benchmarks.md).

Usage:  $PEER_PYTHON Benchmarks/peers/torch_peer.py B1 --threads 2

Runs one workload in this process and prints exactly one JSON line on stdout,
e.g. {"id": "B1", "peer_ms": 158.2, "peer_peak_mb": 812.3, "framework_mb": 310.0, ...}.
Everything else (nothing, normally) goes to stderr, so the Swift runner can
parse the last line of stdout.

The peer is PyTorch "as a performance-minded user would run it": eager mode,
default CPU backends (MKL / oneDNN), torch.optim.Adam(fused=True), and for the
QRNN a pooling loop over unbind-ed time slices.

Timing: `--warmup` (default 2) untimed steps, then `--steps` (default 5) timed
steps; peer_ms is the median. Memory: peer_peak_mb is ru_maxrss of this
process (peak RSS, MiB); framework_mb is the RSS right after `import torch`
(and numpy) and before any workload tensor exists, so peak - framework is the
workload's own footprint.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

WORKLOADS = ("B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workload", choices=WORKLOADS)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=10, help="timed steps (median reported)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--compile", action="store_true",
                   help="run the model under torch.compile (B1-B7); compilation happens in the warm-up steps")
    return p.parse_args()


ARGS = parse_args()

# The BLAS / OpenMP pools read these once, when the library is loaded, so they
# must be set before numpy and torch are imported. torch.set_num_threads below
# is the authoritative setting for torch; these also cover numpy's OpenBLAS.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)


def current_rss_mb():
    """Current resident set size in MiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

try:  # threadpoolctl pins numpy's BLAS pool even if the env vars were ignored
    from threadpoolctl import threadpool_limits  # noqa: E402
except ImportError:  # pragma: no cover - the env vars above still apply
    threadpool_limits = None

FRAMEWORK_MB = current_rss_mb()

torch.set_num_threads(ARGS.threads)

RGB, AUDIO, FEAT, CLASSES = 1024, 128, 1152, 3862


# ---------------------------------------------------------------- helpers

WARMUP_SECONDS = []  # wall time of each workload's warm-up (it includes torch.compile's compilation)


def time_steps(step, warmup, steps):
    """Run `step` warmup times untimed, then `steps` times timed; return ms list."""
    t0 = time.perf_counter()
    for _ in range(warmup):
        step()
    WARMUP_SECONDS.append(time.perf_counter() - t0)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def multi_hot_targets(batch, gen, positives=3):
    """Random multi-hot targets, ~`positives` ones per row (duplicates collapse)."""
    y = torch.zeros(batch, CLASSES)
    idx = torch.randint(0, CLASSES, (batch, positives), generator=gen)
    y.scatter_(1, idx, 1.0)
    return y


def train_step_fn(model, x, y):
    """One training step: forward + BCE-with-logits + backward + fused Adam."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    loss_fn = nn.BCEWithLogitsLoss()
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step


# ---------------------------------------------------------------- models

class MLP(nn.Module):
    """B1/B2: Linear-BN-ReLU, one residual Linear-BN-ReLU block, dropout, classifier."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Sequential(nn.Linear(FEAT, 2048), nn.BatchNorm1d(2048), nn.ReLU())
        self.block = nn.Sequential(nn.Linear(2048, 2048), nn.BatchNorm1d(2048), nn.ReLU())
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(2048, CLASSES)

    def forward(self, x):
        h = self.inp(x)
        h = h + self.block(h)
        return self.out(self.drop(h))


class NetVLAD(nn.Module):
    """NetVLAD with BatchNorm'd soft assignment, intra-normalisation, then global L2."""

    def __init__(self, dim, clusters):
        super().__init__()
        self.assign = nn.Linear(dim, clusters, bias=False)
        self.bn = nn.BatchNorm1d(clusters)
        # Cluster centres c[d, k], stored as [D, K] to match vlad[d, k].
        self.centers = nn.Parameter(torch.randn(dim, clusters) / dim ** 0.5)

    def forward(self, x):  # x [B, T, D]
        b, t, d = x.shape
        a = self.assign(x.reshape(b * t, d))          # [B*T, K]
        a = F.softmax(self.bn(a), dim=1).view(b, t, -1)  # BN over K, softmax over K
        vlad = torch.matmul(x.transpose(1, 2), a)     # [B, D, K] = sum_t x_td a_tk
        vlad = vlad - a.sum(dim=1, keepdim=True) * self.centers  # - (sum_t a_tk) c[d,k]
        vlad = F.normalize(vlad, dim=1)               # intra-norm: L2 over d per cluster
        return F.normalize(vlad.reshape(b, -1), dim=1)  # global L2


class ContextGating(nn.Module):
    """y = x * sigmoid(BN(W x)), W without bias."""

    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, dim, bias=False)
        self.bn = nn.BatchNorm1d(dim)

    def forward(self, x):
        return x * torch.sigmoid(self.bn(self.fc(x)))


class NetVLADModel(nn.Module):
    """B3: rgb NetVLAD(32) + audio NetVLAD(16) -> Linear(34816,1024) -> gating -> classifier."""

    def __init__(self):
        super().__init__()
        self.vlad_rgb = NetVLAD(RGB, 32)
        self.vlad_audio = NetVLAD(AUDIO, 16)
        self.hidden = nn.Linear(32 * RGB + 16 * AUDIO, 1024)
        self.gate = ContextGating(1024)
        self.out = nn.Linear(1024, CLASSES)

    def forward(self, x):
        v = torch.cat([self.vlad_rgb(x[..., :RGB]), self.vlad_audio(x[..., RGB:])], dim=1)
        return self.out(self.gate(self.hidden(v)))


class RNNModel(nn.Module):
    """B4/B5: nn.LSTM / nn.GRU (1 layer, 512), last hidden state -> classifier."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(FEAT, 512, num_layers=1, batch_first=True)
        self.out = nn.Linear(512, CLASSES)

    def forward(self, x):
        _, h = self.rnn(x)
        if isinstance(h, tuple):  # LSTM returns (h_n, c_n)
            h = h[0]
        return self.out(h[-1])


class QRNNModel(nn.Module):
    """B6: QRNN(512, window 2, fo-pooling), last hidden state -> classifier.

    The gates come from one Linear over [x_t, x_{t-1}] (x_{-1} = 0) for all time
    steps at once; only the recurrence c_t = f_t z_t + (1 - f_t) c_{t-1} is a
    Python loop. As in salesforce/pytorch-qrnn's CPU ForgetMult, f*z and (1-f)
    are computed for all steps up front so the loop is one addcmul per step,
    and the loop walks unbind-ed slices (indexing f[:, t] would make autograd
    zero-fill a full-size gradient buffer per step).
    """

    def __init__(self, hidden=512):
        super().__init__()
        self.hidden = hidden
        self.gates = nn.Linear(2 * FEAT, 3 * hidden)
        self.out = nn.Linear(hidden, CLASSES)

    def forward(self, x):  # x [B, T, D]
        x_prev = F.pad(x, (0, 0, 1, 0))[:, :-1]          # x_{t-1}, zero at t = 0
        z, f, o = self.gates(torch.cat([x, x_prev], dim=2)).chunk(3, dim=2)
        z, f = torch.tanh(z), torch.sigmoid(f)
        fz, keep = f * z, 1.0 - f
        c = torch.zeros(x.shape[0], self.hidden, dtype=x.dtype)
        for fz_t, keep_t in zip(fz.unbind(1), keep.unbind(1)):
            c = torch.addcmul(fz_t, keep_t, c)            # f z + (1 - f) c
        h_last = torch.sigmoid(o[:, -1]) * c              # h_T = o_T c_T; earlier h_t unused
        return self.out(h_last)


class TransformerModel(nn.Module):
    """B7: Linear(1152,256) -> 2 post-LN encoder layers -> mean over time -> classifier."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(FEAT, 256)
        self.layers = nn.Sequential(*[
            nn.TransformerEncoderLayer(d_model=256, nhead=4, dim_feedforward=1024, dropout=0.1,
                                       activation="relu", batch_first=True, norm_first=False)
            for _ in range(2)])
        self.out = nn.Linear(256, CLASSES)

    def forward(self, x):
        return self.out(self.layers(self.proj(x)).mean(dim=1))


# ---------------------------------------------------------------- workloads

def gemm_workload(args):
    """B0: 2048^3 sgemm in torch (the peer) and NumPy (for reference)."""
    n = 2048
    flops = 2.0 * n ** 3
    gen = torch.Generator().manual_seed(args.seed)
    a = torch.randn(n, n, generator=gen)
    b = torch.randn(n, n, generator=gen)
    c = torch.empty(n, n)
    t_ms = statistics.median(time_steps(lambda: torch.mm(a, b, out=c), args.warmup, args.steps))

    rng = np.random.default_rng(args.seed)
    an = rng.standard_normal((n, n), dtype=np.float32)
    bn = rng.standard_normal((n, n), dtype=np.float32)
    cn = np.empty((n, n), dtype=np.float32)

    def np_step():
        np.matmul(an, bn, out=cn)

    if threadpool_limits is not None:
        with threadpool_limits(limits=args.threads, user_api="blas"):
            np_ms = statistics.median(time_steps(np_step, args.warmup, args.steps))
    else:
        np_ms = statistics.median(time_steps(np_step, args.warmup, args.steps))
    return {"peer_ms": t_ms, "peer_gflops": flops / (t_ms * 1e-3) / 1e9,
            "numpy_ms": np_ms, "numpy_gflops": flops / (np_ms * 1e-3) / 1e9,
            "unit": "ms/gemm"}


def maybe_compile(model, args):
    """torch.compile's default (inductor) backend when --compile is given.

    Compilation runs on the first call, inside the warm-up steps, so the timed
    steps see only the compiled code; warmup_s says how long the warm-up took."""
    return torch.compile(model) if args.compile else model


def train_workload(model_fn, x_shape, args):
    torch.manual_seed(args.seed)               # seeded weight init
    model = maybe_compile(model_fn(), args)
    gen = torch.Generator().manual_seed(args.seed + 1)
    x = torch.randn(*x_shape, generator=gen)
    y = multi_hot_targets(x_shape[0], gen)
    step = train_step_fn(model, x, y)
    ms = statistics.median(time_steps(step, args.warmup, args.steps))
    return {"peer_ms": ms, "batch": x_shape[0], "examples_per_s": x_shape[0] / (ms * 1e-3),
            "unit": "ms/step"}


def infer_workload(args):
    """B2: the B1 model in eval mode, batch 1024, forward only."""
    torch.manual_seed(args.seed)
    model = maybe_compile(MLP().eval(), args)
    gen = torch.Generator().manual_seed(args.seed + 1)
    x = torch.randn(1024, FEAT, generator=gen)

    def step():
        with torch.inference_mode():
            model(x)

    ms = statistics.median(time_steps(step, args.warmup, args.steps))
    return {"peer_ms": ms, "batch": 1024, "examples_per_s": 1024 / (ms * 1e-3), "unit": "ms/step"}


def run(args):
    w = args.workload
    if w == "B0":
        return gemm_workload(args)
    if w == "B1":
        return train_workload(MLP, (256, FEAT), args)
    if w == "B2":
        return infer_workload(args)
    if w == "B3":
        return train_workload(NetVLADModel, (32, 300, FEAT), args)
    if w == "B4":
        return train_workload(lambda: RNNModel(nn.LSTM), (64, 64, FEAT), args)
    if w == "B5":
        return train_workload(lambda: RNNModel(nn.GRU), (64, 64, FEAT), args)
    if w == "B6":
        return train_workload(QRNNModel, (64, 64, FEAT), args)
    if w == "B7":
        return train_workload(TransformerModel, (64, 64, FEAT), args)
    raise ValueError(w)


def main():
    if ARGS.steps < 1:
        sys.exit("--steps must be >= 1")
    if ARGS.compile and ARGS.workload == "B0":
        sys.exit("--compile applies to B1-B7 (B0 is a single matmul)")
    result = {"id": ARGS.workload}
    result.update(run(ARGS))
    result.update({
        "peer_peak_mb": peak_rss_mb(),
        "framework_mb": FRAMEWORK_MB,
        "threads": ARGS.threads,
        "timed_steps": ARGS.steps,
        "torch": torch.__version__,
        "compiled": ARGS.compile,
        "warmup_s": sum(WARMUP_SECONDS),
    })
    result = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
