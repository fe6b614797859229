"""Small re-implementations of the Hugging Face ViT / DeiT / BEiT image classifiers.

Parameter names and semantics follow `transformers` (ViTForImageClassification,
DeiTForImageClassificationWithTeacher, BeitForImageClassification) so the exported
graphs and config.json files look like the ones `optimum-cli export onnx` produces.

Attention is "eager": softmax(Q K^T / sqrt(d) [+ relative position bias]) is an explicit
torch.softmax call per layer, which becomes exactly one ONNX Softmax node per encoder
layer, and the post-softmax probabilities are returned as `attentions`.
Only `view`/`reshape`/`permute` are used (torch 1.13 cannot export aten::unflatten).
"""
import math
from dataclasses import dataclass, field, asdict
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class VitConfig:
    model_type: str = "vit"              # vit | deit | beit
    image_size: int = 224
    patch_size: int = 16
    num_channels: int = 3
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"
    layer_norm_eps: float = 1e-12
    qkv_bias: bool = True
    num_labels: int = 1000
    initializer_range: float = 0.02
    # BEiT only
    use_relative_position_bias: bool = False
    use_shared_relative_position_bias: bool = False
    use_absolute_position_embeddings: bool = True
    layer_scale_init_value: float = 0.1
    use_mean_pooling: bool = True
    # ViT backbone (no head) has a pooler (dense + tanh on [CLS])
    add_pooling_layer: bool = False

    @property
    def grid(self):
        return self.image_size // self.patch_size

    @property
    def num_patches(self):
        return self.grid * self.grid

    @property
    def num_prefix_tokens(self):
        return 2 if self.model_type == "deit" else 1

    @property
    def seq_len(self):
        return self.num_patches + self.num_prefix_tokens


class PatchEmbeddings(nn.Module):
    def __init__(self, c: VitConfig):
        super().__init__()
        self.projection = nn.Conv2d(c.num_channels, c.hidden_size, kernel_size=c.patch_size, stride=c.patch_size)

    def forward(self, x):
        x = self.projection(x)                      # B, D, h, w
        return x.flatten(2).transpose(1, 2)         # B, N, D (patches row-major)


class Embeddings(nn.Module):
    """ViTEmbeddings / DeiTEmbeddings / BeitEmbeddings."""

    def __init__(self, c: VitConfig):
        super().__init__()
        self.c = c
        self.cls_token = nn.Parameter(torch.zeros(1, 1, c.hidden_size))
        if c.model_type == "deit":
            self.distillation_token = nn.Parameter(torch.zeros(1, 1, c.hidden_size))
        self.patch_embeddings = PatchEmbeddings(c)
        if c.model_type != "beit" or c.use_absolute_position_embeddings:
            self.position_embeddings = nn.Parameter(torch.zeros(1, c.seq_len, c.hidden_size))
        else:
            self.position_embeddings = None

    def forward(self, pixel_values):
        x = self.patch_embeddings(pixel_values)
        b = x.shape[0]
        toks = [self.cls_token.expand(b, -1, -1)]
        if self.c.model_type == "deit":
            toks.append(self.distillation_token.expand(b, -1, -1))
        x = torch.cat(toks + [x], dim=1)
        if self.position_embeddings is not None:
            x = x + self.position_embeddings
        return x


def relative_position_index(window: int) -> torch.Tensor:
    """Exactly HF BeitRelativePositionBias' relative_position_index for a square window."""
    wh = ww = window
    num_relative_distance = (2 * wh - 1) * (2 * ww - 1) + 3
    coords = torch.stack(torch.meshgrid(torch.arange(wh), torch.arange(ww), indexing="ij"))
    coords_flatten = torch.flatten(coords, 1)
    rel = coords_flatten[:, :, None] - coords_flatten[:, None, :]
    rel = rel.permute(1, 2, 0).contiguous()
    rel[:, :, 0] += wh - 1
    rel[:, :, 1] += ww - 1
    rel[:, :, 0] *= 2 * ww - 1
    idx = torch.zeros(size=(wh * ww + 1,) * 2, dtype=rel.dtype)
    idx[1:, 1:] = rel.sum(-1)
    idx[0, 0:] = num_relative_distance - 3   # cls -> token
    idx[0:, 0] = num_relative_distance - 2   # token -> cls
    idx[0, 0] = num_relative_distance - 1    # cls -> cls
    return idx


class RelativePositionBias(nn.Module):
    """HF BeitRelativePositionBias: table [(2h-1)(2w-1)+3, heads]."""

    def __init__(self, c: VitConfig):
        super().__init__()
        g = c.grid
        self.num_relative_distance = (2 * g - 1) * (2 * g - 1) + 3
        self.relative_position_bias_table = nn.Parameter(torch.zeros(self.num_relative_distance, c.num_attention_heads))
        self.register_buffer("relative_position_index", relative_position_index(g), persistent=False)

    def forward(self):
        t = self.relative_position_index.shape[0]
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)]
        return bias.view(t, t, -1).permute(2, 0, 1).contiguous()   # heads, T, T


