package dev.vmboot.storage.internal.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.fs.DirectoryBudgetException;
import dev.vmboot.testkit.MemoryFileSystem;

/**
 * What a volume whose directories fail costs the walk: a bounded list of problems, however many directories fail, and
 * no further listing once its filesystem says the volume's directory budget is spent.
 */
class CandidateFinderBoundsTest {
    private static final ScanSettings EVERYWHERE = ScanSettings.defaults().withPlaces(List.of("/**"));

    /** A root of {@code count} subdirectories d1, d2..., whose listings fail with what {@code failure} makes. */
    private static MemoryFileSystem failingDirectories(int count, IntFunction<IOException> failure) {
        MemoryFileSystem fs = new MemoryFileSystem("failing", "");
        for (int i = 1; i <= count; i++) {
            int directory = i;
            fs.unlistableDirectory("/d" + i, () -> failure.apply(directory));
        }
        return fs;
    }

    @Test
    void directoriesThatAllFailGiveABoundedListOfProblems() {
        MemoryFileSystem fs = failingDirectories(100_000, d -> new IOException("bad directory " + d));
        List<String> problems = CandidateFinder.find(fs, "disk.img:1", EVERYWHERE).problems();
        assertEquals(CandidateFinder.MAX_PROBLEMS + 1, problems.size(), problems.size() + " problems");
        assertEquals("/d1: bad directory 1", problems.get(0));
        assertEquals("and " + (100_000 - CandidateFinder.MAX_PROBLEMS) + " more problems",
                problems.get(problems.size() - 1));
    }

    @Test
    void aSpentVolumeBudgetEndsTheWalk() {
        String spent = "disk.img:1: 4096 MiB of directory data read since the filesystem was opened, the most vmboot"
                + " reads from one volume; stopped at directory \"d1\"";
        MemoryFileSystem fs = failingDirectories(1000, d -> d == 1
                ? new DirectoryBudgetException(DirectoryBudgetException.Scope.VOLUME, spent)
                : new IOException("listed after the volume's budget was spent"));
        List<String> problems = CandidateFinder.find(fs, "disk.img:1", EVERYWHERE).problems();
        assertEquals(List.of("/d1: " + spent), problems);
        assertEquals(2, fs.listings.get(), "the root and d1");
    }

    @Test
    void aDirectoryOverItsOwnBoundIsOneProblemAndTheWalkGoesOn() {
        MemoryFileSystem fs = failingDirectories(3, d -> d == 2
                ? new DirectoryBudgetException(DirectoryBudgetException.Scope.DIRECTORY, "d2 is too large")
                : new IOException("bad directory " + d));
        assertEquals(List.of("/d1: bad directory 1", "/d2: d2 is too large", "/d3: bad directory 3"),
                CandidateFinder.find(fs, "disk.img:1", EVERYWHERE).problems());
        assertTrue(fs.listings.get() == 4, fs.listings.get() + " listings");
    }

    /** Each symlink followed is a path resolution: listings of every directory on the way to its target. */
    @Test
    void atMostMaxFilesPerVolumeSymlinksAreFollowed() {
        MemoryFileSystem fs = new MemoryFileSystem(FakeReader.TYPE, "links");
        for (int i = 0; i < 10; i++) {
            fs.symlink("/boot/link" + i, "/nowhere/vmlinuz");
        }
        ScanSettings twoFiles = ScanSettings.defaults().withPlaces(List.of("/boot")).withLimits(2, 1 << 20, 1000);
        fs.listings.set(0);
        CandidateFinder.find(fs, "disk.img:1", twoFiles);
        // Resolving /boot lists / and the walk /boot; each link then lists /, /boot and / again.
        assertEquals(2 + 2 * 3, fs.listings.get());
    }
}
