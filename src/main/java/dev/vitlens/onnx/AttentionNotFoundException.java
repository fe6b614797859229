package dev.vitlens.onnx;

/** The graph's per-layer attention probabilities cannot be located, so they cannot be promoted to outputs. */
public class AttentionNotFoundException extends OnnxModelException {
    public AttentionNotFoundException(String message) {
        super(message);
    }
}
