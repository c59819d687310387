"""PyTorch twins of the library's layers: state dicts in both directions.

For every layer PyTorch also has (Linear, BatchNorm1d, LayerNorm, Conv1d,
LSTM, GRU, MultiheadAttention, TransformerEncoderLayer) a file holds, per
layer NAME, the module's state dict under `NAME.state.`, an input under
`NAME.input` and the module's output for it (evaluation mode, float64)
under `NAME.output`. Inputs and outputs are channels-last ([batch, time,
channels]) as the library's layers take them.

    python3 -m venv .venv && .venv/bin/pip install torch safetensors numpy
    # 1. PyTorch writes its twins (the committed fixture the Swift tests load strictly):
    .venv/bin/python scripts/pytorch_state_dict.py write Tests/NNTests/Fixtures/pytorch_layers.safetensors
    # 2. Swift writes its own layers, their inputs and outputs:
    YT8M_PYTORCH_OUT=/tmp/swift_layers.safetensors swift test --filter PyTorchTwinTests
    # 3. PyTorch loads each with load_state_dict(strict=True) and checks the outputs:
    .venv/bin/python scripts/pytorch_state_dict.py verify /tmp/swift_layers.safetensors

`write-dtypes FILE` writes the fixture of every safetensors dtype that the
reader's test decodes (Tests/NNTests/Fixtures/pytorch_dtypes.safetensors).
"""
import sys

import torch
from safetensors.torch import load_file, save_file

torch.backends.mha.set_fastpath_enabled(False)   # the reference path, op by op


def twins():
    """Each layer's twin with the library layer's hyperparameters (the Swift test builds the same)."""
    return {
        "linear": torch.nn.Linear(4, 3),
        "batch_norm": torch.nn.BatchNorm1d(3),
        "layer_norm": torch.nn.LayerNorm(4),
        "conv1d": torch.nn.Conv1d(2, 3, 3, padding=1),
        "lstm": torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True),
        "gru": torch.nn.GRU(3, 4, batch_first=True),
        "multihead_attention": torch.nn.MultiheadAttention(4, 2, batch_first=True),
        "transformer_encoder_layer": torch.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.1,
                                                                      batch_first=True),
    }


INPUT_SHAPES = {
    "linear": [2, 4], "batch_norm": [5, 3], "layer_norm": [2, 3, 4], "conv1d": [2, 5, 2],
    "lstm": [2, 5, 3], "gru": [2, 5, 3], "multihead_attention": [2, 5, 4], "transformer_encoder_layer": [2, 5, 4],
}


def run(name, module, x):
    """The module's output for a channels-last input, channels-last."""
    with torch.no_grad():
        if name == "conv1d":
            return module(x.transpose(1, 2)).transpose(1, 2)
        if name in ("lstm", "gru"):
            return module(x)[0]
        if name == "multihead_attention":
            return module(x, x, x, need_weights=False)[0]
        return module(x)


def write(path):
    torch.manual_seed(0)
    out = {}
    for name, module in twins().items():
        module = module.double()
        with torch.no_grad():
            # Every tensor random (PyTorch starts biases, norms and statistics at constants).
            for key, tensor in module.state_dict().items():
                if key.endswith("num_batches_tracked"):
                    tensor.fill_(7)
                elif key.endswith("running_var"):
                    tensor.copy_(torch.rand_like(tensor) + 0.5)
                else:
                    tensor.copy_(torch.randn_like(tensor) * 0.5)
        module.eval()
        x = torch.randn(INPUT_SHAPES[name], dtype=torch.float64)
        for key, tensor in module.state_dict().items():
            out[f"{name}.state.{key}"] = tensor.contiguous()
        out[f"{name}.input"] = x
        out[f"{name}.output"] = run(name, module, x).contiguous()
    save_file(out, path, metadata={"generator": f"scripts/pytorch_state_dict.py with torch {torch.__version__}"})


def verify(path):
    stored = load_file(path)
    failures = 0
    for name, module in twins().items():
        prefix = f"{name}.state."
        state = {k[len(prefix):]: v for k, v in stored.items() if k.startswith(prefix)}
        module = module.double()
        try:
            module.load_state_dict(state, strict=True)
        except RuntimeError as error:
            print(f"{name}: load_state_dict(strict=True) failed: {error}")
            failures += 1
            continue
        module.eval()
        y = run(name, module, stored[f"{name}.input"])
        difference = (y - stored[f"{name}.output"]).abs().max().item()
        ok = difference < 1e-10
        failures += 0 if ok else 1
        print(f"{name}: {len(state)} tensors loaded strictly, max |PyTorch − Swift| = {difference:.3g}"
              + ("" if ok else "  FAILED"))
    if failures:
        sys.exit(f"{failures} layer(s) failed")
    print("every layer loads into PyTorch and gives the same outputs")


def write_dtypes(path):
    """One small tensor per dtype, values exact in every one of them (the Swift test states them)."""
    values = [0.0, 1.0, -2.0, 0.5, 448.0 / 4]       # 112: exact in float8 e4m3 and e5m2
    out = {
        "f16": torch.tensor(values, dtype=torch.float16),
        "bf16": torch.tensor(values, dtype=torch.bfloat16),
        "f8_e4m3": torch.tensor(values, dtype=torch.float8_e4m3fn),
        "f8_e5m2": torch.tensor(values, dtype=torch.float8_e5m2),
        "f64": torch.tensor(values, dtype=torch.float64),
        "i64": torch.tensor([0, 1, -2, 2**31 - 1, -(2**31)], dtype=torch.int64),
        "i16": torch.tensor([0, 1, -2, 32767, -32768], dtype=torch.int16),
        "i8": torch.tensor([0, 1, -2, 127, -128], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 2, 127, 255], dtype=torch.uint8),
        "bool": torch.tensor([False, True, True, False, True]),
        "num_batches_tracked": torch.tensor(7, dtype=torch.int64),
    }
    save_file(out, path, metadata={"generator": f"scripts/pytorch_state_dict.py with torch {torch.__version__}"})


if __name__ == "__main__":
    commands = {"write": write, "verify": verify, "write-dtypes": write_dtypes}
    if len(sys.argv) != 3 or sys.argv[1] not in commands:
        sys.exit(f"usage: {sys.argv[0]} write|verify|write-dtypes FILE")
    commands[sys.argv[1]](sys.argv[2])
