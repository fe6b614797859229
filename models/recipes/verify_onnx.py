"""Checks models/<id>/model.onnx against src/test/resources/fixtures/<id>/ with ONNX Runtime (Java API via
tools/OrtRun.java, because no Python onnxruntime is available here). Also runs a batch of 2 to check the
dynamic batch axis.

  /usr/bin/python3 models/recipes/verify_onnx.py beit-fashion vit-fashion deit-mask
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
JAR = os.environ.get("ORT_JAR") or (glob.glob(os.path.expanduser(
    "~/.m2/repository/com/microsoft/onnxruntime/onnxruntime*/*/onnxruntime*.jar")) or [""])[-1]   # CPU or GPU jar


def run(model, x, tmp):
    inp = Path(tmp) / "in.f32"
    x.astype("<f4").tofile(inp)
    out = Path(tmp) / "out"
    subprocess.run(["java", "-cp", JAR, str(REPO / "models/recipes/tools/OrtRun.java"), str(model), str(inp),
                    ",".join(map(str, x.shape)), str(out)], check=True, capture_output=True)
    return {p.stem: np.fromfile(p, "<f4") for p in out.glob("*.f32")}


def verify(mid):
    fdir = REPO / "src/test/resources/fixtures" / mid
    fx = json.loads((fdir / "fixtures.json").read_text())
    model = REPO / "models" / mid / "model.onnx"
    L = fx["num_hidden_layers"]
    worst_l = worst_a = 0.0
    xs, refs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for case in fx["cases"]:
            x = np.fromfile(fdir / case["pixel_values"], "<f4").reshape(case["pixel_values_shape"])
            lo = np.fromfile(fdir / case["logits"], "<f4")
            at = np.fromfile(fdir / case["attentions"], "<f4").reshape(case["attentions_shape"])
            xs.append(x)
            refs.append((lo, at))
        xb = np.concatenate(xs, 0)                  # one batched run checks the dynamic batch axis too
        o = run(model, xb, tmp)
        n = len(xs)
        ol = o["logits"].reshape(n, -1)
        for i, (lo, at) in enumerate(refs):
            worst_l = max(worst_l, float(np.abs(ol[i] - lo).max()))
            for l in range(L):
                a = o[f"attentions.{l}"].reshape((n,) + at.shape[1:])[i]
                worst_a = max(worst_a, float(np.abs(a - at[l]).max()))
            assert ol[i].argmax() == lo.argmax()
    print(f"{mid}: ORT vs PyTorch over {n} cases (batch {n}): max |dlogits| {worst_l:.2e}, max |dattn| {worst_a:.2e}")
    return worst_l, worst_a


if __name__ == "__main__":
    for m in sys.argv[1:]:
        verify(m)
