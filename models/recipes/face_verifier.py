"""The face verifier: a small CNN that says whether a 32x32 crop around a BlazeFace detection is a face
(src/main/java/dev/vitlens/camera/FaceVerifier.java runs it; docs/face-detection.md "Face verifier" measures it).

  /usr/bin/python3 face_verifier.py list-wallpapers OUT.txt
  java ... dev.vitlens.camera.VerifierCrops --wallpapers OUT.txt --out DIR      # the crops, cut by the app's own code
  /usr/bin/python3 face_verifier.py train DIR [--epochs 14] [--threads 1]       # writes DIR/face_verifier_32.onnx
  /usr/bin/python3 face_verifier.py report DIR                                  # held-out rates by score and verifier

Wallpapers: Debian's mate-backgrounds, gnome-backgrounds, plasma-workspace-wallpapers, ukui-wallpapers and
lomiri-wallpapers (photos of nature and abstract art, no people), installed with apt.
"""
import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIZE = 32
ROOTS = ["/usr/share/backgrounds", "/usr/share/wallpapers"]
EXTS = (".jpg", ".jpeg", ".png", ".webp")


def list_wallpapers(out):
    """Every wallpaper once: a Plasma wallpaper ships one file per resolution, the largest is kept."""
    groups = {}
    for root in ROOTS:
        for dirpath, _, names in os.walk(root):
            for n in names:
                f = os.path.join(dirpath, n)
                if not n.lower().endswith(EXTS) or "screenshot" in f:
                    continue
                key = f.split("/contents/")[0] + ("/dark" if "images_dark" in f else "") if "/contents/" in f else f
                groups.setdefault(key, []).append(f)
    keep = sorted(max(v, key=os.path.getsize) for v in groups.values())
    if not keep:
        sys.exit("no wallpapers under " + ", ".join(ROOTS) + ": apt install mate-backgrounds gnome-backgrounds "
                 "plasma-workspace-wallpapers ukui-wallpapers lomiri-wallpapers")
    Path(out).write_text("\n".join(keep) + "\n")
    print(f"{len(keep)} wallpapers -> {out}")


def load(dirname):
    d = Path(dirname)
    rows = [l.split(",") for l in (d / "crops.csv").read_text().splitlines()[1:]]
    px = np.fromfile(d / "crops.u8", dtype=np.uint8).reshape(-1, SIZE, SIZE, 3)
    assert len(rows) == len(px), (len(rows), len(px))
    meta = {
        "set": np.array([r[0] for r in rows]), "split": np.array([r[1] for r in rows]),
        "image": np.array([int(r[2]) for r in rows]), "pass": np.array([int(r[3]) for r in rows]),
        "rank": np.array([int(r[4]) for r in rows]), "score": np.array([float(r[5]) for r in rows], dtype=np.float32),
        "label": np.array([int(r[6]) for r in rows]), "jitter": np.array([int(r[7]) for r in rows]),
    }
    return px, meta


class Verifier(nn.Module):
    """NHWC RGB in [-1, 1] (as the detector's input) -> one face logit. 4 conv stages, ~60k parameters."""

    def __init__(self, width=16):
        super().__init__()
        c = [3, width, 2 * width, 4 * width, 4 * width]
        layers = []
        for i in range(4):
            layers += [nn.Conv2d(c[i], c[i + 1], 3, padding=1, bias=False), nn.BatchNorm2d(c[i + 1]), nn.ReLU()]
            if i < 3:
                layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c[-1], 1)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)
        x = self.features(x).mean(dim=(2, 3))
        return self.head(x)


def to_input(bgr_u8):
    """BGR bytes -> RGB floats in [-1, 1], NHWC (FaceVerifier.scores does the same in Java)."""
    return torch.from_numpy(bgr_u8[..., ::-1].copy()).float() / 127.5 - 1


def augment(x, g):
    """Mirror, brightness / contrast, and grey for a quarter of the batch: the training non-faces include grey
    Fashion-MNIST, and grey must not become the cue for 'not a face' (a grey webcam, a black-and-white photo)."""
    n = x.shape[0]
    flip = torch.rand(n, generator=g) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(2), x)
    contrast = 0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=g)
    bright = 0.3 * (torch.rand(n, 1, 1, 1, generator=g) - 0.5)
    x = (x * contrast + bright).clamp(-1, 1)
    grey = torch.rand(n, generator=g) < 0.25
    luma = (0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2])[..., None].expand_as(x)
    return torch.where(grey[:, None, None, None], luma, x)