class SelfAttention(nn.Module):
    def __init__(self, c: VitConfig):
        super().__init__()
        self.h = c.num_attention_heads
        self.d = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size, bias=c.qkv_bias)
        # BEiT: key has no bias
        self.key = nn.Linear(c.hidden_size, c.hidden_size, bias=(c.model_type != "beit") and c.qkv_bias)
        self.value = nn.Linear(c.hidden_size, c.hidden_size, bias=c.qkv_bias)
        if c.model_type == "beit" and c.use_relative_position_bias:
            self.relative_position_bias = RelativePositionBias(c)
        else:
            self.relative_position_bias = None

    def split(self, x):
        b = x.shape[0]
        return x.view(b, -1, self.h, self.d).permute(0, 2, 1, 3)   # B, H, T, d

    def forward(self, x, shared_bias=None):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.d)
        if self.relative_position_bias is not None:
            scores = scores + self.relative_position_bias().unsqueeze(0)
        if shared_bias is not None:
            scores = scores + shared_bias
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3)
        ctx = ctx.reshape(ctx.shape[0], -1, self.h * self.d)
        return ctx, probs


class SelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x):
        return self.dense(x)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = SelfAttention(c)
        self.output = SelfOutput(c)

    def forward(self, x, shared_bias=None):
        ctx, probs = self.attention(x, shared_bias)
        return self.output(ctx), probs


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, x):
        return F.gelu(self.dense(x))


class Output(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)

    def forward(self, x):
        return self.dense(x)


class Layer(nn.Module):
    """Pre-LN block: x + Attn(LN(x)); x + MLP(LN(x)); BEiT scales both branches by lambda_1 / lambda_2."""

    def __init__(self, c: VitConfig):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = Output(c)
        self.layernorm_before = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.layernorm_after = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        if c.model_type == "beit" and c.layer_scale_init_value > 0:
            self.lambda_1 = nn.Parameter(c.layer_scale_init_value * torch.ones(c.hidden_size))
            self.lambda_2 = nn.Parameter(c.layer_scale_init_value * torch.ones(c.hidden_size))
        else:
            self.lambda_1 = self.lambda_2 = None
        # stochastic depth (training only; set by train.py from the spec, not part of the exported model)
        self.drop_path = 0.0

    def _dropped(self, branch):
        if not self.training or self.drop_path <= 0:
            return branch
        keep = 1.0 - self.drop_path
        mask = branch.new_empty(branch.shape[0], 1, 1).bernoulli_(keep)
        return branch * mask / keep

    def forward(self, x, shared_bias=None):
        a, probs = self.attention(self.layernorm_before(x), shared_bias)
        if self.lambda_1 is not None:
            a = self.lambda_1 * a
        x = x + self._dropped(a)
        m = self.output(self.intermediate(self.layernorm_after(x)))
        if self.lambda_2 is not None:
            m = self.lambda_2 * m
        return x + self._dropped(m), probs


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, x, shared_bias=None):
        attns = []
        for l in self.layer:
            x, p = l(x, shared_bias)
            attns.append(p)
        return x, attns


class Pooler(nn.Module):
    """ViTPooler: tanh(dense(CLS))."""

    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x):
        return torch.tanh(self.dense(x[:, 0]))


class BeitPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layernorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps) if c.use_mean_pooling else None

    def forward(self, x):
        if self.layernorm is not None:
            return self.layernorm(x[:, 1:, :].mean(1))
        return x[:, 0]


class Backbone(nn.Module):
    """ViTModel / DeiTModel / BeitModel."""

    def __init__(self, c: VitConfig):
        super().__init__()
        self.c = c
        self.embeddings = Embeddings(c)
        if c.model_type == "beit" and c.use_shared_relative_position_bias:
            self.relative_position_bias = RelativePositionBias(c)
        else:
            self.relative_position_bias = None
        self.encoder = Encoder(c)
        if c.model_type == "beit" and c.use_mean_pooling:
            self.layernorm = None       # nn.Identity in HF
        else:
            self.layernorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        if c.model_type == "beit":
            self.pooler = BeitPooler(c)
        elif c.add_pooling_layer:
            self.pooler = Pooler(c)
        else:
            self.pooler = None

    def forward(self, pixel_values):
        x = self.embeddings(pixel_values)
        shared = self.relative_position_bias().unsqueeze(0) if self.relative_position_bias is not None else None
        x, attns = self.encoder(x, shared)
        if self.layernorm is not None:
            x = self.layernorm(x)
        pooled = self.pooler(x) if self.pooler is not None else None
        return x, pooled, attns


