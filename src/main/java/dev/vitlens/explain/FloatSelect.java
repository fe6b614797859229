package dev.vitlens.explain;

/** Order statistics on float arrays in expected linear time (quickselect), used to find discard thresholds. */
final class FloatSelect {
    private FloatSelect() {
    }

    /** The k-th smallest value (0-based) of {@code values}; reorders the array. NaNs sort last. */
    static float kthSmallest(float[] values, int k) {
        if (k < 0 || k >= values.length) {
            throw new IllegalArgumentException("k=" + k + " outside 0.." + (values.length - 1));
        }
        int lo = 0;
        int hi = values.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            // median of three as pivot keeps sorted or constant inputs fast
            if (Float.compare(values[mid], values[lo]) < 0) {
                swap(values, mid, lo);
            }
            if (Float.compare(values[hi], values[lo]) < 0) {
                swap(values, hi, lo);
            }
            if (Float.compare(values[hi], values[mid]) < 0) {
                swap(values, hi, mid);
            }
            float pivot = values[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (Float.compare(values[i], pivot) < 0) {
                    i++;
                }
                while (Float.compare(values[j], pivot) > 0) {
                    j--;
                }
                if (i <= j) {
                    swap(values, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return values[k];
            }
        }
        return values[k];
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
