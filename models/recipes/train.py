"""Training loops (CNN teachers, distilled ViT/DeiT/BEiT students), resumable from per-epoch checkpoints
in ~/.cache/vitlens-train/<model-id>/ckpt.pt.

  /usr/bin/python3 train.py <model-id> [--epochs N] [--threads T] [--time-steps K]
"""
import argparse
import copy
import json
import math
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch
import torch.nn as nn
import torch.nn.functional as F

import data as D
from modeling import build_model, FashionCNN, MaskCNN, count_params
from specs import SPECS


def workdir(model_id):
    p = D.CACHE / model_id
    p.mkdir(parents=True, exist_ok=True)
    seed_from_repo(model_id, p)
    return p


# A session's machine starts with an empty cache, so finished teachers are kept in git (weights and history only,
# ~1.2 MB): a new machine starts the students at once instead of re-training the teacher for 20-50 minutes.
COMMITTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checkpoints")


def committed_checkpoint(model_id):
    return os.path.join(COMMITTED, model_id + ".pt")


def seed_from_repo(model_id, wd):
    ck = wd / "ckpt.pt"
    src = committed_checkpoint(model_id)
    if not ck.exists() and os.path.exists(src):
        import shutil
        shutil.copyfile(src, str(ck) + ".tmp")
        os.replace(str(ck) + ".tmp", ck)


def commit_checkpoint(model_id, partial=False):
    """Writes the finished run's weights and history (no optimiser state) to checkpoints/<id>.pt for git; with
    `partial`, an unfinished run's whole state (optimiser too), so that a new machine resumes it exactly."""
    ck = torch.load(D.CACHE / model_id / "ckpt.pt")
    if not partial and ck["epoch"] < ck.get("epochs_planned", ck["epoch"]):
        sys.exit(f"{model_id} is not finished ({ck['epoch']}/{ck['epochs_planned']} epochs); --commit-partial keeps "
                 "its optimiser state to resume it")
    os.makedirs(COMMITTED, exist_ok=True)
    out = committed_checkpoint(model_id)
    keys = ("model", "opt", "epoch", "epochs_planned", "history") if partial else ("model", "epoch", "epochs_planned",
                                                                                 "history")
    keys += ("ema",) if "ema" in ck else ()
    torch.save({k: ck[k] for k in keys}, out + ".tmp")
    os.replace(out + ".tmp", out)
    print(f"wrote {out} ({os.path.getsize(out) / 1e6:.2f} MB)")


# ------------------------------------------------------------------ data pipelines
class FashionData:
    num_labels = 10

    def __init__(self):
        d = D.fashion_mnist()
        self.train_x, self.train_y = d["train_x"], d["train_y"]
        self.test_x, self.test_y = d["test_x"], d["test_y"]
        self.padded = F.pad(self.train_x, (2, 2, 2, 2))   # uint8 zero padding = black border
        self.mean, self.std = [D.FASHION_MEAN] * 3, [D.FASHION_STD] * 3

    def n_train(self):
        return len(self.train_y)

    def train_batch(self, idx, g):
        b = len(idx)
        x = self.padded[idx]                                # B,32,32
        oy = torch.randint(0, 5, (b,), generator=g)
        ox = torch.randint(0, 5, (b,), generator=g)
        ar = torch.arange(28)
        rows = (oy[:, None] + ar)[:, :, None]
        cols = (ox[:, None] + ar)[:, None, :]
        x = x[torch.arange(b)[:, None, None], rows, cols]   # random 28x28 crop of the 2-px padded image
        flip = torch.rand(b, generator=g) < 0.5
        x = torch.where(flip[:, None, None], x.flip(-1), x)
        self.last_flip = flip
        return D.fashion_to_pixel_values(x), self.train_y[idx]

    def eval_sets(self):
        return {"test": (self.test_x, self.test_y)}

    def to_pixels(self, x_u8):
        return D.fashion_to_pixel_values(x_u8)


