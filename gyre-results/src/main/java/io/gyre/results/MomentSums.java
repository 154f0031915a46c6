package io.gyre.results;

/**
 * Running weighted sums {@code W = Σw}, {@code Σw·d} and {@code Σw·d²} per element of the shifted values
 * {@code d = x − K}, where {@code K} is the first contribution's value (the shifted-data algorithm: with K near
 * the mean, {@code Σw·d² − (Σw·d)²/W} does not cancel). The sums are kept in twice double precision (a high and
 * a low double each: the rounded sum and the accumulated exact errors of error-free two-sums and FMA products), so
 * a contribution can be removed again exactly enough for a newer snapshot to replace an older one.
 *
 * <p>Memory is five arrays of the result's length (in blocks), whatever the number of contributors; this is the merge's
 * whole state besides the stored snapshots. Not thread-safe: one merger owns it.
 */
final class MomentSums {
    /**
     * The arrays are kept in blocks of this many elements (128 KiB each), and a contribution is applied a block
     * at a time from a chunk of the same length: every array of the loop then has the same index, which is what
     * lets the JIT vectorise it. (With an offset between the values and the sums — a chunk of a larger array — C2
     * cannot rule out that the arrays overlap and keeps the loop scalar, about 3× slower, measured.) A chunk this
     * size also stays in a core's L2 cache between being read from the file and being summed.
     */
    static final int BLOCK = 16_384;

    private static final int SHIFT = Integer.numberOfTrailingZeros(BLOCK);
    private static final int MASK = BLOCK - 1;

    private final int length;
    private final double[][] sumHi;
    private final double[][] sumLo;
    private final double[][] sqHi;
    private final double[][] sqLo;
    private final double[][] shift;
    private final double[] scratch;
    private boolean shifted;
    private double weightHi;
    private double weightLo;
    private int contributors;

    MomentSums(int length) {
        this.length = length;
        int blocks = (length + BLOCK - 1) / BLOCK;
        sumHi = new double[blocks][];
        sumLo = new double[blocks][];
        sqHi = new double[blocks][];
        sqLo = new double[blocks][];
        shift = new double[blocks][];
        for (int b = 0; b < blocks; b++) {
            int n = Math.min(BLOCK, length - b * BLOCK);
            sumHi[b] = new double[n];
            sumLo[b] = new double[n];
            sqHi[b] = new double[n];
            sqLo[b] = new double[n];
            shift[b] = new double[n];
        }
        scratch = new double[Math.min(BLOCK, length)];
    }

    int length() {
        return length;
    }

    int contributors() {
        return contributors;
    }

    double weight() {
        return weightHi + weightLo;
    }

    /** Adds (sign +1) or removes (sign −1) one contribution of {@code values} with weight {@code w}. */
    void apply(double[] values, double w, int sign) {
        checkLength(values.length);
        boolean setShift = !shifted;
        for (int at = 0; at < length; at += BLOCK) {
            int n = Math.min(BLOCK, length - at);
            System.arraycopy(values, at, scratch, 0, n);
            applyBlock(scratch, at / BLOCK, w, sign, setShift);
        }
        finish(w, sign);
    }

    void checkLength(int n) {
        if (n != length) {
            throw new IllegalArgumentException("a snapshot of " + n + " values cannot merge into a result of " + length
                    + "; every snapshot of a result must have the same shape");
        }
    }

    /** Whether the next contribution sets the shift {@code K} (only the first one does). */
    boolean needsShift() {
        return !shifted;
    }

