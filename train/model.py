"""The learned gain stage's network, and its export to the file Go embeds.

The layer names and the forward pass must match internal/nn/gainnet.go:

    x      = tanh(input(([features, deltas] - mean) / std))
    h1     = gru1(x)
    h2     = gru2(h1)
    gains  = sigmoid(gain([x, h1, h2]))
    speech = sigmoid(vad([x, h1, h2]))

where deltas are the first `deltas` features minus their values one
frame earlier (zero on a stream's first frame).
"""
import struct

import numpy as np
import torch
from torch import nn

MAGIC = b"HUSHNN01"


class GainNet(nn.Module):
    def __init__(self, features: int, bands: int, hidden: int, deltas: int = 0):
        super().__init__()
        self.deltas = deltas
        self.register_buffer("mean", torch.zeros(features + deltas))
        self.register_buffer("std", torch.ones(features + deltas))
        self.input = nn.Linear(features + deltas, hidden)
        self.gru1 = nn.GRU(hidden, hidden, batch_first=True)
        self.gru2 = nn.GRU(hidden, hidden, batch_first=True)
        self.gain = nn.Linear(3 * hidden, bands)
        self.vad = nn.Linear(3 * hidden, 1)

    def extend(self, feats):
        """Appends the deltas to a (batch, time, features) sequence."""
        if self.deltas == 0:
            return feats
        d = feats[..., :self.deltas]
        prev = torch.cat([d[:, :1], d[:, :-1]], dim=1)
        return torch.cat([feats, d - prev], dim=-1)

    def forward(self, feats):
        x = torch.tanh(self.input((self.extend(feats) - self.mean) / self.std))
        h1, _ = self.gru1(x)
        h2, _ = self.gru2(h1)
        cat = torch.cat([x, h1, h2], dim=-1)
        return torch.sigmoid(self.gain(cat)), torch.sigmoid(self.vad(cat)).squeeze(-1)


def folded_tensors(model: GainNet):
    """The model's tensors with the feature normalisation folded into the
    input layer, in the order and names Go loads them."""
    with torch.no_grad():
        w = model.input.weight / model.std
        b = model.input.bias - w @ model.mean
        out = {"input.weight": w, "input.bias": b}
        for name, t in model.named_parameters():
            if not name.startswith("input."):
                out[name] = t
        if model.deltas:
            out["deltas"] = torch.tensor([float(model.deltas)])
        return {k: v.detach().float().cpu().numpy() for k, v in out.items()}


def read_tensors(path: str) -> dict:
    """Reads a file write_tensors wrote, as numpy arrays by name."""
    with open(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise ValueError(f"{path}: not a weights file")
        (count,) = struct.unpack("<I", f.read(4))
        out = {}
        for _ in range(count):
            (nlen,) = struct.unpack("<H", f.read(2))
            name = f.read(nlen).decode()
            (ndim,) = struct.unpack("<B", f.read(1))
            shape = struct.unpack("<%dI" % ndim, f.read(4 * ndim))
            size = int(np.prod(shape)) if shape else 1
            out[name] = np.frombuffer(f.read(4 * size), dtype="<f4").reshape(shape).copy()
        return out


def load_folded(model: GainNet, tensors: dict):
    """Loads weights as folded_tensors gave them: the normalisation stays
    folded into the input layer, so the model's mean and std become 0 and
    1."""
    with torch.no_grad():
        model.mean.zero_()
        model.std.fill_(1)
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(tensors[name]))


def write_tensors(path: str, tensors: dict):
    """Writes tensors in the format internal/nn.ReadTensors parses."""
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<I", len(tensors)))
        for name, a in tensors.items():
            a = np.ascontiguousarray(a, dtype="<f4")
            nb = name.encode()
            f.write(struct.pack("<H", len(nb)))
            f.write(nb)
            f.write(struct.pack("<B", a.ndim))
            f.write(struct.pack("<%dI" % a.ndim, *a.shape))
            f.write(a.tobytes())
