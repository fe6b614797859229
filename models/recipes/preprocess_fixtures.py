"""Fixtures for the Java re-implementation of the Hugging Face image processors:
src/test/resources/fixtures/preprocess/{cases.json, <case>.src.png, <case>.resized.u8, <case>.pixel_values.f32}

  /usr/bin/python3 models/recipes/preprocess_fixtures.py
"""
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hf_preprocess as HP

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "src" / "test" / "resources" / "fixtures" / "preprocess"
R = 0.00392156862745098
HALF = [0.5, 0.5, 0.5]
FASHION = [0.286] * 3, [0.353] * 3
IMAGENET = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def synthetic(w, h, seed):
    """Smooth colour field + seeded noise + a few hard edges (exercises the resampling kernels)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([xx / max(1, w - 1) * 255, yy / max(1, h - 1) * 255,
                     (np.sin(xx / 3.0) * np.cos(yy / 5.0) * 0.5 + 0.5) * 255], -1)
    noise = rng.normal(0, 25, size=(h, w, 3))
    img = base + noise
    img[h // 3: h // 3 + max(1, h // 6), :, :] = rng.integers(0, 256, size=3)        # a horizontal bar
    img[:, w // 2: w // 2 + max(1, w // 8), 1] = 255 - img[:, w // 2: w // 2 + max(1, w // 8), 1]
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


CASES = [
    # name, (w, h), seed, resample, size, crop, mean, std
    ("rgb37x23-bilinear-28", (37, 23), 1, 2, {"height": 28, "width": 28}, None, *FASHION),
    ("rgb64x48-bicubic-64", (64, 48), 2, 3, {"height": 64, "width": 64}, None, *IMAGENET),
    ("rgb300x200-bilinear-224", (300, 200), 3, 2, {"height": 224, "width": 224}, None, HALF, HALF),
    ("rgb300x200-bicubic-64", (300, 200), 4, 3, {"height": 64, "width": 64}, None, *IMAGENET),
    ("rgb20x30-bicubic-up-64", (20, 30), 5, 3, {"height": 64, "width": 64}, None, *IMAGENET),
    ("rgb20x30-bilinear-up-28", (20, 30), 6, 2, {"height": 28, "width": 28}, None, HALF, HALF),
    ("rgb320x240-shortest256-bicubic-crop224", (320, 240), 7, 3, {"shortest_edge": 256}, 224, *IMAGENET),
    ("rgb320x240-resize256x256-bicubic-crop224", (320, 240), 9, 3, {"height": 256, "width": 256}, 224, *IMAGENET),
    ("gray28x28-same-size-28", (28, 28), 8, 2, {"height": 28, "width": 28}, None, *FASHION),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, (w, h), seed, resample, size, crop, mean, std in CASES:
        a = synthetic(w, h, seed)
        src = OUT / f"{name}.src.png"
        if name.startswith("gray"):
            Image.fromarray(a.mean(-1).astype(np.uint8), "L").save(src)
        else:
            Image.fromarray(a, "RGB").save(src)
        cfg = {"do_resize": True, "size": size, "resample": resample, "do_rescale": True, "rescale_factor": R,
               "do_normalize": True, "image_mean": mean, "image_std": std,
               "do_center_crop": crop is not None}
        if crop:
            cfg["crop_size"] = {"height": crop, "width": crop}
        with Image.open(src) as im:
            u8, pv = HP.preprocess(im, cfg)
        u8.tofile(OUT / f"{name}.resized.u8")
        pv.astype("<f4").tofile(OUT / f"{name}.pixel_values.f32")
        c = {"name": name, "source": f"{name}.src.png", "source_size": {"width": w, "height": h},
             "source_mode": "L" if name.startswith("gray") else "RGB",
             "resample": resample, "resample_name": {2: "bilinear", 3: "bicubic"}[resample]}
        c.update({"size": size} if "height" in size else {"shortest_edge": size["shortest_edge"]})
        c.update({"crop": {"height": crop, "width": crop} if crop else None, "mean": mean, "std": std,
                  "rescale_factor": R,
                  "resized_u8": f"{name}.resized.u8", "resized_u8_shape": list(u8.shape),
                  "pixel_values": f"{name}.pixel_values.f32", "pixel_values_shape": [1] + list(pv.shape)})
        cases.append(c)
        print(name, u8.shape, pv.shape)
    doc = {
        "description": "Reference outputs of the Hugging Face image-processor path (models/recipes/hf_preprocess.py, "
                       "Pillow %s): convert('RGB') -> PIL Image.resize((w,h), resample, reducing_gap=None) on uint8 "
                       "-> optional center crop (top=(h-ch)//2, left=(w-cw)//2) -> float32(u8 * rescale_factor computed in "
                       "float64) -> float32 (x - mean) / std -> CHW. shortest_edge: short side = s, long side = "
                       "int(s * long / short)." % Image.__version__,
        "formats": {"resized_u8": "raw uint8, HWC (after resize and crop, before rescale), RGB",
                    "pixel_values": "raw little-endian float32, [1,3,H,W] C order"},
        "cases": cases,
    }
    (OUT / "cases.json").write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
