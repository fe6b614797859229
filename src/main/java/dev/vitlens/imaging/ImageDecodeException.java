package dev.vitlens.imaging;

import java.io.IOException;

/** An image could not be read; the message is meant for the user ("file not found: ...", "truncated ..."). */
public class ImageDecodeException extends IOException {
    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
