"""Datasets: Fashion-MNIST (Debian dataset-fashion-mnist) and the face-mask folder.

Decoded images are cached as uint8 tensors under ~/.cache/vitlens-train/data/ (never in git).
Preprocessing at evaluation time is bit-for-bit the Hugging Face image processor path
(hf_preprocess.py): PIL RGB -> PIL resize -> *rescale_factor -> (x-mean)/std.
"""
import gzip
import hashlib
import json
import os
import random
from pathlib import Path

import numpy as np
import torch

CACHE = Path(os.environ.get("VITLENS_CACHE", Path.home() / ".cache" / "vitlens-train"))
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
MASK_DIR = Path(os.environ.get("VITLENS_MASK_DIR", "/work/shared/data/face-mask"))

FASHION_LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MASK_LABELS = ["with_mask", "without_mask"]

# Fashion-MNIST training-set statistics of x/255 (computed by `data.py --stats`: 0.28604, 0.35302)
FASHION_MEAN = 0.2860
FASHION_STD = 0.3530
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
RESCALE = 0.00392156862745098  # 1/255 exactly as HF writes it


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist():
    """Returns dict(train_x uint8 [60000,28,28], train_y int64, test_x, test_y)."""
    p = CACHE / "data" / "fashion.pt"
    if p.exists():
        return torch.load(p)
    d = {
        "train_x": torch.from_numpy(_read_idx(FASHION_DIR / "train-images-idx3-ubyte.gz").copy()),
        "train_y": torch.from_numpy(_read_idx(FASHION_DIR / "train-labels-idx1-ubyte.gz").astype(np.int64)),
        "test_x": torch.from_numpy(_read_idx(FASHION_DIR / "t10k-images-idx3-ubyte.gz").copy()),
        "test_y": torch.from_numpy(_read_idx(FASHION_DIR / "t10k-labels-idx1-ubyte.gz").astype(np.int64)),
    }
    p.parent.mkdir(parents=True, exist_ok=True)
    torch.save(d, p)
    return d


def normalize_u8(x_u8, mean, std):
    """uint8 [B,C,H,W] -> float32 exactly like HF: x*rescale_factor, then (x-mean)/std."""
    x = x_u8.to(torch.float32) * torch.tensor(RESCALE, dtype=torch.float32)
    m = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
    return (x - m) / s


def fashion_to_pixel_values(x_u8):
    """[B,28,28] uint8 grayscale -> [B,3,28,28] normalized (gray replicated to RGB as HF's convert('RGB'))."""
    x = x_u8.unsqueeze(1).expand(-1, 3, -1, -1)
    return normalize_u8(x, [FASHION_MEAN] * 3, [FASHION_STD] * 3)


# ------------------------------------------------------------------ face mask
def mask_split(val_fraction=0.15, seed=20261123):
    """Stratified, seeded split of the face-mask folder. Returns dict(train=[(rel, y)], val=[...])."""
    files = []
    for y, lab in enumerate(MASK_LABELS):
        names = sorted(p.name for p in (MASK_DIR / lab).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        files.append([(f"{lab}/{n}", y) for n in names])
    rng = random.Random(seed)
    train, val = [], []
    for cls_files in files:
        idx = list(range(len(cls_files)))
        rng.shuffle(idx)
        nv = int(round(len(cls_files) * val_fraction))
        vset = set(idx[:nv])
        for i, f in enumerate(cls_files):
            (val if i in vset else train).append(f)
    return {"seed": seed, "val_fraction": val_fraction, "train": train, "val": val}


def _load_resized(rel, size, resample):
    from PIL import Image
    with Image.open(MASK_DIR / rel) as im:
        im = im.convert("RGB")
        im = im.resize((size, size), resample=resample)
        return torch.from_numpy(np.asarray(im, dtype=np.uint8).copy()).permute(2, 0, 1)


def face_mask(size=64, train_size=None, resample=3):
    """Cached uint8 tensors: val images resized exactly like the HF processor (size x size, bicubic),
    train images resized to `train_size` (larger, for random-resized-crop augmentation)."""
    train_size = train_size or int(size * 1.25)
    split = mask_split()
    key = hashlib.sha1(json.dumps([split["train"], split["val"], size, train_size, resample]).encode()).hexdigest()[:10]
    p = CACHE / "data" / f"facemask-{size}-{train_size}-{key}.pt"
    if p.exists():
        return torch.load(p)
    d = {
        "train_x": torch.stack([_load_resized(r, train_size, resample) for r, _ in split["train"]]),
        "train_y": torch.tensor([y for _, y in split["train"]]),
        "val_x": torch.stack([_load_resized(r, size, resample) for r, _ in split["val"]]),
        "val_y": torch.tensor([y for _, y in split["val"]]),
        # also the train images at exactly the processor size (for teacher eval / sanity)
        "train_x_eval": torch.stack([_load_resized(r, size, resample) for r, _ in split["train"]]),
        "split": split,
    }
    p.parent.mkdir(parents=True, exist_ok=True)
    torch.save(d, p)
    return d


if __name__ == "__main__":
    import sys
    d = fashion_mnist()
    x = d["train_x"].float() / 255
    print("fashion train mean %.5f std %.5f" % (x.mean().item(), x.std().item()))
    if "--mask" in sys.argv:
        m = face_mask()
        print({k: (v.shape if hasattr(v, "shape") else len(v["train"])) for k, v in m.items()})
