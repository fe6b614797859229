#!/usr/bin/python3
"""PyTorch eager peer for `vitlens bench --peers`: the same weights as the ONNX model, timed PNG in -> top-k out
and bare forward. Prints one JSON line (last line of stdout).

Weights: bundled models load the training checkpoint (~/.cache/vitlens-train/<id>/ckpt.pt) through
models/recipes/train.py; the ViT-B/16 shape (--kind shape:vit-base-patch16-224) is rebuilt exactly like
models/recipes/export_shapes.py does (seed 0), so it has the weights of the exported graph.
Preprocessing: models/recipes/hf_preprocess.py (the Hugging Face image-processor path on Pillow + numpy).

Run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

# No OMP_WAIT_POLICY override: PyTorch runs with its default threading, as users run it.


def stats(ms):
    s = sorted(ms)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    rank = max(1, -(-95 * n // 100))  # ceil(0.95 n), nearest rank as in dev.vitlens.bench.Stats
    return {"n": n, "medianMs": median, "p95Ms": s[rank - 1], "minMs": s[0], "meanMs": sum(s) / n}


def timed(fn, warmup, iterations):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(iterations):
        t0 = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - t0) / 1e6)
    return stats(out)


def matching_checkpoint(workdir, onnx_file, torch):
    """The training checkpoint whose weights are those of the exported graph: every initializer the export kept
    under its parameter name ("model.<state-dict key>") must be bit-identical. Training may have moved on since
    the export, so ckpt.pt alone is not proof."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    named = {i.name: numpy_helper.to_array(i) for i in graph.initializer if not i.name.startswith("onnx::")}
    for ck in sorted(Path(workdir).glob("ckpt*.pt"), key=lambda p: p.stat().st_mtime, reverse=True):
        sd = torch.load(ck, map_location="cpu")["model"]
        checked, equal = 0, True
        for k, v in sd.items():
            arr = named.get("model." + k)
            if arr is None:
                continue
            checked += 1
            if arr.shape != tuple(v.shape) or not np.array_equal(arr, v.numpy()):
                equal = False
                break
        if equal and checked > 0:
            return ck, checked
    return None, 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--model-id", required=True)
    ap.add_argument("--kind", default="bundled", help="bundled | folder | shape:<export_shapes name>")
    ap.add_argument("--image", required=True)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--recipes", default=str(Path(__file__).resolve().parents[3] / "models" / "recipes"))
    a = ap.parse_args()
    try:
        import torch
        from PIL import Image
    except ImportError as e:
        print(json.dumps({"runtime": "pytorch-eager", "error": f"needs /usr/bin/python3 with python3-torch and "
                                                                f"python3-pil: {e}"}))
        return
    recipes = Path(a.recipes)
    if not (recipes / "modeling.py").exists():
        print(json.dumps({"runtime": "pytorch-eager", "error": f"model recipes not found in {recipes} "
                                                                f"(merge branch models)"}))
        return
    sys.path.insert(0, str(recipes))
    torch.set_num_threads(a.threads)
    import hf_preprocess as HP

    model_dir = Path(a.model_dir)
    cfg = json.loads((model_dir / "preprocessor_config.json").read_text())
    config = json.loads((model_dir / "config.json").read_text())
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    if a.kind.startswith("shape:"):
        import export_shapes as ES
        from modeling import build_model
        c = copy.deepcopy(ES.SHAPES[a.kind[len("shape:"):]]["config"])
        c.num_hidden_layers = config.get("num_hidden_layers", c.num_hidden_layers)
        torch.manual_seed(0)
        model = build_model(c)
        model.eval()
        source = "export_shapes.py weights (seed 0)"
    elif a.kind == "bundled":
        import train as T
        ck, checked = matching_checkpoint(T.workdir(a.model_id), model_dir / "model.onnx", torch)
        if ck is None:
            print(json.dumps({"runtime": "pytorch-eager", "error": f"no checkpoint in {T.workdir(a.model_id)} has "
                                                                    f"the weights of {model_dir / 'model.onnx'}"}))
            return
        model, ckpt = T.load_trained(a.model_id, ck)
        source = f"{ck} (epoch {ckpt.get('epoch', '?')}; equal to model.onnx on {checked} named tensors)"
    else:
        print(json.dumps({"runtime": "pytorch-eager", "error": "only bundled models and export_shapes graphs have "
                                                                "PyTorch weights here"}))
        return

    def logits(x):
        out = model(x)
        out = out[0] if isinstance(out, tuple) else out
        return out[0] if isinstance(out, tuple) else out

    def end_to_end():
        with torch.no_grad():
            img = Image.open(a.image)
            _, pv = HP.preprocess(img, cfg)
            p = torch.softmax(logits(torch.from_numpy(pv)[None]), -1)[0]
            v, i = torch.topk(p, min(5, len(labels)))
            return [(labels[j], float(s)) for s, j in zip(v.tolist(), i.tolist())]

    with torch.no_grad():
        _, pv = HP.preprocess(Image.open(a.image), cfg)
        x = torch.from_numpy(pv)[None].contiguous()

        def forward():
            logits(x)

        top = end_to_end()
        e2e = timed(end_to_end, a.warmup, a.iterations)
        fwd = timed(forward, a.warmup, a.iterations)
    print(json.dumps({"runtime": "pytorch-eager", "version": torch.__version__, "end_to_end": e2e, "forward": fwd,
                      "top": [f"{l} {s:.4f}" for l, s in top],
                      "notes": f"{a.threads} threads; weights: {source}; eager forward also computes attentions"}))


if __name__ == "__main__":
    main()
