"""Lists the validation images that a trained mask model gets wrong, side by side with other models, and optionally
writes a contact sheet of them (to look at, never to commit: the images are the ../shared data set's).

  /usr/bin/python3 models/recipes/val_errors.py deit-mask mask-teacher-mix mask-teacher [--sheet /tmp/errors.png]

Each line: the image, its label, and one mark per model (its initial when it is wrong there, '-' when right).
"""
import argparse
import sys

import torch
from PIL import Image, ImageDraw

import train as T
from data import MASK_LABELS
from specs import SPECS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+", choices=[k for k, s in SPECS.items() if s["dataset"] == "mask"])
    ap.add_argument("--sheet", help="PNG contact sheet of the images any model gets wrong")
    a = ap.parse_args()
    torch.set_num_threads(1)
    data = T.get_data("mask", 64)
    (_, (ex, ey)), = data.eval_sets().items()
    wrong = {}
    for mid in a.models:
        model, _ = T.load_trained(mid)
        acc, _, pred = T.evaluate(model, data, ex, ey)
        wrong[mid] = (pred != ey)
        print(f"{mid}: {100 * acc:.2f}% ({int((pred == ey).sum())}/{len(ey)}), {int(wrong[mid].sum())} wrong")
    labels = MASK_LABELS
    rows = sorted(i for i in range(len(ey)) if any(w[i] for w in wrong.values()))
    for i in rows:
        rel, y = data.split["val"][i]
        marks = " ".join(mid if wrong[mid][i] else "-" * len(mid) for mid in a.models)
        print(f"{rel}  {labels[y]:<13} {marks}")
    if a.sheet:
        cols = 6
        sheet = Image.new("RGB", (160 * cols, 190 * ((len(rows) + cols - 1) // cols)), "white")
        draw = ImageDraw.Draw(sheet)
        for k, i in enumerate(rows):
            rel, y = data.split["val"][i]
            with Image.open(T.D.MASK_DIR / rel) as im:
                im = im.convert("RGB")
                im.thumbnail((150, 150))
                x0, y0 = 160 * (k % cols), 190 * (k // cols)
                sheet.paste(im, (x0 + 5, y0 + 5))
            tags = "".join(mid[0].upper() if wrong[mid][i] else "-" for mid in a.models)
            draw.text((x0 + 5, y0 + 158), f"{rel.split('/')[-1][:12]} {labels[y][:7]} {tags}", fill="black")
        sheet.save(a.sheet)
        print(f"wrote {a.sheet}")


if __name__ == "__main__":
    sys.exit(main())
