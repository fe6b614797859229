package dev.vitlens.imaging.baseline;

import dev.vitlens.imaging.RgbImage;

import dev.vitlens.catalog.ResampleMethod;

/**
 * Pillow's {@code Image.resize} for 8-bit RGB, bit-exact: the separable convolution of
 * {@code libImaging/Resample.c} (support widened by the scale factor when downscaling, coefficients normalised then
 * converted to 22-bit fixed point, horizontal pass first, a pass skipped when its size is unchanged) and, for
 * NEAREST, the pretabulated affine scaling Pillow uses instead.
 */
/** The resampler before the row-streaming vertical pass, kept to check bytes and speed against. */
public final class PilResamplerBaseline {
    /** Pillow's PRECISION_BITS = 32 - 8 - 2. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResamplerBaseline() {
    }

    /** Resizes to {@code outW x outH}; returns the same instance when the size is unchanged (Pillow copies). */
    public static RgbImage resize(RgbImage in, int outW, int outH, ResampleMethod method) {
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + outW + "x" + outH);
        }
        if (outW == in.width() && outH == in.height()) {
            return in;
        }
        if (method == ResampleMethod.NEAREST) {
            return nearest(in, outW, outH);
        }
        Filter filter = Filter.of(method);
        boolean needHorizontal = outW != in.width();
        boolean needVertical = outH != in.height();
        Coefficients vert = Coefficients.compute(in.height(), outH, filter);
        int firstRow = vert.bounds[0];
        int lastRow = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
        RgbImage current = in;
        int rowOffset = 0;
        if (needHorizontal) {
            Coefficients horiz = Coefficients.compute(in.width(), outW, filter);
            // Like Pillow, only the source rows the vertical pass will read are resampled horizontally.
            current = horizontal(in, outW, firstRow, lastRow - firstRow, horiz);
            rowOffset = firstRow;
        }
        if (needVertical) {
            current = vertical(current, outH, rowOffset, vert);
        } else if (needHorizontal && (firstRow != 0 || lastRow != in.height())) {
            throw new IllegalStateException("unexpected row window without vertical pass");
        }
        return current;
    }

    private static RgbImage horizontal(RgbImage in, int outW, int rowOffset, int rows, Coefficients c) {
        byte[] src = in.pixels();
        byte[] dst = new byte[outW * rows * 3];
        int inStride = in.width() * 3;
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < rows; y++) {
            int rowBase = (y + rowOffset) * inStride;
            int o = y * outW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = c.bounds[xx * 2];
                int xmax = c.bounds[xx * 2 + 1];
                int k0 = xx * c.ksize;
                int ss0 = half;
                int ss1 = half;
                int ss2 = half;
                int s = rowBase + xmin * 3;
                for (int x = 0; x < xmax; x++, s += 3) {
                    int k = c.kk[k0 + x];
                    ss0 += (src[s] & 0xff) * k;
                    ss1 += (src[s + 1] & 0xff) * k;
                    ss2 += (src[s + 2] & 0xff) * k;
                }
                dst[o++] = clip8(ss0);
                dst[o++] = clip8(ss1);
                dst[o++] = clip8(ss2);
            }
        }
        return new RgbImage(outW, rows, dst);
    }

    /** {@code rowOffset} is the first source row held by {@code in} (bounds are relative to the full image). */
    private static RgbImage vertical(RgbImage in, int outH, int rowOffset, Coefficients c) {
        byte[] src = in.pixels();
        int w = in.width();
        int stride = w * 3;
        byte[] dst = new byte[w * outH * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < outH; yy++) {
            int ymin = c.bounds[yy * 2] - rowOffset;
            int ymax = c.bounds[yy * 2 + 1];
            int k0 = yy * c.ksize;
            int o = yy * stride;
            for (int xx = 0; xx < w; xx++) {
                int ss0 = half;
                int ss1 = half;
                int ss2 = half;
                int s = ymin * stride + xx * 3;
                for (int y = 0; y < ymax; y++, s += stride) {
                    int k = c.kk[k0 + y];
                    ss0 += (src[s] & 0xff) * k;
                    ss1 += (src[s + 1] & 0xff) * k;
                    ss2 += (src[s + 2] & 0xff) * k;
                }
                dst[o++] = clip8(ss0);
                dst[o++] = clip8(ss1);
                dst[o++] = clip8(ss2);
            }
        }
        return new RgbImage(w, outH, dst);
    }

    /** Pillow's clip8: arithmetic shift, then clamp to 0..255. */
    static byte clip8(int in) {
        int v = in >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Pillow resizes with NEAREST through ImagingScaleAffine: pixel centres accumulated in doubles. */
    private static RgbImage nearest(RgbImage in, int outW, int outH) {
        double sx = (double) in.width() / outW;
        double sy = (double) in.height() / outH;
        int[] xin = new int[outW];
        double xo = sx * 0.5;
        for (int x = 0; x < outW; x++) {
            xin[x] = Math.min(coord(xo), in.width() - 1);
            xo += sx;
        }
        byte[] src = in.pixels();
        byte[] dst = new byte[outW * outH * 3];
        double yo = sy * 0.5;
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int yi = Math.min(coord(yo), in.height() - 1);
            yo += sy;
            int rowBase = yi * in.width() * 3;
            for (int x = 0; x < outW; x++) {
                int s = rowBase + xin[x] * 3;
                dst[o++] = src[s];
                dst[o++] = src[s + 1];
                dst[o++] = src[s + 2];
            }
        }
        return new RgbImage(outW, outH, dst);
    }

    private static int coord(double v) {
        return v < 0.0 ? 0 : (int) v;
    }

    /** Filters of Resample.c with their support radius. */
    enum Filter {
        BOX(0.5) {
            @Override
            double apply(double x) {
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            }
        },
        BILINEAR(1.0) {
            @Override
            double apply(double x) {
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        },
        HAMMING(1.0) {
            @Override
            double apply(double x) {
                x = Math.abs(x);
                if (x == 0.0) {
                    return 1.0;
                }
                if (x >= 1.0) {
                    return 0.0;
                }
                x = x * Math.PI;
                // Pillow uses float literals here; keep them to stay bit-exact.
                return Math.sin(x) / x * (0.54f + 0.46f * Math.cos(x));
            }
        },
        BICUBIC(2.0) {
            @Override
            double apply(double x) {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        },
        LANCZOS(3.0) {
            @Override
            double apply(double x) {
                if (-3.0 <= x && x < 3.0) {
                    return sinc(x) * sinc(x / 3);
                }
                return 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double apply(double x);

        static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            x = x * Math.PI;
            return Math.sin(x) / x;
        }

        static Filter of(ResampleMethod m) {
            return switch (m) {
                case BOX -> BOX;
                case BILINEAR -> BILINEAR;
                case HAMMING -> HAMMING;
                case BICUBIC -> BICUBIC;
                case LANCZOS -> LANCZOS;
                case NEAREST -> throw new IllegalArgumentException("NEAREST is not a convolution filter");
            };
        }
    }

    /** precompute_coeffs + normalize_coeffs_8bpc for a full-image box. */
    static final class Coefficients {
        final int ksize;
        final int[] bounds;
        final int[] kk;

        private Coefficients(int ksize, int[] bounds, int[] kk) {
            this.ksize = ksize;
            this.bounds = bounds;
            this.kk = kk;
        }

        static Coefficients compute(int inSize, int outSize, Filter filter) {
            // box is (0, inSize) as floats in Pillow; exact for any realistic size.
            double scale = (double) ((float) inSize - 0f) / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            double[] pre = new double[outSize * ksize];
            int[] bounds = new int[outSize * 2];
            for (int xx = 0; xx < outSize; xx++) {
                double center = 0 + (xx + 0.5) * scale;
                double ww = 0.0;
                double ss = 1.0 / filterScale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                int k = xx * ksize;
                for (int x = 0; x < xmax; x++) {
                    double w = filter.apply((x + xmin - center + 0.5) * ss);
                    pre[k + x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    if (ww != 0.0) {
                        pre[k + x] /= ww;
                    }
                }
                bounds[xx * 2] = xmin;
                bounds[xx * 2 + 1] = xmax;
            }
            int[] kk = new int[pre.length];
            for (int i = 0; i < pre.length; i++) {
                kk[i] = pre[i] < 0 ? (int) (-0.5 + pre[i] * (1 << PRECISION_BITS))
                        : (int) (0.5 + pre[i] * (1 << PRECISION_BITS));
            }
            return new Coefficients(ksize, bounds, kk);
        }
    }
}
