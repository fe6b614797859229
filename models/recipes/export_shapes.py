"""Exact-shape, RANDOMLY INITIALISED exports of well-known Hugging Face checkpoints, for import tests and
benchmarks. Never commit the output (each ViT-B graph is ~350 MB).

  /usr/bin/python3 models/recipes/export_shapes.py --out target/shapes                  # all, 12 layers
  /usr/bin/python3 models/recipes/export_shapes.py --out target/shapes --layers 2 --only vit-base-patch16-224

Writes, per NAME, two Hugging Face layout folders:
  <NAME>-attn/  model.onnx with `attentions.0..L-1` outputs (as optimum-cli with output_attentions)
  <NAME>/       model.onnx with only `logits` (or `last_hidden_state` + `pooler_output` for the backbone),
                the way `optimum-cli export onnx` writes them
plus config.json / preprocessor_config.json matching the real checkpoints. The weights are random (seed 0):
outputs are meaningless, only shapes, names and graph structure match.
"""
import argparse
import copy
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch

import export as E
from modeling import VitConfig, build_model, ViTModel, count_params

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
HALF = [0.5, 0.5, 0.5]
LABELS_1000 = [f"LABEL_{i}" for i in range(1000)]   # HF default names; weights are random anyway

BASE = dict(image_size=224, patch_size=16, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
            intermediate_size=3072, num_labels=1000)

SHAPES = {
    "vit-base-patch16-224": dict(
        hf_id="google/vit-base-patch16-224",
        config=VitConfig(model_type="vit", **BASE),
        preprocessor=E.preprocessor_config("vit", 224, 2, HALF, HALF)),
    "beit-base-patch16-224": dict(
        hf_id="microsoft/beit-base-patch16-224",
        config=VitConfig(model_type="beit", use_relative_position_bias=True, use_shared_relative_position_bias=False,
                         use_absolute_position_embeddings=False, layer_scale_init_value=0.1, use_mean_pooling=True,
                         **BASE),
        preprocessor=E.preprocessor_config("beit", 224, 2, HALF, HALF)),
    "deit-base-distilled-patch16-224": dict(
        hf_id="facebook/deit-base-distilled-patch16-224",
        config=VitConfig(model_type="deit", **BASE),
        preprocessor=E.preprocessor_config("deit", 256, 3, IMAGENET_MEAN, IMAGENET_STD, crop=224)),  # real HF: size 256 -> 256x256
    "vit-base-patch16-224-in21k": dict(
        hf_id="google/vit-base-patch16-224-in21k",
        config=VitConfig(model_type="vit", add_pooling_layer=True, **BASE),
        preprocessor=E.preprocessor_config("vit", 224, 2, HALF, HALF),
        backbone=True),
}


def export_one(name, out_root, layers=None, variants=("attn", "plain")):
    s = SHAPES[name]
    c = copy.deepcopy(s["config"])
    if layers:
        c.num_hidden_layers = layers
    torch.manual_seed(0)
    backbone = s.get("backbone", False)
    model = ViTModel(c) if backbone else build_model(c)
    model.eval()
    if backbone:
        cfg = E.hf_config(c, ["LABEL_0", "LABEL_1"])
        cfg["architectures"] = ["ViTModel"]
        for k in ("id2label", "label2id"):
            cfg.pop(k)
        outputs = ["last_hidden_state", "pooler_output"]
    else:
        cfg = E.hf_config(c, LABELS_1000)
        outputs = ["logits"]
    cfg["_name_or_path"] = s["hf_id"]
    cfg["_vitlens_note"] = "random weights with the shape of " + s["hf_id"] + " (models/recipes/export_shapes.py)"
    cfg = dict(sorted(cfg.items()))
    for v in variants:
        d = Path(out_root) / (f"{name}-attn" if v == "attn" else name)
        t0 = time.time()
        E.export_onnx(model, c, d / "model.onnx", with_attentions=(v == "attn"), output_names=list(outputs),
                      check_softmax=True)
        E.write_json(d / "config.json", cfg)
        E.write_json(d / "preprocessor_config.json", s["preprocessor"])
        print(f"{d}: {count_params(model) / 1e6:.1f}M params, {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", action="append", choices=list(SHAPES), help="repeatable")
    ap.add_argument("--layers", type=int, help="override num_hidden_layers (fast tests)")
    ap.add_argument("--variant", choices=["attn", "plain", "both"], default="both")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    variants = ("attn", "plain") if a.variant == "both" else (a.variant,)
    for n in (a.only or list(SHAPES)):
        export_one(n, a.out, a.layers, variants)
