"""Reference re-implementation of the Hugging Face image processors (ViT/DeiT/BEiT) used for
evaluation, the model fixtures and the preprocessing fixtures.

Steps (transformers.image_processing_utils / image_transforms):
  1. PIL image -> convert("RGB")
  2. resize: PIL Image.resize((w, h), resample, reducing_gap=None) on the uint8 image
     - size {"height","width"}: exact size
     - size {"shortest_edge": s}: short side -> s, long side -> int(s * long / short)
  3. optional center crop to crop_size: top = (h - ch) // 2, left = (w - cw) // 2
  4. rescale: (uint8 as float64) * rescale_factor, then cast to float32
  5. normalize in float32: (x - float32(mean)) / float32(std)
  6. HWC -> CHW
"""
import numpy as np
from PIL import Image


def output_size(w, h, size):
    if "height" in size and "width" in size:
        return size["width"], size["height"]
    s = size["shortest_edge"]
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = s, int(s * long / short)
    return (new_short, new_long) if w <= h else (new_long, new_short)


def resize_u8(img, cfg):
    """Steps 1-3; returns uint8 HWC numpy array."""
    img = img.convert("RGB")
    if cfg.get("do_resize", True):
        w, h = output_size(img.width, img.height, cfg["size"])
        img = img.resize((w, h), resample=cfg.get("resample", 2), reducing_gap=None)
    a = np.asarray(img, dtype=np.uint8)
    if cfg.get("do_center_crop", False):
        cs = cfg["crop_size"]
        ch, cw = cs["height"], cs["width"]
        h, w = a.shape[:2]
        top, left = (h - ch) // 2, (w - cw) // 2
        a = a[top:top + ch, left:left + cw]
    return np.ascontiguousarray(a)


def to_pixel_values(a_u8, cfg):
    """Steps 4-6; returns float32 CHW."""
    x = a_u8.astype(np.float64)
    if cfg.get("do_rescale", True):
        x = x * cfg.get("rescale_factor", 1 / 255)
    x = x.astype(np.float32)
    if cfg.get("do_normalize", True):
        mean = np.array(cfg["image_mean"], dtype=np.float32)
        std = np.array(cfg["image_std"], dtype=np.float32)
        x = (x - mean) / std
    return np.ascontiguousarray(x.transpose(2, 0, 1).astype(np.float32))


def preprocess(img, cfg):
    a = resize_u8(img, cfg)
    return a, to_pixel_values(a, cfg)
