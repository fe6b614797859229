"""The three bundled models: architecture + training recipe. build.py / train.py / export.py read these."""
from modeling import VitConfig
from data import FASHION_LABELS, MASK_LABELS, FASHION_MEAN, FASHION_STD, IMAGENET_MEAN, IMAGENET_STD

# What the face-mask students share: the session-1 DeiT architecture, the data, and soft distillation through [DIST]
# on mixup/CutMix images. Each spec below adds its teacher, schedule and learning rate.
MASK_STUDENT = dict(
    kind="student", dataset="mask", distill="soft",
    config=VitConfig(model_type="deit", image_size=64, patch_size=8, hidden_size=64, num_hidden_layers=6,
                     num_attention_heads=4, intermediate_size=128, num_labels=2),
    labels=MASK_LABELS, mean=IMAGENET_MEAN, std=IMAGENET_STD, resample=3,
    wd=0.05, batch=64, label_smoothing=0.1, kd_alpha=0.5, kd_temp=1.0, mixup=(0.8, 1.0), drop_path=0.05,
    display="DeiT face mask (tiny)", target=0.99, floor=0.98, face_classifier=True,
)

SPECS = {
    "fashion-teacher": dict(kind="teacher", dataset="fashion", epochs=10, lr=3e-3, wd=5e-4, batch=128),
    "mask-teacher": dict(kind="teacher", dataset="mask", epochs=15, lr=2e-3, wd=5e-4, batch=64),
    # Session 8 experiment towards a >= 99% teacher for deit-mask's 98% floor: the same CNN, 4x the epochs, with
    # mixup/CutMix and label smoothing (mask-teacher's 25-epoch run without them ended at 98.34%).
    "mask-teacher-mix": dict(kind="teacher", dataset="mask", epochs=60, lr=2e-3, wd=5e-4, batch=64,
                             label_smoothing=0.1, mixup=(0.8, 1.0)),
    "beit-fashion": dict(
        kind="student", dataset="fashion", teacher="fashion-teacher", distill="soft",
        config=VitConfig(model_type="beit", image_size=28, patch_size=4, hidden_size=64, num_hidden_layers=6,
                         num_attention_heads=4, intermediate_size=128, num_labels=10,
                         use_relative_position_bias=True, use_absolute_position_embeddings=False,
                         layer_scale_init_value=0.1, use_mean_pooling=True),
        labels=FASHION_LABELS, mean=[FASHION_MEAN] * 3, std=[FASHION_STD] * 3, resample=2,
        epochs=36, lr=2e-3, wd=0.05, batch=128, label_smoothing=0.1, kd_alpha=0.5, kd_temp=2.0,
        display="BEiT Fashion-MNIST (tiny)", target=0.93, floor=0.91,
        description="Tiny BEiT (relative position bias, layer scale, mean pooling) trained on Fashion-MNIST 28x28 with soft distillation from a CNN teacher.",
    ),
    "vit-fashion": dict(
        kind="student", dataset="fashion", teacher="fashion-teacher", distill="soft",
        config=VitConfig(model_type="vit", image_size=28, patch_size=4, hidden_size=64, num_hidden_layers=6,
                         num_attention_heads=4, intermediate_size=128, num_labels=10),
        labels=FASHION_LABELS, mean=[FASHION_MEAN] * 3, std=[FASHION_STD] * 3, resample=2,
        epochs=40, lr=2e-3, wd=0.05, batch=128, label_smoothing=0.1, kd_alpha=0.5, kd_temp=2.0,
        display="ViT Fashion-MNIST (tiny)", target=0.92, floor=0.91,
        description="Tiny ViT ([CLS] + absolute position embeddings) trained on Fashion-MNIST 28x28 with soft distillation from a CNN teacher.",
    ),
    # Session 8 experiment: the shipped recipe distilled from mask-teacher-mix on a 150-epoch schedule (what fits in
    # one session), to see whether a stronger teacher lifts the student past the 98% floor.
    "deit-mask-mixteacher": dict(
        MASK_STUDENT, teacher="mask-teacher-mix", epochs=150, lr=1e-3,
        description="Tiny distilled DeiT ([CLS] + [DIST] tokens) classifying face crops as with_mask / without_mask, soft distillation from a CNN teacher on mixup/CutMix images, 150 epochs.",
    ),
    # Session 9 experiment: the shipped 400-epoch student (converged at 97.78% under the 98.52% teacher) re-distilled
    # from the 99.08% mask-teacher-mix at a lower learning rate, the same mixup/CutMix function matching.
    "deit-mask-refine": dict(
        MASK_STUDENT, teacher="mask-teacher-mix", init_from="deit-mask", epochs=120, lr=5e-4,
        description="Tiny distilled DeiT ([CLS] + [DIST] tokens) classifying face crops as with_mask / without_mask: 400 epochs of soft distillation from a CNN teacher on mixup/CutMix images, then 120 more from a stronger teacher.",
    ),
    # Session 9, the same with an exponential moving average of the weights (decay 0.998 a step, about 10 epochs of
    # 47 steps), which is what is evaluated as val_ema and exported.
    "deit-mask-refine-ema": dict(
        MASK_STUDENT, teacher="mask-teacher-mix", init_from="deit-mask", epochs=100, lr=3e-4, ema=0.998,
        description="Tiny distilled DeiT ([CLS] + [DIST] tokens) classifying face crops as with_mask / without_mask: 400 epochs of soft distillation from a CNN teacher on mixup/CutMix images, then 100 more from a stronger teacher, weight-averaged.",
    ),
    # Session 10: the shipped 400-epoch schedule from scratch, distilled from the 99.08% mask-teacher-mix instead of
    # the 98.52% mask-teacher, with session 9's weight average (what is evaluated as val_ema and exported). More than
    # a session at 17-29 s an epoch: a session that stops commits it with --commit-partial. Result (session 10): 97.60%,
    # under the shipped 97.78%, not exported; final weights in checkpoints/deit-mask-mix400.pt.
    "deit-mask-mix400": dict(
        MASK_STUDENT, teacher="mask-teacher-mix", epochs=400, lr=1e-3, ema=0.998,
        description="Tiny distilled DeiT ([CLS] + [DIST] tokens) classifying face crops as with_mask / without_mask, soft distillation from a CNN teacher on mixup/CutMix images, 400 epochs, weight-averaged.",
    ),
    # Shipped since session 8: the session-1 architecture on a long function-matching schedule (soft distillation
    # through [DIST] on mixup/CutMix images, Beyer et al. 2022; 400 epochs over sessions 6-7, resumed from its
    # committed checkpoint each session). The earlier 24+36-epoch hard-distillation recipe (96.12%) is in the README.
    "deit-mask": dict(
        MASK_STUDENT, teacher="mask-teacher", epochs=400, lr=1e-3,
        below_floor_note="**not met**: the 400-epoch run has converged (its last 40 epochs score 528-529 of 541) one to "
                         "two images under the floor and 0.7 points under its 98.52% teacher, so more epochs will not "
                         "close the gap; a stronger teacher (>= 99%) is the next step (models/recipes/README.md).",
        training_conditions="Epochs 1-91 ran in session 6 (2026-12-02) on 2 threads beside builds and tests; epochs "
                            "92-400 resumed from the committed checkpoint in session 7 on 2 threads while builds, tests "
                            "and the face verifier's training shared the machine (16-56 s an epoch). CPU seconds are the "
                            "comparable figure. The teacher is the committed `checkpoints/mask-teacher.pt`.",
        description="Tiny distilled DeiT ([CLS] + [DIST] tokens) classifying face crops as with_mask / without_mask, soft distillation from a CNN teacher on mixup/CutMix images, 400 epochs.",
    ),
}