def _init_weights(module, std):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.trunc_normal_(m.weight, std=std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, Embeddings):
            nn.init.trunc_normal_(m.cls_token, std=std)
            if getattr(m, "distillation_token", None) is not None:
                nn.init.trunc_normal_(m.distillation_token, std=std)
            if m.position_embeddings is not None:
                nn.init.trunc_normal_(m.position_embeddings, std=std)


class ViTForImageClassification(nn.Module):
    def __init__(self, c: VitConfig):
        super().__init__()
        self.config = c
        self.vit = Backbone(c)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)
        _init_weights(self, c.initializer_range)

    def forward(self, pixel_values):
        x, _, attns = self.vit(pixel_values)
        return self.classifier(x[:, 0]), attns


class DeiTForImageClassificationWithTeacher(nn.Module):
    def __init__(self, c: VitConfig):
        super().__init__()
        self.config = c
        self.deit = Backbone(c)
        self.cls_classifier = nn.Linear(c.hidden_size, c.num_labels)
        self.distillation_classifier = nn.Linear(c.hidden_size, c.num_labels)
        _init_weights(self, c.initializer_range)
        self.return_both = False   # training: return (cls_logits, dist_logits)

    def forward(self, pixel_values):
        x, _, attns = self.deit(pixel_values)
        cls_logits = self.cls_classifier(x[:, 0])
        dist_logits = self.distillation_classifier(x[:, 1])
        if self.return_both:
            return (cls_logits, dist_logits), attns
        return (cls_logits + dist_logits) / 2, attns


class BeitForImageClassification(nn.Module):
    def __init__(self, c: VitConfig):
        super().__init__()
        self.config = c
        self.beit = Backbone(c)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)
        _init_weights(self, c.initializer_range)
        for layer in self.beit.encoder.layer:   # _init_weights does not touch these
            if layer.lambda_1 is not None:
                nn.init.constant_(layer.lambda_1, c.layer_scale_init_value)
                nn.init.constant_(layer.lambda_2, c.layer_scale_init_value)

    def forward(self, pixel_values):
        _, pooled, attns = self.beit(pixel_values)
        return self.classifier(pooled), attns


class ViTModel(nn.Module):
    """Headless backbone (google/vit-base-patch16-224-in21k style): last_hidden_state + pooler_output."""

    def __init__(self, c: VitConfig):
        super().__init__()
        c.add_pooling_layer = True
        self.config = c
        self.vit = Backbone(c)
        _init_weights(self, c.initializer_range)

    def forward(self, pixel_values):
        x, pooled, attns = self.vit(pixel_values)
        return (x, pooled), attns


ARCHITECTURES = {
    "vit": ("ViTForImageClassification", ViTForImageClassification),
    "deit": ("DeiTForImageClassificationWithTeacher", DeiTForImageClassificationWithTeacher),
    "beit": ("BeitForImageClassification", BeitForImageClassification),
}


def build_model(c: VitConfig):
    return ARCHITECTURES[c.model_type][1](c)


class ExportWrapper(nn.Module):
    """Flattens (logits, [attn...]) to a tuple for torch.onnx.export."""

    def __init__(self, model, with_attentions=True):
        super().__init__()
        self.model = model
        self.with_attentions = with_attentions

    def forward(self, pixel_values):
        out, attns = self.model(pixel_values)
        outs = list(out) if isinstance(out, tuple) else [out]
        if self.with_attentions:
            outs += attns
        return tuple(outs)


# ---------------------------------------------------------------- CNN teachers
def _cbr(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


class FashionCNN(nn.Module):
    """Small VGG-style teacher for 28x28 grayscale (uses channel 0 of the 3-channel input)."""

    def __init__(self, num_labels=10, w=32):
        super().__init__()
        self.f = nn.Sequential(_cbr(1, w), _cbr(w, w), nn.MaxPool2d(2),
                               _cbr(w, 2 * w), _cbr(2 * w, 2 * w), nn.MaxPool2d(2),
                               _cbr(2 * w, 4 * w), _cbr(4 * w, 4 * w), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(4 * w, num_labels))

    def forward(self, x):
        return self.head(self.f(x[:, :1]))


class MaskCNN(nn.Module):
    """Small teacher for RGB face crops (64 px)."""

    def __init__(self, num_labels=2, w=32):
        super().__init__()
        self.f = nn.Sequential(_cbr(3, w), nn.MaxPool2d(2),
                               _cbr(w, 2 * w), nn.MaxPool2d(2),
                               _cbr(2 * w, 4 * w), _cbr(4 * w, 4 * w), nn.MaxPool2d(2),
                               _cbr(4 * w, 8 * w), _cbr(8 * w, 8 * w), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(8 * w, num_labels))

    def forward(self, x):
        return self.head(self.f(x))


def count_params(m):
    return sum(p.numel() for p in m.parameters())