    /**
     * The per-element part of one contribution for the elements of block {@code block} (elements
     * {@code block·BLOCK ..}, as many as the block holds), taken from {@code chunk[0 ..]}. A contribution is applied
     * block by block, in any order or from several threads at once for different blocks (elements are
     * independent), then completed once with {@link #finish}. Each element goes through the same arithmetic
     * however the blocks are split, so the result is bit for bit the same.
     *
     * @param setShift whether this contribution is the first ({@link #needsShift()} before it began)
     */
    void applyBlock(double[] chunk, int block, double w, int sign, boolean setShift) {
        double[] k = shift[block];
        int n = k.length;
        if (chunk.length < n) {
            throw new IllegalArgumentException("a chunk of " + chunk.length + " for a block of " + n);
        }
        if (setShift) {
            System.arraycopy(chunk, 0, k, 0, n);
        }
        double sw = sign * w;
        double[] hiSum = sumHi[block];
        double[] loSum = sumLo[block];
        double[] hiSq = sqHi[block];
        double[] loSq = sqLo[block];
        // Cascaded (Sum2-style) compensation: the high part takes the rounded sum, the low part accumulates the
        // exact error of every addition and product. Not renormalising each step keeps the loop free of a
        // hi-lo dependency, which lets the JIT vectorise it (4.5x faster, measured), at the same accuracy for
        // sums of this kind (Ogita, Rump and Oishi 2005).
        for (int i = 0; i < n; i++) {
            double x = chunk[i] - k[i];
            double wx = sw * x;
            double wxErr = Math.fma(sw, x, -wx);
            double h = hiSum[i];
            double s = h + wx;
            double bb = s - h;
            loSum[i] += ((h - (s - bb)) + (wx - bb)) + wxErr;
            hiSum[i] = s;

            double wxx = wx * x;
            double wxxErr = Math.fma(wx, x, -wxx) + wxErr * x;
            double h2 = hiSq[i];
            double s2 = h2 + wxx;
            double bb2 = s2 - h2;
            loSq[i] += ((h2 - (s2 - bb2)) + (wxx - bb2)) + wxxErr;
            hiSq[i] = s2;
        }
    }

    /** Completes a contribution applied with {@link #applyBlock}: its weight and the contributor count. */
    void finish(double w, int sign) {
        shifted = true;
        double sw = sign * w;
        double s = weightHi + sw;
        double bb = s - weightHi;
        double err = (weightHi - (s - bb)) + (sw - bb);
        double lo = weightLo + err;
        weightHi = s + lo;
        weightLo = lo - (weightHi - s);
        contributors += sign;
    }

    /** The weighted mean of element {@code i}. */
    double mean(int i) {
        double w = weight();
        return w == 0
                ? Double.NaN
                : shift[i >>> SHIFT][i & MASK] + (sumHi[i >>> SHIFT][i & MASK] + sumLo[i >>> SHIFT][i & MASK]) / w;
    }

    /** The weighted sum of element {@code i} ({@code Σw·x}). */
    double sum(int i) {
        return shift[i >>> SHIFT][i & MASK] * weight() + (sumHi[i >>> SHIFT][i & MASK] + sumLo[i >>> SHIFT][i & MASK]);
    }

    /**
     * The standard error of the weighted mean of element {@code i}, estimated from the spread between
     * contributors: each contributor's value is taken as a mean over {@code w} samples, so
     * {@code σ² ≈ Σw(x−μ)² / (n−1)} per sample and {@code SE = sqrt(σ² / W)}. NaN with fewer than two
     * contributors.
     */
    double standardError(int i) {
        if (contributors < 2) {
            return Double.NaN;
        }
        double w = weight();
        double s = sumHi[i >>> SHIFT][i & MASK] + sumLo[i >>> SHIFT][i & MASK];
        // Σw(x−μ)² = Σw·x² − (Σw·x)²/W, evaluated with the low parts to limit cancellation.
        double m2 = (sqHi[i >>> SHIFT][i & MASK] - s * s / w) + sqLo[i >>> SHIFT][i & MASK];
        if (m2 < 0) {
            m2 = 0; // rounding when all contributors agree
        }
        return Math.sqrt(m2 / (contributors - 1) / w);
    }

    /** The spread between contributors: the weighted variance {@code Σw(x−μ)²/W} of element {@code i}. */
    double variance(int i) {
        double w = weight();
        if (w == 0) {
            return Double.NaN;
        }
        double s = sumHi[i >>> SHIFT][i & MASK] + sumLo[i >>> SHIFT][i & MASK];
        double m2 = (sqHi[i >>> SHIFT][i & MASK] - s * s / w) + sqLo[i >>> SHIFT][i & MASK];
        return Math.max(0, m2 / w);
    }
}