class MaskData:
    num_labels = 2

    def __init__(self, size=64):
        d = D.face_mask(size)
        self.size = size
        self.train_x, self.train_y = d["train_x"], d["train_y"]
        self.val_x, self.val_y = d["val_x"], d["val_y"]
        self.split = d["split"]
        self.mean, self.std = D.IMAGENET_MEAN, D.IMAGENET_STD

    def n_train(self):
        return len(self.train_y)

    def train_batch(self, idx, g):
        b = len(idx)
        x = self.train_x[idx].float() * D.RESCALE          # B,3,S,S in [0,1]
        # random resized crop (scale 0.55..1, aspect 3/4..4/3), flip, small rotation, via one affine grid
        area = torch.empty(b).uniform_(0.55, 1.0, generator=g)
        logr = torch.empty(b).uniform_(math.log(3 / 4), math.log(4 / 3), generator=g)
        r = torch.exp(logr)
        sx = torch.sqrt(area * r).clamp(max=1.0)
        sy = torch.sqrt(area / r).clamp(max=1.0)
        tx = (1 - sx) * (torch.rand(b, generator=g) * 2 - 1)
        ty = (1 - sy) * (torch.rand(b, generator=g) * 2 - 1)
        flip = torch.where(torch.rand(b, generator=g) < 0.5, -1.0, 1.0)
        ang = torch.empty(b).uniform_(-0.2, 0.2, generator=g)
        cos, sin = torch.cos(ang), torch.sin(ang)
        theta = torch.zeros(b, 2, 3)
        theta[:, 0, 0] = sx * cos * flip
        theta[:, 0, 1] = -sy * sin
        theta[:, 1, 0] = sx * sin * flip
        theta[:, 1, 1] = sy * cos
        theta[:, 0, 2] = tx
        theta[:, 1, 2] = ty
        grid = F.affine_grid(theta, (b, 3, self.size, self.size), align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
        # colour jitter: brightness / contrast / saturation
        br = torch.empty(b, 1, 1, 1).uniform_(0.75, 1.25, generator=g)
        ct = torch.empty(b, 1, 1, 1).uniform_(0.75, 1.25, generator=g)
        sat = torch.empty(b, 1, 1, 1).uniform_(0.7, 1.3, generator=g)
        x = x * br
        m = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - m) * ct + m
        gray = x.mean(dim=1, keepdim=True)
        x = ((x - gray) * sat + gray).clamp(0, 1)
        # quantise like a real uint8 image, then HF normalisation
        x = torch.round(x * 255).to(torch.uint8)
        return D.normalize_u8(x, self.mean, self.std), self.train_y[idx]

    def view(self, v):
        """Augmented copy v of the whole training set (pixel values, training order), from a fixed seed."""
        g = torch.Generator().manual_seed(50_000 + v)
        idx = torch.arange(self.n_train())
        return torch.cat([self.train_batch(idx[i:i + 256], g)[0] for i in range(0, self.n_train(), 256)])

    def eval_sets(self):
        return {"val": (self.val_x, self.val_y)}

    def to_pixels(self, x_u8):
        return D.normalize_u8(x_u8, self.mean, self.std)


def get_data(name, size=64):
    return FashionData() if name == "fashion" else MaskData(size)


# ------------------------------------------------------------------ models
def make_model(model_id, spec):
    if spec["kind"] == "teacher":
        return FashionCNN(10) if spec["dataset"] == "fashion" else MaskCNN(2)
    return build_model(copy.deepcopy(spec["config"]))


def set_drop_path(model, rate):
    """Stochastic depth rising linearly from 0 (first layer) to `rate` (last layer), as in DeiT/timm."""
    layers = [m for m in model.modules() if hasattr(m, "drop_path")]
    for i, layer in enumerate(layers):
        layer.drop_path = rate * i / max(1, len(layers) - 1)


def logits_of(model, x):
    out = model(x)
    return out[0] if isinstance(out, tuple) else out


@torch.no_grad()
def evaluate(model, data, x_u8, y, batch=500):
    model.eval()
    preds = []
    for i in range(0, len(y), batch):
        preds.append(logits_of(model, data.to_pixels(x_u8[i:i + batch])).argmax(-1))
    p = torch.cat(preds)
    n = data.num_labels
    cm = torch.zeros(n, n, dtype=torch.long)
    for t, q in zip(y.tolist(), p.tolist()):
        cm[t, q] += 1
    return (p == y).float().mean().item(), cm, p


def load_trained(model_id, path=None):
    """Model with the weights of the last checkpoint (or of `path`): the weight average when the run kept one (the
    spec's `ema`), since that is what its `val_ema` measured and what is exported."""
    spec = SPECS[model_id]
    ck = torch.load(path or (workdir(model_id) / "ckpt.pt"))
    m = make_model(model_id, spec)
    m.load_state_dict(ck["ema"] if "ema" in ck else ck["model"])
    m.eval()
    return m, ck


