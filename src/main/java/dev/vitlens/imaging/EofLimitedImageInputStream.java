package dev.vitlens.imaging;

import java.io.IOException;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link ImageInputStream} that stops a decoder which keeps reading past the end of the data. Some ImageIO
 * plugins swallow {@link java.io.EOFException} and carry on: TwelveMonkeys' lossless WebP bit reader does, so a
 * truncated VP8L stream whose header asks for large Huffman tables or many pixels spun for minutes (found by
 * {@code ImageDecodeFuzzTest}). After {@link #MAX_READS_PAST_END} reads at the end this throws an unchecked
 * {@link TruncatedImageException}, which such a plugin cannot swallow.
 */
final class EofLimitedImageInputStream extends ImageInputStreamImpl {
    /** Legitimate decoders hit the end a handful of times (probing, final partial reads); far fewer than this. */
    static final int MAX_READS_PAST_END = 4096;

    private final ImageInputStream delegate;
    private int readsPastEnd;

    /** Thrown when a decoder keeps reading after the end of the data. */
    static final class TruncatedImageException extends RuntimeException {
        TruncatedImageException(String message) {
            super(message);
        }
    }

    EofLimitedImageInputStream(ImageInputStream delegate) {
        this.delegate = delegate;
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        int b = delegate.read();
        if (b < 0) {
            pastEnd();
        } else {
            streamPos++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        bitOffset = 0;
        int n = delegate.read(b, off, len);
        if (n < 0 || (n == 0 && len > 0)) {
            pastEnd();
        } else {
            streamPos += n;
        }
        return n;
    }

    private void pastEnd() {
        if (++readsPastEnd > MAX_READS_PAST_END) {
            throw new TruncatedImageException("unexpected end of file (the decoder kept reading past it)");
        }
    }

    @Override
    public void seek(long pos) throws IOException {
        super.seek(pos);
        delegate.seek(pos);
    }

    @Override
    public void flushBefore(long pos) throws IOException {
        super.flushBefore(pos);
        delegate.flushBefore(pos);
    }

    @Override
    public long length() {
        try {
            return delegate.length();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public boolean isCached() {
        return delegate.isCached();
    }

    @Override
    public boolean isCachedMemory() {
        return delegate.isCachedMemory();
    }

    @Override
    public boolean isCachedFile() {
        return delegate.isCachedFile();
    }

    @Override
    public void close() throws IOException {
        super.close();
        // the delegate belongs to the caller, who closes it
    }
}
