"""Trains the learned gain stage from scratch and exports the weights Go
embeds (internal/learned/model/gainnet.bin) and a parity vector for the Go
test (internal/learned/model/parity.bin). Deterministic on the CPU for a given seed,
data and thread count; a GPU (--device cuda) trains in minutes.

    python3 train/train.py --data train/work/data
    python3 train/train.py --data train/work/data --device cuda

See train/README.md for the whole recipe.
"""
import argparse
import copy
import json
import math
import os
import time

import numpy as np
import torch

from model import GainNet, folded_tensors, load_folded, read_tensors, write_tensors


def load(data):
    meta = json.load(open(os.path.join(data, "meta.json")))
    s, t = meta["streams"], meta["frames"]
    feats = np.fromfile(os.path.join(data, "features.f32"), dtype="<f4").reshape(s, t, meta["features"])
    gains = np.fromfile(os.path.join(data, "gains.f32"), dtype="<f4").reshape(s, t, meta["bands"])
    speech = np.fromfile(os.path.join(data, "speech.f32"), dtype="<f4").reshape(s, t)
    return meta, feats, gains, speech


# Third-octave bands from 150 Hz to 4.3 kHz, as the intelligibility
# measures (STOI, ESTOI) analyse speech, each made of the learned bands
# whose centres fall in it (band indices of internal/learned/bands.go).
THIRD_OCTAVES = [[3], [4], [5], [6], [7, 8], [9], [10], [11, 12], [13, 14], [15, 16],
                 [17, 18], [19, 20], [21, 22], [23, 24], [25, 26]]


def third_octave_pool(bands):
    p = torch.zeros(bands, len(THIRD_OCTAVES))
    for j, members in enumerate(THIRD_OCTAVES):
        p[members, j] = 1
    return p


def band_envelopes(pred_g, gains, feats, pool, window, step):
    """The clean and enhanced third-octave amplitude envelopes, cut into
    windows of `window` frames every `step` frames, as (batch, windows,
    thirds, frames), and each window's weight: the share of its frames with
    speech (within 40 dB of the sequence's loudest), or 0 where that share
    is under a half. The clean envelope is the ideal gain times the noisy
    one."""
    mask = (gains >= 0).float()
    power = torch.pow(10.0, feats[..., :gains.shape[-1]]) * mask  # noisy band energy
    clean = (power * gains.clamp(min=0) ** 2) @ pool
    enh = (power * pred_g ** 2) @ pool
    x = torch.sqrt(clean + 1e-12).unfold(1, window, step)
    y = torch.sqrt(enh + 1e-12).unfold(1, window, step)
    frame_e = clean.sum(-1)
    active = (frame_e > 1e-4 * frame_e.amax(1, keepdim=True)) & (frame_e > 1e-9)
    w = active.float().unfold(1, window, step).mean(-1)
    w = torch.where(w >= 0.5, w, torch.zeros_like(w))
    return x, y, w


def centred_unit(a, dim):
    """a less its mean along dim, scaled to unit norm along dim."""
    a = a - a.mean(dim, keepdim=True)
    return a / (a.norm(dim=dim, keepdim=True) + 1e-8)


def envelope_loss(pred_g, gains, feats, pool, window=38, step=4):
    """1 - the ESTOI-like correlation of the enhanced band envelopes with the
    clean ones: in windows of `window` frames (380 ms), each third-octave
    band's amplitude envelope is centred and normalised over time, then each
    frame's spectrum across bands, and the two are correlated. Windows mostly
    of silent frames count for nothing."""
    x, y, w = band_envelopes(pred_g, gains, feats, pool, window, step)
    x = centred_unit(centred_unit(x, -1), -2)
    y = centred_unit(centred_unit(y, -1), -2)
    d = (x * y).sum(-2).mean(-1)  # per window: mean over frames of the column correlation
    return (w * (1 - d)).sum() / w.sum().clamp(min=1)


STOI_CLIP = 1 + 10 ** (15 / 20)  # STOI's bound on the enhanced envelope: -15 dB SDR


