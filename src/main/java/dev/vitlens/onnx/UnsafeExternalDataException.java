package dev.vitlens.onnx;

/** A tensor's external data location would read a file outside the model's folder. */
public class UnsafeExternalDataException extends OnnxModelException {
    public UnsafeExternalDataException(String message) {
        super(message);
    }
}