@torch.no_grad()
def teacher_logit_cache(tid, teacher, data, log):
    """Teacher logits for every training image and its mirror image, [N, 2, labels] (computed once)."""
    p = workdir(tid) / "train_logits.pt"
    if p.exists():
        return torch.load(p)
    teacher.eval()
    out = []
    t0 = time.time()
    for i in range(0, data.n_train(), 1000):
        x = data.train_x[i:i + 1000]
        out.append(torch.stack([teacher(D.fashion_to_pixel_values(x)),
                                teacher(D.fashion_to_pixel_values(x.flip(-1)))], 1))
    c = torch.cat(out)
    torch.save(c, str(p) + ".tmp")
    os.replace(str(p) + ".tmp", p)
    log(f"teacher logit cache {tuple(c.shape)} in {time.time() - t0:.0f}s")
    return c


@torch.no_grad()
def teacher_view_labels(tid, teacher, data, views, log):
    """Teacher argmax for `views` fixed augmented copies of the training set, [views, N] (computed once).

    The online CNN teacher's forward pass was ~3/4 of a DeiT-mask training step (its 136M MACs per image against
    the student's 16M), so the student trains on `views` seeded augmentations of the training set whose hard
    teacher labels are computed once; data.view(v) rebuilds view v bit for bit from its seed."""
    p = workdir(tid) / f"view_labels-{views}.pt"
    if p.exists():
        return torch.load(p)
    teacher.eval()
    t0 = time.time()
    out = torch.stack([torch.cat([teacher(x).argmax(-1) for x in data.view(v).split(500)]) for v in range(views)])
    torch.save(out, str(p) + ".tmp")
    os.replace(str(p) + ".tmp", p)
    log(f"teacher labels for {views} augmented views {tuple(out.shape)} in {time.time() - t0:.0f}s")
    return out


def mix_batch(x, y, num_labels, alpha_mixup, alpha_cutmix, g):
    """Mixup or CutMix (one of the two per batch, as timm's Mixup with switch_prob 0.5).

    Returns the mixed pixels and the mixed one-hot targets. The online teacher is run on the same mixed pixels, so
    the student is taught the teacher's answer on images between the training images, where a small training set
    says nothing (Beyer et al. 2022, "Knowledge distillation: a good teacher is patient and consistent")."""
    b = x.shape[0]
    perm = torch.randperm(b, generator=g)
    one_hot = F.one_hot(y, num_labels).float()
    if torch.rand(1, generator=g).item() < 0.5:
        lam = float(torch.distributions.Beta(alpha_mixup, alpha_mixup).sample())
        x = lam * x + (1 - lam) * x[perm]
    else:
        lam = float(torch.distributions.Beta(alpha_cutmix, alpha_cutmix).sample())
        h, w = x.shape[-2:]
        ch, cw = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
        cy, cx = int(torch.randint(h, (1,), generator=g)), int(torch.randint(w, (1,), generator=g))
        y0, y1 = max(cy - ch // 2, 0), min(cy + ch // 2, h)
        x0, x1 = max(cx - cw // 2, 0), min(cx + cw // 2, w)
        x = x.clone()
        x[..., y0:y1, x0:x1] = x[perm][..., y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)      # the pasted area decides the label weight
    return x, lam * one_hot + (1 - lam) * one_hot[perm]


def soft_cross_entropy(logits, target, smoothing=0.0):
    n = logits.shape[-1]
    target = target * (1 - smoothing) + smoothing / n
    return -(target * F.log_softmax(logits, -1)).sum(-1).mean()


def lr_at(step, total, warmup, base):
    if step < warmup:
        return base * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, p)))