def stoi_loss(pred_g, gains, feats, pool, window=38, step=4):
    """1 - the STOI-like correlation: in each window, the enhanced envelope
    of each third-octave band is scaled to the clean one's energy and
    clipped at STOI_CLIP times it, then correlated with it over time; the
    correlations are averaged over bands. Unlike envelope_loss, each band
    counts on its own, so a band whose envelope follows the speech scores
    well even where the spectrum across bands is off."""
    x, y, w = band_envelopes(pred_g, gains, feats, pool, window, step)
    y = y * (x.norm(dim=-1, keepdim=True) / (y.norm(dim=-1, keepdim=True) + 1e-8))
    y = torch.minimum(y, STOI_CLIP * x)
    d = (centred_unit(x, -1) * centred_unit(y, -1)).sum(-1).mean(-1)
    return (w * (1 - d)).sum() / w.sum().clamp(min=1)


def residual_loss(pred_g, gains, feats, floor_db=45.0):
    """The noise a listener hears in the output: per band and frame, by how
    many decades the enhanced energy exceeds the clean one, where both are
    floored at floor_db below the sequence's mean clean band energy (what
    lies below that is inaudible under the speech), squared and averaged.
    Where the clean band is silent (pauses, gaps between words) any gain
    that lets the noise through above the floor costs, in proportion to how
    loud it sounds; cutting speech costs nothing here (the other terms see
    to that)."""
    mask = (gains >= 0).float()
    nb = gains.shape[-1]
    power = torch.pow(10.0, feats[..., :nb]) * mask  # noisy band energy
    clean = power * gains.clamp(min=0) ** 2
    enh = power * pred_g ** 2
    ref = clean.sum((1, 2), keepdim=True) / mask.sum((1, 2), keepdim=True).clamp(min=1)
    floor = (ref * 10 ** (-floor_db / 10)).clamp(min=1e-9)
    excess = torch.relu(torch.log10(enh + floor) - torch.log10(clean + floor))
    return (mask * excess ** 2).sum() / mask.sum().clamp(min=1)


def pause_loss(pred_g, gains, speech, gamma=0.25):
    """The noise let through in speech pauses (frames the clean speech
    labels silent): how far the gain exceeds the ideal one there, compared
    as gains to the power gamma (a low gamma weighs gains near zero, the
    noise a listener hears between words, more). Gains at or below the
    ideal cost nothing: no speech can be cut where there is none."""
    mask = (gains >= 0).float() * (speech < 0.5).float().unsqueeze(-1)
    d = torch.relu(torch.pow(pred_g + 1e-6, gamma) - torch.pow(gains.clamp(min=0) + 1e-6, gamma))
    return (mask * d * d).sum() / mask.sum().clamp(min=1)


def loss_fn(pred_g, pred_v, gains, speech, cut_weight=2.0, gamma=0.5):
    mask = (gains >= 0).float()
    t = gains.clamp(min=0)
    d = torch.pow(pred_g + 1e-6, gamma) - torch.pow(t + 1e-6, gamma)
    # Compressed domain (gamma 0.5: close to how loud a gain error sounds;
    # lower gammas weigh errors near zero gain, the noise left in pauses,
    # more), plus a quartic term against large errors, and a heavier
    # weight where the gain was too low: cutting speech costs more than
    # leaving noise.
    w = torch.where(pred_g < t, cut_weight, 1.0)
    g = (mask * w * (d * d + 10 * d ** 4)).sum() / mask.sum().clamp(min=1)
    v = torch.nn.functional.binary_cross_entropy(pred_v, speech)
    return g + 0.2 * v, g, v


