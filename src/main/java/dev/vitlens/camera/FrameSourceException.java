package dev.vitlens.camera;

/** A frame source could not open or deliver a frame; {@link #kind()} says why, the message says it for people. */
public class FrameSourceException extends Exception {

    /** Why a source failed. */
    public enum Kind {
        /** No camera at that index, or the file/folder does not exist. */
        NOT_FOUND,
        /** The camera opened but delivers no frames, usually because another application holds it. */
        BUSY,
        /** The camera stopped delivering frames mid-stream (unplugged, driver reset). */
        DISCONNECTED,
        /** A file or folder source reached its end and does not loop. */
        END_OF_STREAM,
        /** The file or folder exists but cannot be decoded (wrong codec, no images). */
        UNREADABLE,
        /** A read on a source that is not open. */
        NOT_OPEN
    }

    private final Kind kind;

    public FrameSourceException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
