package dev.vitlens.catalog;

/**
 * An import was refused or failed. The message is meant for the user; {@link #reason()} lets a UI react (e.g. offer
 * another id when {@link Reason#ID_TAKEN}). When this is thrown nothing was added to the catalogue.
 */
public class ModelImportException extends Exception {
    /** Why the import did not happen. */
    public enum Reason {
        /** The source path does not exist or holds no ONNX model. */
        SOURCE_NOT_FOUND,
        /** config.json is missing. */
        NO_CONFIG,
        /** config.json or preprocessor_config.json is malformed or unsupported. */
        BAD_CONFIG,
        /** The ONNX file cannot be read (truncated, not ONNX) or does not fit the configs / the model contract. */
        BAD_MODEL,
        /** An external-data location would read a file outside the model's folder. */
        UNSAFE_EXTERNAL_DATA,
        /** The requested id is not a valid folder name. */
        INVALID_ID,
        /** A model with this id already exists. */
        ID_TAKEN,
        /** The model loaded but a test inference failed. */
        SMOKE_TEST_FAILED,
        /** Reading or writing files failed. */
        IO
    }

    private final Reason reason;

    public ModelImportException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelImportException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