def input_stats(model, feats, idx, chunk=256):
    """The mean and standard deviation (plus 1e-3) of the network's whole
    input, deltas included, over the streams idx: summed in float64, a
    chunk of streams at a time, so that a large training set needs no
    second copy in memory."""
    width = feats.shape[-1] + model.deltas
    total, total_sq = np.zeros(width), np.zeros(width)
    count = 0
    for i in range(0, len(idx), chunk):
        f = model.extend(torch.from_numpy(feats[idx[i:i + chunk]])).numpy()
        f = f.reshape(-1, width).astype(np.float64)
        total += f.sum(0)
        total_sq += (f * f).sum(0)
        count += len(f)
    mean = total / count
    std = np.sqrt(np.maximum(total_sq / count - mean * mean, 0)) + 1e-3
    return mean.astype(np.float32), std.astype(np.float32)


def pick_device(name):
    """The torch device for --device: "auto" is CUDA where PyTorch sees a
    GPU, else the CPU; any other name is taken as it is."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def reference_blas(maps_text):
    """The path of Debian's reference BLAS if the process map (the text of
    /proc/self/maps) shows it loaded, else None. PyTorch from Debian calls
    whichever libblas.so.3 the system provides; the reference one makes
    CPU training five to six times slower than OpenBLAS."""
    for line in maps_text.splitlines():
        fields = line.split()
        if fields and "/blas/libblas.so" in fields[-1]:
            return fields[-1]
    return None


def export(model, vf, out):
    """Writes the weights Go embeds, and a parity vector: 60 frames of real
    validation features through the unfolded PyTorch model, for the Go test
    to reproduce. The parity vector is computed on the CPU whatever trained
    the model, since GPUs may round the recurrent layers' products to TF32."""
    os.makedirs(out, exist_ok=True)
    tensors = folded_tensors(model)
    write_tensors(os.path.join(out, "gainnet.bin"), tensors)
    cpu_model = copy.deepcopy(model).cpu().eval()
    with torch.no_grad():
        x = vf[0, :60].unsqueeze(0).cpu()
        pg, pv = cpu_model(x)
    write_tensors(os.path.join(out, "parity.bin"), {
        "features": x[0].numpy(), "gains": pg[0].numpy(), "speech": pv[0].numpy()})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="train/work/data")
    ap.add_argument("--out", default="internal/learned/model")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seq", type=int, default=200, help="frames per training sequence")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--deltas", type=int, default=0,
                    help="leading features whose change since the last frame is also an input")
    ap.add_argument("--cut-weight", type=float, default=2.0,
                    help="weight of gain errors that cut speech, against 1 for those that leave noise")
    ap.add_argument("--gamma", type=float, default=0.5,
                    help="compression of the gains in the gain error: 0.5 compares square roots")
    ap.add_argument("--envelope-weight", type=float, default=16.0,
                    help="weight of the ESTOI-like envelope correlation term of the loss")
    ap.add_argument("--stoi-weight", type=float, default=4.0,
                    help="weight of the STOI-like per-band correlation term of the loss")
    ap.add_argument("--residual-weight", type=float, default=0.0,
                    help="weight of the residual-noise term: noise left above the clean speech, in decades")
    ap.add_argument("--residual-floor-db", type=float, default=45.0,
                    help="level below the mean clean band energy under which residual noise is not counted [dB]")
    ap.add_argument("--pause-weight", type=float, default=0.0,
                    help="weight of the pause term: gain above the ideal in frames without speech")
    ap.add_argument("--pause-gamma", type=float, default=0.25,
                    help="compression of the gains in the pause term")
    ap.add_argument("--init", default="",
                    help="a weights file (gainnet.bin) to start from instead of random weights")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu",
                    help="cpu, cuda, or auto (cuda where PyTorch sees a GPU); a GPU rounds "
                         "differently, so its weights differ from the CPU's, not their quality")
    ap.add_argument("--every-epoch", action="store_true",
                    help="write the weights after every epoch too, so that a stopped run keeps its last")
    args = ap.parse_args()

    device = pick_device(args.device)
    if device.type == "cpu":
        try:
            with open("/proc/self/maps") as maps:
                slow = reference_blas(maps.read())
        except OSError:  # not Linux
            slow = None
        if slow:
            print(f"note: PyTorch uses the reference BLAS ({slow}); training runs five to six "
                  "times faster with OpenBLAS: apt-get install libopenblas0-openmp", flush=True)
    # cuBLAS needs a fixed workspace to repeat its results; set before first use.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    # Some CUDA kernels have no deterministic form: there a warning, not a stop.
    torch.use_deterministic_algorithms(True, warn_only=device.type != "cpu")
    rng = np.random.default_rng(args.seed)

    meta, feats, gains, speech = load(args.data)
    streams = feats.shape[0]
    val = max(1, streams // 20)
    order = rng.permutation(streams)
    val_idx, train_idx = order[:val], order[val:]

    model = GainNet(meta["features"], meta["bands"], args.hidden, args.deltas)
    if args.init:
        load_folded(model, read_tensors(args.init))
    else:
        mean, std = input_stats(model, feats, train_idx)
        model.mean.copy_(torch.from_numpy(mean))
        model.std.copy_(torch.from_numpy(std))

    # Cut streams into sequences of --seq frames.
    t = meta["frames"] // args.seq * args.seq

    def cut(idx):
        f = torch.from_numpy(np.ascontiguousarray(feats[idx, :t])).reshape(-1, args.seq, meta["features"])
        g = torch.from_numpy(np.ascontiguousarray(gains[idx, :t])).reshape(-1, args.seq, meta["bands"])
        v = torch.from_numpy(np.ascontiguousarray(speech[idx, :t])).reshape(-1, args.seq)
        return f, g, v

    pool = third_octave_pool(meta["bands"]).to(device)

    def total_loss(pg, pv, g, v, f, report=False):
        # Each correlation term enters the graph only when it is weighted,
        # so that a weight of 0 trains exactly as before the term existed.
        loss, gl, vl = loss_fn(pg, pv, g, v, args.cut_weight, args.gamma)
        if args.residual_weight != 0:
            loss = loss + args.residual_weight * residual_loss(pg, g, f, args.residual_floor_db)
        if args.pause_weight != 0:
            loss = loss + args.pause_weight * pause_loss(pg, g, v, args.pause_gamma)
        el = sl = None
        if args.envelope_weight != 0 or report:
            el = envelope_loss(pg, g, f, pool)
            loss = loss + args.envelope_weight * el
        if args.stoi_weight != 0 or report:
            sl = stoi_loss(pg, g, f, pool)
            loss = loss + args.stoi_weight * sl
        return loss, gl, vl, el, sl

    tf, tg, tv = (a.to(device) for a in cut(train_idx))
    vf, vg, vv = (a.to(device) for a in cut(val_idx))
    model.to(device)
    n = tf.shape[0]
    steps = args.epochs * (n // args.batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.05)
    print(f"{n} training sequences of {args.seq} frames, {vf.shape[0]} validation; "
          f"{sum(p.numel() for p in model.parameters())} parameters; {steps} steps on {device}", flush=True)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.from_numpy(rng.permutation(n)).to(device)
        total = torch.zeros((), device=device)  # summed on the device: no wait for it each step
        for i in range(n // args.batch):
            b = perm[i * args.batch:(i + 1) * args.batch]
            pg, pv = model(tf[b])
            loss, _, _, _, _ = total_loss(pg, pv, tg[b], tv[b], tf[b])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.detach()
        model.eval()
        with torch.no_grad():
            pg, pv = model(vf)
            vl, vgl, vvl, vel, vsl = total_loss(pg, pv, vg, vv, vf, report=True)
        print(f"epoch {epoch + 1:3d}  train {total.item() / (n // args.batch):.4f}  "
              f"val {vl.item():.4f} (gain {vgl.item():.4f}, speech {vvl.item():.4f}, "
              f"envelope {vel.item():.4f}, stoi {vsl.item():.4f})  "
              f"{time.time() - start:.0f} s", flush=True)
        if args.every_epoch and epoch + 1 < args.epochs:
            export(model, vf, args.out)

    export(model, vf, args.out)
    print(f"wrote {args.out}/gainnet.bin and parity.bin", flush=True)


if __name__ == "__main__":
    main()
