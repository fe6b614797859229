"""ONNX export in Hugging Face layout + model card + Java reference fixtures.

Writes models/<id>/{model.onnx, config.json, preprocessor_config.json, vitlens.json, README.md}
and src/test/resources/fixtures/<id>/{fixtures.json, *.f32, *.png}.
"""
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import onnx
import torch
from PIL import Image

import data as D
import hf_preprocess as HP
from modeling import ExportWrapper, count_params, VitConfig, ARCHITECTURES

REPO = Path(__file__).resolve().parents[2]
OPSET = 17
TRANSFORMERS_VERSION = "4.46.3"   # the HF release whose config/processor layout these files follow


# ------------------------------------------------------------------ ONNX
def export_onnx(model, c: VitConfig, path, with_attentions=True, output_names=None, batch=1, verbose=True,
                check_softmax=True):
    model.eval()
    w = ExportWrapper(model, with_attentions).eval()
    x = torch.zeros(batch, c.num_channels, c.image_size, c.image_size)
    if output_names is None:
        output_names = ["logits"]
    if with_attentions:
        output_names = output_names + [f"attentions.{i}" for i in range(c.num_hidden_layers)]
    dyn = {"pixel_values": {0: "batch_size"}}
    for n in output_names:
        dyn[n] = {0: "batch_size"}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    with torch.no_grad():
        torch.onnx.export(w, (x,), str(path), input_names=["pixel_values"], output_names=output_names,
                          dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(str(path))
    # torch leaves the head/token dims of the attention outputs symbolic (the graph uses view(b, -1, h, d));
    # they are fixed by the config, so declare them: [batch_size, heads, T, T] etc.
    static = {"logits": [c.num_labels], "last_hidden_state": [c.seq_len, c.hidden_size], "pooler_output": [c.hidden_size]}
    for i in range(c.num_hidden_layers):
        static[f"attentions.{i}"] = [c.num_attention_heads, c.seq_len, c.seq_len]
    for o in m.graph.output:
        dims = o.type.tensor_type.shape.dim
        want = static.get(o.name)
        if want is not None and len(dims) == len(want) + 1:
            dims[0].dim_param = "batch_size"
            for d, v in zip(list(dims)[1:], want):
                d.ClearField("dim_param")
                d.dim_value = v
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    n_softmax = sum(1 for n in m.graph.node if n.op_type == "Softmax")
    if verbose:
        print(f"exported {path} ({path.stat().st_size / 1e6:.1f} MB, {time.time() - t0:.0f}s), "
              f"outputs {[o.name for o in m.graph.output][:4]}..., Softmax nodes {n_softmax}")
    if check_softmax:
        assert n_softmax == c.num_hidden_layers, (n_softmax, c.num_hidden_layers)
    return m


# ------------------------------------------------------------------ HF json files
def hf_config(c: VitConfig, labels, extra=None):
    arch = ARCHITECTURES[c.model_type][0]
    cfg = {
        "architectures": [arch],
        "attention_probs_dropout_prob": 0.0,
        "encoder_stride": c.patch_size,
        "hidden_act": c.hidden_act,
        "hidden_dropout_prob": 0.0,
        "hidden_size": c.hidden_size,
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "image_size": c.image_size,
        "initializer_range": c.initializer_range,
        "intermediate_size": c.intermediate_size,
        "label2id": {l: i for i, l in enumerate(labels)},
        "layer_norm_eps": c.layer_norm_eps,
        "model_type": c.model_type,
        "num_attention_heads": c.num_attention_heads,
        "num_channels": c.num_channels,
        "num_hidden_layers": c.num_hidden_layers,
        "patch_size": c.patch_size,
        "qkv_bias": c.qkv_bias,
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
    }
    if c.model_type == "beit":
        del cfg["encoder_stride"], cfg["qkv_bias"]
        cfg.update({
            "auxiliary_channels": 256, "auxiliary_concat_input": False, "auxiliary_loss_weight": 0.4,
            "auxiliary_num_convs": 1, "drop_path_rate": 0.1, "layer_scale_init_value": c.layer_scale_init_value,
            "out_indices": [3, 5, 7, 11], "pool_scales": [1, 2, 3, 6], "semantic_loss_ignore_index": 255,
            "use_absolute_position_embeddings": c.use_absolute_position_embeddings,
            "use_auxiliary_head": True, "use_mask_token": False, "use_mean_pooling": c.use_mean_pooling,
            "use_relative_position_bias": c.use_relative_position_bias,
            "use_shared_relative_position_bias": c.use_shared_relative_position_bias,
            "vocab_size": 8192,
        })
        if c.num_hidden_layers != 12:
            # small trained models: no stochastic depth was used, and the segmentation-head settings of the
            # 12-layer checkpoints (out_indices 3,5,7,11 ...) do not apply
            cfg["drop_path_rate"] = 0.0
            for k in ("auxiliary_channels", "auxiliary_concat_input", "auxiliary_loss_weight", "auxiliary_num_convs",
                      "out_indices", "pool_scales", "semantic_loss_ignore_index", "use_auxiliary_head"):
                cfg.pop(k)
    if extra:
        cfg.update(extra)
    return dict(sorted(cfg.items()))


def preprocessor_config(model_type, size, resample, mean, std, crop=None, shortest_edge=False):
    p = {
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": list(mean),
        "image_processor_type": {"vit": "ViTImageProcessor", "deit": "DeiTImageProcessor",
                                 "beit": "BeitImageProcessor"}[model_type],
        "image_std": list(std),
        "resample": resample,
        "rescale_factor": D.RESCALE,
        "size": {"shortest_edge": size} if shortest_edge else {"height": size, "width": size},
    }
    if model_type in ("deit", "beit"):
        p["do_center_crop"] = crop is not None
        p["crop_size"] = {"height": crop or size, "width": crop or size}
    if model_type == "beit":
        p["do_reduce_labels"] = False
    return dict(sorted(p.items()))


def write_json(path, obj):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# ------------------------------------------------------------------ fixtures
def write_f32(path, arr):
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


@torch.no_grad()
def model_fixture(model, pixel_values_chw, out_dir, name, source):
    """Runs PyTorch on one [3,H,W] input; writes pixel_values / logits / attentions as raw LE float32."""
    model.eval()
    x = torch.from_numpy(pixel_values_chw).unsqueeze(0)
    logits, attns = model(x)
    logits = logits[0].numpy()
    att = torch.stack([a[0] for a in attns]).numpy()      # L, H, T, T
    write_f32(out_dir / f"{name}.pixel_values.f32", pixel_values_chw)
    write_f32(out_dir / f"{name}.logits.f32", logits)
    write_f32(out_dir / f"{name}.attentions.f32", att)
    return {
        "name": name,
        "source": source,
        "pixel_values": f"{name}.pixel_values.f32",
        "pixel_values_shape": [1] + list(pixel_values_chw.shape),
        "logits": f"{name}.logits.f32",
        "logits_shape": [1, int(logits.shape[0])],
        "argmax": int(logits.argmax()),
        "attentions": f"{name}.attentions.f32",
        "attentions_shape": list(att.shape),
    }