def train(dirname, epochs, threads, width=16, seed=0):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    px, m = load(dirname)
    sel = (m["split"] == "train") & (m["label"] >= 0)
    # A tenth of the training images (all their crops) watch for over-fitting; the held-out split stays unseen.
    # (image // 2: the training faces are the even file indexes.)
    watch = sel & ((m["image"] // 2) % 10 == 9)
    fit = sel & ~watch
    x_fit, y_fit = px[fit], torch.from_numpy(m["label"][fit]).float()
    x_watch, y_watch = to_input(px[watch & (m["jitter"] == 0)]), m["label"][watch & (m["jitter"] == 0)]
    pos = float(y_fit.sum())
    print(f"fit {len(y_fit)} crops ({int(pos)} faces), watch {len(y_watch)}; epochs {epochs}, threads {threads}")
    model = Verifier(width)
    print("parameters", sum(p.numel() for p in model.parameters()))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=5e-4)
    bs = 256
    steps = (len(y_fit) + bs - 1) // bs
    total = epochs * steps
    pos_weight = torch.tensor((len(y_fit) - pos) / pos)
    g = torch.Generator().manual_seed(seed)
    for ep in range(epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(y_fit), generator=g)
        tot = 0.0
        for s in range(steps):
            step = ep * steps + s
            for grp in opt.param_groups:
                grp["lr"] = 3e-3 * 0.5 * (1 + np.cos(np.pi * step / total))
            idx = perm[s * bs:(s + 1) * bs].numpy()
            x = augment(to_input(x_fit[idx]), g)
            loss = F.binary_cross_entropy_with_logits(model(x).squeeze(1), y_fit[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
        model.eval()
        with torch.no_grad():
            p = torch.sigmoid(model(x_watch).squeeze(1)).numpy()
        acc = ((p >= 0.5) == (y_watch == 1)).mean()
        fr = (p[y_watch == 1] < 0.5).mean()
        fa = (p[y_watch == 0] >= 0.5).mean()
        print(f"epoch {ep + 1}/{epochs} loss {tot / steps:.4f} watch acc {acc:.4f} (faces rejected {fr:.4f}, "
              f"non-faces accepted {fa:.4f}) {time.time() - t0:.0f}s", flush=True)
    out = Path(dirname) / "face_verifier_32.onnx"
    print(f"trained: width {width}, {sum(p.numel() for p in model.parameters())} parameters")
    export(model, out)
    torch.save(model.state_dict(), Path(dirname) / "face_verifier_32.pt")
    return model


def export(model, out):
    model.eval()
    dummy = torch.zeros(2, SIZE, SIZE, 3)
    torch.onnx.export(model, dummy, str(out), input_names=["crops"], output_names=["face_logit"],
                      dynamic_axes={"crops": {0: "n"}, "face_logit": {0: "n"}}, opset_version=13)
    import onnx
    onnx.checker.check_model(onnx.load(str(out)))
    print("exported", out, os.path.getsize(out), "bytes")


def scores(dirname, model=None):
    px, m = load(dirname)
    if model is None:
        state = torch.load(Path(dirname) / "face_verifier_32.pt")
        model = Verifier(state["head.weight"].shape[1] // 4)
        model.load_state_dict(state)
    model.eval()
    keep = m["jitter"] == 0
    out = np.zeros(len(px), dtype=np.float32)
    with torch.no_grad():
        idx = np.nonzero(keep)[0]
        for i in range(0, len(idx), 2048):
            b = idx[i:i + 2048]
            out[b] = torch.sigmoid(model(to_input(px[b])).squeeze(1)).numpy()
    return m, keep, out


def report(dirname):
    """Held-out image rates: an image is detected when a crop of either pass has score >= t and verifier >= v (the
    rescue pass runs only when the first finds nothing, so 'either' is what the detector returns)."""
    m, keep, p = scores(dirname)
    ev = keep & (m["split"] == "eval") & (m["set"] != "")
    sets = ["with_tight", "without_tight", "with_framed", "without_framed", "fashion_test", "astronaut",
            "synthetic_test", "wallpaper_eval"]
    counts = {"with_tight": 1916 // 2, "without_tight": 1693 // 2, "with_framed": 1916 // 2,
              "without_framed": 1693 // 2, "fashion_test": 300, "astronaut": 100, "synthetic_test": 100}
    n_wall = len(set(m["image"][m["set"] == "wallpaper_eval"]))
    print("(wallpaper_eval: images with at least one candidate only are known; rate over all crops written)")
    for t in [0.5, 0.55, 0.6, 0.65]:
        for v in [0.0, 0.1, 0.2, 0.3, 0.5, 0.7]:
            cells = []
            for s in sets:
                r = ev & (m["set"] == s) & (m["score"] >= t) & (p >= v)
                hit = len(set(m["image"][r]))
                n = counts.get(s)
                cells.append(f"{s} {hit}" + (f"/{n} {100 * hit / n:.1f}%" if n else ""))
            print(f"t {t:.2f} v {v:.1f}: " + "; ".join(cells))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["list-wallpapers", "train", "report"])
    ap.add_argument("path")
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--width", type=int, default=16, help="channels of the first stage (then 2x, 4x, 4x)")
    a = ap.parse_args()
    if a.cmd == "list-wallpapers":
        list_wallpapers(a.path)
    elif a.cmd == "train":
        train(a.path, a.epochs, a.threads, a.width)
    else:
        report(a.path)
