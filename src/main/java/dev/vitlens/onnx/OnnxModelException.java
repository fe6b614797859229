package dev.vitlens.onnx;

/** An ONNX model cannot be read, is unsafe, or lacks what an operation needs. The message is meant for the user. */
public class OnnxModelException extends Exception {
    public OnnxModelException(String message) {
        super(message);
    }

    public OnnxModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
