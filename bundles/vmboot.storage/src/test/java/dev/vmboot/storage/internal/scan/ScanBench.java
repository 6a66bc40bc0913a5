package dev.vmboot.storage.internal.scan;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.storage.internal.BlockStorage;

/**
 * Warm scan timing outside the framework, for {@code bench/scan.sh} until {@code vmboot:scan} has a bench option:
 * {@code ScanBench RUNS IMAGE READER_CLASS...}. The reader classes (from the reader bundles' jars on the class path)
 * are created with their no-argument constructors, as DS would. After at least 50 warm-up scans it prints
 * each run, the median, and what the last scan found.
 */
public final class ScanBench {

    private ScanBench() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        if (args.length < 2) {
            out.println("usage: ScanBench RUNS IMAGE [READER_CLASS...]");
            System.exit(2);
        }
        int runs = Integer.parseInt(args[0]);
        String image = args[1];
        List<FileSystemReader> readers = new ArrayList<>();
        for (String name : Arrays.asList(args).subList(2, args.length)) {
            readers.add((FileSystemReader) Class.forName(name).getDeclaredConstructor().newInstance());
        }
        ScanEngine engine = new ScanEngine(new BlockStorage(), readers, ScanSettings.defaults());
        List<DiskReport> last = null;
        for (int i = 0; i < Math.max(runs, 50); i++) {
            last = engine.scan(List.of(image), m -> { });
        }
        long[] ms = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            last = engine.scan(List.of(image), m -> { });
            ms[i] = (System.nanoTime() - t0) / 1000;
        }
        long[] sorted = ms.clone();
        Arrays.sort(sorted);
        long median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
        out.printf("readers: %s%n", readers.stream().map(FileSystemReader::type).toList());
        for (VolumeReport v : last.get(0).volumes()) {
            out.printf("  %-40s %-8s %2d candidates %s%n", v.location(), v.fsType().orElse("-"),
                    v.candidates().size(), v.error().map(e -> "(" + e + ")").orElse(""));
        }
        out.printf("runs (us): %s%n", Arrays.toString(ms));
        out.printf("scan: warm, in one JVM, median of %d: %.1f ms (min %.1f, max %.1f)%n", runs, median / 1000.0,
                sorted[0] / 1000.0, sorted[runs - 1] / 1000.0);
    }
}
