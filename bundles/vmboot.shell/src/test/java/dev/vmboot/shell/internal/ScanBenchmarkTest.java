package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;
import dev.vmboot.api.scan.VolumeReport;

class ScanBenchmarkTest {

    /** Counts scans and what they were given; answers one disk with one XFS volume. */
    static final class CountingScanner implements DiskScanner {
        final List<List<String>> calls = new ArrayList<>();

        @Override
        public List<DiskReport> scan(List<String> disks, Consumer<String> progress) {
            calls.add(disks);
            VolumeReport volume = new VolumeReport("disk.img:1", Optional.empty(), Optional.of("xfs"), "", "",
                    List.of(), Optional.empty());
            return List.of(new DiskReport("disk.img", 1 << 20, 512, Optional.empty(), List.of(volume),
                    Optional.empty()));
        }

        @Override
        public FileSystem openFileSystem(Location volume) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public BootImage loadImage(String locationOrFile) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public BootImage loadFile(String locationOrFile) throws IOException {
            throw new IOException("not used");
        }
    }

    /** A clock whose successive readings step by the given amounts (in nanoseconds) between start and end. */
    static final class SteppingClock implements java.util.function.LongSupplier {
        private final long[] durations;
        private long now;
        private int reads;

        SteppingClock(long... durations) {
            this.durations = durations;
        }

        @Override
        public long getAsLong() {
            if (reads % 2 == 1) {
                now += durations[reads / 2];
            }
            reads++;
            return now;
        }
    }

    @Test
    void runCountMustBeAPositiveBoundedNumber() {
        for (String bad : new String[] {"0", "-1", "10001", "abc", "1e3", "2.5", "99999999999", " ", "0x10"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ScanBenchmark.of(bad, false), bad);
            assertTrue(e.getMessage().equals("--bench takes the number of scans to measure, 1.."
                    + ScanBenchmark.MAX_RUNS + ", not '" + bad + "'"), e.getMessage());
        }
        assertEquals(1, ScanBenchmark.of("1", false).runs());
        assertEquals(21, ScanBenchmark.of(" 21 ", false).runs());
        assertEquals(ScanBenchmark.MAX_RUNS, ScanBenchmark.of("10000", false).runs());
    }

    @Test
    void jsonIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScanBenchmark.of("5", true));
        assertTrue(e.getMessage().contains("--bench and --json"), e.getMessage());
    }

    @Test
    void warmsUpAtLeastFiftyScansThenMeasuresN() throws IOException {
        assertEquals(50, ScanBenchmark.of("3", false).warmups());
        assertEquals(200, ScanBenchmark.of("200", false).warmups());
        CountingScanner scanner = new CountingScanner();
        ScanBenchmark.of("3", false).run(scanner, List.of("a.img", "b.img"), new SteppingClock(1, 2, 3));
        assertEquals(53, scanner.calls.size());
        assertTrue(scanner.calls.stream().allMatch(c -> c.equals(List.of("a.img", "b.img"))), "targets passed on");
    }

    @Test
    void reportsMinMedianAndMaxOfTheMeasuredScans() throws IOException {
        ScanBenchmark.Result odd = ScanBenchmark.of("5", false).run(new CountingScanner(), List.of("disk.img"),
                new SteppingClock(3_000_000, 1_000_000, 9_000_000, 2_000_000, 4_000_000));
        assertEquals(1_000_000, odd.min());
        assertEquals(3_000_000, odd.median());
        assertEquals(9_000_000, odd.max());
        String summary = odd.summary();
        assertTrue(summary.contains("disk.img:1") && summary.contains("xfs"), summary);
        assertEquals(List.of("scan of disk.img, 5 warm scans after 50 warm-up scans: min 1.00 ms, median 3.00 ms, "
                + "max 9.00 ms"), summary.lines().filter(l -> l.contains("median")).toList());

        ScanBenchmark.Result even = ScanBenchmark.of("4", false).run(new CountingScanner(), List.of(),
                new SteppingClock(400, 100, 300, 200));
        assertEquals(250, even.median(), "mean of the two middle times");
        assertTrue(even.summary().contains("scan of all block devices, 4 warm scans"), even.summary());
    }
}
