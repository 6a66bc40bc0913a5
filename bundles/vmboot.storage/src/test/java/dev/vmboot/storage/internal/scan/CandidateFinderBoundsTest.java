package dev.vmboot.storage.internal.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.fs.DirectoryBudgetException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/**
 * What a volume whose directories fail costs the walk: a bounded list of problems, however many directories fail, and
 * no further listing once its filesystem says the volume's directory budget is spent.
 */
class CandidateFinderBoundsTest {
    private static final ScanSettings EVERYWHERE = ScanSettings.defaults().withPlaces(List.of("/**"));

    /** A root of {@code count} subdirectories, whose listings fail as {@code failure} says. */
    private static final class FailingDirectories implements FileSystem {
        record Node(String name, FileType type, long id) implements FsNode {
            @Override
            public long size() {
                return 0;
            }

            @Override
            public int mode() {
                return type == FileType.DIRECTORY ? 0x41ED : 0x81A4;
            }

            @Override
            public Instant modified() {
                return Instant.EPOCH;
            }
        }

        interface Failure {
            IOException of(int directory);
        }

        private final Node root = new Node("/", FileType.DIRECTORY, 0);
        private final int count;
        private final Failure failure;
        final AtomicInteger listings = new AtomicInteger();

        FailingDirectories(int count, Failure failure) {
            this.count = count;
            this.failure = failure;
        }

        @Override
        public String type() {
            return "failing";
        }

        @Override
        public String label() {
            return "";
        }

        @Override
        public String uuid() {
            return "";
        }

        @Override
        public FsNode root() {
            return root;
        }

        @Override
        public List<FsNode> list(FsNode directory) throws IOException {
            listings.incrementAndGet();
            if (directory.id() != 0) {
                throw failure.of((int) directory.id());
            }
            List<FsNode> dirs = new ArrayList<>(count);
            for (int i = 1; i <= count; i++) {
                dirs.add(new Node("d" + i, FileType.DIRECTORY, i));
            }
            return dirs;
        }

        @Override
        public SeekableByteChannel open(FsNode file) throws IOException {
            throw new IOException("no files here");
        }

        @Override
        public String readLink(FsNode symlink) throws IOException {
            throw new IOException("no links here");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void directoriesThatAllFailGiveABoundedListOfProblems() {
        FailingDirectories fs = new FailingDirectories(100_000, d -> new IOException("bad directory " + d));
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
        FailingDirectories fs = new FailingDirectories(1000, d -> d == 1
                ? new DirectoryBudgetException(DirectoryBudgetException.Scope.VOLUME, spent)
                : new IOException("listed after the volume's budget was spent"));
        List<String> problems = CandidateFinder.find(fs, "disk.img:1", EVERYWHERE).problems();
        assertEquals(List.of("/d1: " + spent), problems);
        assertEquals(2, fs.listings.get(), "the root and d1");
    }

    @Test
    void aDirectoryOverItsOwnBoundIsOneProblemAndTheWalkGoesOn() {
        FailingDirectories fs = new FailingDirectories(3, d -> d == 2
                ? new DirectoryBudgetException(DirectoryBudgetException.Scope.DIRECTORY, "d2 is too large")
                : new IOException("bad directory " + d));
        assertEquals(List.of("/d1: bad directory 1", "/d2: d2 is too large", "/d3: bad directory 3"),
                CandidateFinder.find(fs, "disk.img:1", EVERYWHERE).problems());
        assertTrue(fs.listings.get() == 4, fs.listings.get() + " listings");
    }

    /** Each symlink followed is a path resolution: listings of every directory on the way to its target. */
    @Test
    void atMostMaxFilesPerVolumeSymlinksAreFollowed() {
        FakeFileSystem fs = new FakeFileSystem("links");
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