def train(model_id, epochs=None, threads=2, time_steps=0, log=print):
    torch.set_num_threads(threads)
    spec = SPECS[model_id]
    epochs = epochs or spec["epochs"]
    wd_dir = workdir(model_id)
    size = spec["config"].image_size if "config" in spec else 64
    data = get_data(spec["dataset"], size)
    model = make_model(model_id, spec)
    teacher = None
    if spec["kind"] == "student":
        if time_steps and not (workdir(spec["teacher"]) / "ckpt.pt").exists():
            teacher = make_model(spec["teacher"], SPECS[spec["teacher"]]).eval()   # timing only
        else:
            teacher, tck = load_trained(spec["teacher"])
        for p in teacher.parameters():
            p.requires_grad_(False)
        if spec["config"].model_type == "deit":
            model.return_both = True
        set_drop_path(model, spec.get("drop_path", 0.0))
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim <= 1 or n.endswith("token") or "position" in n else decay).append(p)
    if spec["kind"] == "teacher":
        opt = torch.optim.AdamW(model.parameters(), lr=spec["lr"], weight_decay=spec["wd"])
    else:
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": spec["wd"]},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=spec["lr"], betas=(0.9, 0.999))
    bs = spec["batch"]
    steps_per_epoch = data.n_train() // bs
    total = steps_per_epoch * epochs
    warmup = steps_per_epoch if spec["kind"] == "student" else steps_per_epoch // 2
    ls = spec.get("label_smoothing", 0.0)
    t_cache = None
    if spec["kind"] == "student" and spec["distill"] == "soft" and spec["dataset"] == "fashion":
        t_cache = (torch.zeros(data.n_train(), 2, data.num_labels) if time_steps   # timing only
                   else teacher_logit_cache(spec["teacher"], teacher, data, log))

    views, view_labels = spec.get("teacher_views", 0), None
    if views and not time_steps:
        view_labels = teacher_view_labels(spec["teacher"], teacher, data, views, log)

    ck_path = wd_dir / "ckpt.pt"
    start_epoch, history = 0, []
    if ck_path.exists() and not time_steps:
        ck = torch.load(ck_path)
        model.load_state_dict(ck["model"])
        if "opt" in ck:
            opt.load_state_dict(ck["opt"])
        elif ck["epoch"] < epochs:
            sys.exit(f"{ck_path} holds a finished run's weights only (no optimiser state): it cannot be continued "
                     f"to {epochs} epochs; delete it to train from scratch")
        start_epoch, history = ck["epoch"], ck["history"]
        log(f"resumed {model_id} at epoch {start_epoch}")
    elif spec.get("init_from") and not time_steps:
        # A refinement run starts from another finished run's weights (its cache, seeded from checkpoints/ on a new
        # machine), with a fresh optimiser and its own schedule: e.g. re-distilling a converged student from a
        # stronger teacher.
        base, bck = load_trained(spec["init_from"])
        if bck["epoch"] < bck.get("epochs_planned", bck["epoch"]):
            sys.exit(f"{spec['init_from']} is not finished ({bck['epoch']}/{bck['epochs_planned']} epochs): train it "
                     f"first (build.py {model_id} does)")
        model.load_state_dict(base.state_dict())
        log(f"{model_id} starts from the weights of {spec['init_from']} (epoch {bck['epoch']})")
    # An exponential moving average of the weights (Polyak averaging; spec "ema" = decay per step), evaluated and
    # exported instead of the last step's weights: it smooths the noise mixup/CutMix and a small batch put into the
    # last epochs, where the shipped run's accuracy wandered by 1-2 images of 541 from epoch to epoch.
    ema = None
    if spec.get("ema"):
        ema = copy.deepcopy(model)
        if ck_path.exists() and not time_steps and "ema" in torch.load(ck_path):
            ema.load_state_dict(torch.load(ck_path)["ema"])
        for p in ema.parameters():
            p.requires_grad_(False)
    log(f"{model_id}: params {count_params(model)}, epochs {epochs}, steps/epoch {steps_per_epoch}, threads {threads}")

    for epoch in range(start_epoch, epochs):
        model.train()
        g = torch.Generator().manual_seed(1000 + epoch)
        perm = torch.randperm(data.n_train(), generator=g)
        t0, c0 = time.time(), time.process_time()
        tot_loss, nb = 0.0, 0
        if views:   # this epoch trains on augmented view (epoch mod views), in a fresh order
            view_x = data.view(epoch % views)
            view_t = view_labels[epoch % views] if view_labels is not None else None
        for s in range(steps_per_epoch):
            step = epoch * steps_per_epoch + s
            for grp in opt.param_groups:
                grp["lr"] = lr_at(step, total, warmup, spec["lr"])
            idx = perm[s * bs:(s + 1) * bs]
            if views:
                x, y = view_x[idx], data.train_y[idx]
            else:
                x, y = data.train_batch(idx, g)
            mixed = None
            if spec.get("mixup"):     # (alpha_mixup, alpha_cutmix): targets become soft label mixtures
                x, mixed = mix_batch(x, y, data.num_labels, *spec["mixup"], g)
            if spec["kind"] == "teacher":
                out = model(x)
                loss = (soft_cross_entropy(out, mixed, ls) if mixed is not None
                        else F.cross_entropy(out, y, label_smoothing=ls))
            else:
                if t_cache is not None:   # offline KD: teacher logits of the un-cropped (flip-matched) image
                    t_logits = t_cache[idx, data.last_flip.long()]
                elif views:               # hard labels of this view, computed once
                    t_labels = view_t[idx] if view_t is not None else y
                else:
                    with torch.no_grad():
                        t_logits = teacher(x)
                out, _ = model(x)
                if spec["distill"] == "hard":          # DeiT: CLS head <- labels, DIST head <- teacher argmax
                    cls_l, dist_l = out
                    cls_loss = (soft_cross_entropy(cls_l, mixed, ls) if mixed is not None
                                else F.cross_entropy(cls_l, y, label_smoothing=ls))
                    loss = 0.5 * cls_loss + 0.5 * F.cross_entropy(dist_l, t_labels if views else t_logits.argmax(-1))
                elif isinstance(out, tuple):           # DeiT, soft: CLS head <- labels, DIST head <- teacher's distribution
                    cls_l, dist_l = out
                    T = spec["kd_temp"]
                    cls_loss = (soft_cross_entropy(cls_l, mixed, ls) if mixed is not None
                                else F.cross_entropy(cls_l, y, label_smoothing=ls))
                    kd = F.kl_div(F.log_softmax(dist_l / T, -1), F.softmax(t_logits / T, -1),
                                  reduction="batchmean") * T * T
                    loss = (1 - spec["kd_alpha"]) * cls_loss + spec["kd_alpha"] * kd
                else:                                  # soft KD
                    T, a = spec["kd_temp"], spec["kd_alpha"]
                    kd = F.kl_div(F.log_softmax(out / T, -1), F.softmax(t_logits / T, -1), reduction="batchmean") * T * T
                    loss = (1 - a) * F.cross_entropy(out, y, label_smoothing=ls) + a * kd
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if ema is not None:
                with torch.no_grad():
                    for pe, pm in zip(ema.state_dict().values(), model.state_dict().values()):
                        if pe.dtype.is_floating_point:
                            pe.mul_(spec["ema"]).add_(pm, alpha=1 - spec["ema"])
                        else:
                            pe.copy_(pm)
            tot_loss += loss.item()
            nb += 1
            if time_steps and nb == time_steps:
                dt, dc = time.time() - t0, time.process_time() - c0
                log(f"TIMING {model_id}: {dt / nb:.3f} s/step wall, {dc / nb:.3f} s/step cpu -> "
                    f"{dt / nb * steps_per_epoch:.0f} s/epoch wall, {dc / nb * steps_per_epoch / 60:.1f} cpu-min/epoch")
                return
            if s % 100 == 0:
                log(f"  ep {epoch + 1} step {s}/{steps_per_epoch} loss {tot_loss / nb:.4f} {time.time() - t0:.0f}s")
        train_wall, train_cpu = time.time() - t0, time.process_time() - c0
        if model_id.startswith("deit") or spec["kind"] == "student":
            if hasattr(model, "return_both"):
                model.return_both = False
        accs = {k: evaluate(model, data, xx, yy)[0] for k, (xx, yy) in data.eval_sets().items()}
        if ema is not None:
            ema.return_both = False
            accs.update({k + "_ema": evaluate(ema, data, xx, yy)[0] for k, (xx, yy) in data.eval_sets().items()})
        if hasattr(model, "return_both") and spec["kind"] == "student":
            model.return_both = True
        wall, cpu = time.time() - t0, time.process_time() - c0
        history.append(dict(epoch=epoch + 1, loss=tot_loss / nb, train_wall_s=train_wall, train_cpu_s=train_cpu,
                            wall_s=wall, cpu_s=cpu, threads=threads, planned=epochs, **accs))
        log(f"EPOCH {epoch + 1}/{epochs} loss {tot_loss / nb:.4f} {accs} wall {wall:.0f}s cpu {cpu:.0f}s")
        if hasattr(model, "return_both"):
            model.return_both = False
        state = {"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch + 1,
                 "epochs_planned": epochs, "history": history}
        if ema is not None:
            state["ema"] = ema.state_dict()
        torch.save(state, str(ck_path) + ".tmp")
        os.replace(str(ck_path) + ".tmp", ck_path)
        if hasattr(model, "return_both") and spec["kind"] == "student":
            model.return_both = True
        (wd_dir / "history.json").write_text(json.dumps(history, indent=1))
    return model, history


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("model_id", choices=list(SPECS))
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--time-steps", type=int, default=0, help="only time K steps and exit")
    ap.add_argument("--commit", action="store_true",
                    help="write the finished run's weights to checkpoints/<id>.pt (kept in git) and exit")
    ap.add_argument("--commit-partial", action="store_true",
                    help="write an unfinished run's whole state (optimiser too) to checkpoints/<id>.pt and exit")
    a = ap.parse_args()

    def log(msg):
        print(time.strftime("%H:%M:%S"), msg, flush=True)

    if a.commit or a.commit_partial:
        commit_checkpoint(a.model_id, partial=a.commit_partial)
    else:
        train(a.model_id, a.epochs, a.threads, a.time_steps, log)
