package dev.vmboot.shell.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.VolumeReport;

/**
 * {@code vmboot:scan --bench N}: the wall time of N warm scans through the running framework's {@link DiskScanner},
 * after at least {@value #MIN_WARMUP} unmeasured ones (so the JIT has compiled the readers' paths), as min, median
 * and max per scan. {@code bench/scan.sh} reads the one line holding the word "median".
 */
final class ScanBenchmark {
    /** Scans measured at most: enough for any median, few enough that a typo cannot keep the shell busy for days. */
    static final int MAX_RUNS = 10_000;
    static final int MIN_WARMUP = 50;

    private final int runs;

    private ScanBenchmark(int runs) {
        this.runs = runs;
    }

    /**
     * Checks the option's arguments.
     *
     * @param runs {@code N} of {@code --bench N}, as typed
     * @param json whether {@code --json} was given too: refused, a benchmark prints timings, not a report
     * @throws IllegalArgumentException naming what is wrong
     */
    static ScanBenchmark of(String runs, boolean json) {
        String t = runs.trim();
        int n = t.matches("[0-9]{1,9}") ? Integer.parseInt(t) : -1;
        if (n < 1 || n > MAX_RUNS) {
            throw new IllegalArgumentException("--bench takes the number of scans to measure, 1.." + MAX_RUNS
                    + ", not '" + runs + "'");
        }
        if (json) {
            throw new IllegalArgumentException("--bench and --json do not go together: --bench prints timings");
        }
        return new ScanBenchmark(n);
    }

    int runs() {
        return runs;
    }

    int warmups() {
        return Math.max(runs, MIN_WARMUP);
    }

    /** Scans {@code disks} {@link #warmups()} times unmeasured, then {@link #runs()} times timed by {@code clock}. */
    Result run(DiskScanner scanner, List<String> disks, LongSupplier clock) throws IOException {
        List<DiskReport> last = null;
        for (int i = 0; i < warmups(); i++) {
            last = scanner.scan(disks, message -> { });
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = clock.getAsLong();
            last = scanner.scan(disks, message -> { });
            nanos[i] = clock.getAsLong() - start;
        }
        return new Result(disks, warmups(), nanos, last);
    }

    /**
     * Timings of one benchmark.
     *
     * @param disks   what was scanned (empty: every block device)
     * @param warmups unmeasured scans before
     * @param nanos   wall time of each measured scan, in order
     * @param last    what the last scan found
     */
    record Result(List<String> disks, int warmups, long[] nanos, List<DiskReport> last) {
        Result {
            disks = List.copyOf(disks);
            nanos = nanos.clone();
            last = List.copyOf(last);
        }

        long min() {
            return sorted()[0];
        }

        long max() {
            long[] s = sorted();
            return s[s.length - 1];
        }

        /** The middle time; the mean of the two middle ones for an even count. */
        long median() {
            long[] s = sorted();
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        private long[] sorted() {
            long[] s = nanos.clone();
            Arrays.sort(s);
            return s;
        }

        /** What the last scan found, a line per volume, then the timing line. */
        String summary() {
            StringBuilder b = new StringBuilder();
            for (DiskReport disk : last) {
                if (disk.error().isPresent()) {
                    b.append(String.format(Locale.ROOT, "  %-40s (%s)%n", disk.name(), disk.error().get()));
                }
                for (VolumeReport v : disk.volumes()) {
                    b.append(String.format(Locale.ROOT, "  %-40s %-8s %2d candidates%s%n", v.location(),
                            v.fsType().orElse("-"), v.candidates().size(),
                            v.error().map(e -> " (" + e + ")").orElse("")));
                }
            }
            b.append(String.format(Locale.ROOT,
                    "scan of %s, %d warm scans after %d warm-up scans: min %.2f ms, median %.2f ms, max %.2f ms%n",
                    disks.isEmpty() ? "all block devices" : String.join(" ", disks), nanos.length, warmups,
                    min() / 1e6, median() / 1e6, max() / 1e6));
            return b.toString();
        }
    }
}
