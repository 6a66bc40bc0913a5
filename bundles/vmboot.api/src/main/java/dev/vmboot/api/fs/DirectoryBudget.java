package dev.vmboot.api.fs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How much directory data one opened filesystem may still read, and the most one directory may have: the bound every
 * reader keeps on the work a directory can cause, whatever its metadata claims. Two things are counted. Records are
 * what a reader examines in a directory's data (a live entry, a deleted one, a free-space record, a long-name slot):
 * they bound the memory and time of a listing. Bytes are the directory data read: they bound the reading, so a
 * directory of empty blocks, or of blocks that alias one block, costs what its size says. Listing a directory and
 * looking a name up in one both count.
 *
 * <p>A reader makes one budget when it opens a filesystem, and for every listing or scanning lookup takes a
 * {@link #directory} counter and calls {@link Directory#read} for each block of directory data and
 * {@link Directory#record} for each record, before using them. Past any bound that throws
 * {@link DirectoryBudgetException}, which says which one. The per-volume bounds stay spent: every later directory
 * read of that opened filesystem fails the same way, and opening it again starts afresh. Thread-safe.
 */
public final class DirectoryBudget {
    /**
     * Records one directory may have: 2^18 = 262,144, five times the 50,000 entries of a large /usr/lib, yet at the
     * few hundred bytes a listed node takes, a listing of some 100 MiB at most. (FAT's own limit, 65,536 entries,
     * fatgen103, is lower.)
     */
    public static final int RECORDS_PER_DIRECTORY = 1 << 18;
    /**
     * Bytes of one directory's data: 64 MiB, room for {@link #RECORDS_PER_DIRECTORY} records of the longest names
     * ext4 and XFS keep in a block (255 bytes, 263 with the ext4 header), and for the blocks a directory that once
     * held millions of entries keeps after they are deleted (ext4 and XFS directories do not shrink).
     */
    public static final long BYTES_PER_DIRECTORY = 64L << 20;
    /** Records one opened filesystem may read in all: 2^24, 64 directories at the per-directory bound. */
    public static final long RECORDS_PER_VOLUME = 1L << 24;
    /** Bytes of directory data one opened filesystem may read in all: 4 GiB, 64 directories at their bound. */
    public static final long BYTES_PER_VOLUME = 4L << 30;

    private final String volume;
    private final Bounds bounds;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /** The bounds of one budget; {@link #STANDARD} for every reader, smaller ones for tests that need to reach them. */
    public record Bounds(int recordsPerDirectory, long bytesPerDirectory, long recordsPerVolume, long bytesPerVolume) {
        public static final Bounds STANDARD = new Bounds(RECORDS_PER_DIRECTORY, BYTES_PER_DIRECTORY,
                RECORDS_PER_VOLUME, BYTES_PER_VOLUME);

        public Bounds {
            if (recordsPerDirectory < 1 || bytesPerDirectory < 1 || recordsPerVolume < 1 || bytesPerVolume < 1) {
                throw new IllegalArgumentException("directory budget bounds must be positive");
            }
        }
    }

    /** The standard budget for the filesystem on the device called {@code volume} (a location such as disk.img:2). */
    public DirectoryBudget(String volume) {
        this(volume, Bounds.STANDARD);
    }

    public DirectoryBudget(String volume, Bounds bounds) {
        this.volume = volume;
        this.bounds = bounds;
    }

    public Bounds bounds() {
        return bounds;
    }

    /** Records read so far by this opened filesystem. */
    public long records() {
        return Math.min(records.get(), bounds.recordsPerVolume());
    }

    /** Bytes of directory data read so far by this opened filesystem. */
    public long bytes() {
        return Math.min(bytes.get(), bounds.bytesPerVolume());
    }

    private static String size(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /** A counter for one read of the directory that {@code directory} describes in messages. */
    public Directory directory(String directory) {
        return new Directory(directory);
    }

    /** The records and bytes of one listing or lookup of one directory. Not thread-safe: one per read. */
    public final class Directory {
        private final String directory;
        private int directoryRecords;
        private long directoryBytes;

        private Directory(String directory) {
            this.directory = directory;
        }

        /** Counts one more record of this directory. */
        public void record() throws DirectoryBudgetException {
            if (++directoryRecords > bounds.recordsPerDirectory()) {
                throw new DirectoryBudgetException(DirectoryBudgetException.Scope.DIRECTORY, directory + " has more"
                        + " than " + bounds.recordsPerDirectory() + " records (entries, deleted entries and free"
                        + " space), the most vmboot reads in one directory");
            }
            if (records.incrementAndGet() > bounds.recordsPerVolume()) {
                throw volumeSpent(bounds.recordsPerVolume() + " directory records");
            }
        }

        /** Counts {@code n} more bytes of this directory's data, about to be read. */
        public void read(long n) throws DirectoryBudgetException {
            directoryBytes += n;
            if (directoryBytes > bounds.bytesPerDirectory()) {
                throw new DirectoryBudgetException(DirectoryBudgetException.Scope.DIRECTORY, directory + " has more"
                        + " than " + size(bounds.bytesPerDirectory()) + " of directory data, the most vmboot"
                        + " reads of one directory");
            }
            if (bytes.addAndGet(n) > bounds.bytesPerVolume()) {
                throw volumeSpent(size(bounds.bytesPerVolume()) + " of directory data");
            }
        }

        private DirectoryBudgetException volumeSpent(String what) {
            return new DirectoryBudgetException(DirectoryBudgetException.Scope.VOLUME, volume + ": " + what
                    + " read since the filesystem was opened, the most vmboot reads from one volume; stopped at "
                    + directory);
        }
    }
}
