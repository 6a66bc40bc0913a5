package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.storage.internal.scan.BootFileClassifier.Classification;

/**
 * Walks the configured places of one filesystem and classifies the files it meets by content. Directories are
 * visited once each, symlinked directories are not entered (symlinked files are followed), and both the depth and the
 * number of files examined, and of links followed, are bounded; so is the directory data the walk reads, by the
 * filesystem's {@link DirectoryBudget}, and the walk ends when the volume's is spent. Of the problems met on the way,
 * the first {@link #MAX_PROBLEMS} are kept and the rest counted.
 */
final class CandidateFinder {
    private static final Logger LOG = LoggerFactory.getLogger(CandidateFinder.class);
    /** Smaller than any ELF, FV or bzImage header worth looking at. */
    private static final long MIN_FILE = 64;
    /**
     * Problems kept per volume, the rest only counted: enough to show what went wrong, while a volume of a million
     * unreadable directories still makes one line of the scan report.
     */
    static final int MAX_PROBLEMS = 16;

    private final FileSystem fs;
    private final String location;
    private final ScanSettings settings;
    private final List<BootCandidate> found = new ArrayList<>();
    private final Set<Long> visitedDirectories = new HashSet<>();
    private final Set<String> examinedPaths = new HashSet<>();
    private int examined;
    private int linksFollowed;
    private boolean volumeBudgetSpent;
    private final List<String> problems = new ArrayList<>();
    private int problemsLeftOut;

    /** Candidates, best first, and the problems met on the way (unreadable directories or files). */
    record Result(List<BootCandidate> candidates, List<String> problems) {
    }

    private CandidateFinder(FileSystem fs, String location, ScanSettings settings) {
        this.fs = fs;
        this.location = location;
        this.settings = settings;
    }

    static Result find(FileSystem fs, String location, ScanSettings settings) {
        CandidateFinder f = new CandidateFinder(fs, location, settings);
        for (String place : settings.places()) {
            boolean recursive = place.endsWith("/**");
            String dir = recursive ? place.substring(0, place.length() - 3) : place;
            f.place(dir.isEmpty() ? "/" : dir, recursive ? settings.maxDepth() : 0);
        }
        f.found.sort(Comparator.comparingInt(BootCandidate::rank).reversed().thenComparing(BootCandidate::path));
        if (f.problemsLeftOut > 0) {
            f.problems.add("and " + f.problemsLeftOut + " more problems");
        }
        return new Result(List.copyOf(f.found), List.copyOf(f.problems));
    }

    /** Notes a problem at {@code path}; a spent volume budget ends the walk. */
    private void problem(String path, IOException e) {
        if (e instanceof DirectoryBudgetException budget && budget.scope() == DirectoryBudgetException.Scope.VOLUME) {
            volumeBudgetSpent = true;
        }
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(path + ": " + e.getMessage());
        } else {
            problemsLeftOut++;
        }
    }

    private void place(String dir, int depth) {
        if (volumeBudgetSpent) {
            return;
        }
        FsNode node;
        try {
            node = FsPaths.resolve(fs, dir);
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return;
        } catch (IOException e) {
            problem(dir, e);
            return;
        }
        if (node.type() == FileType.DIRECTORY) {
            walk(node, dir, depth);
        }
    }

    private void walk(FsNode dir, String path, int depthLeft) {
        if (volumeBudgetSpent || !visitedDirectories.add(dir.id()) || examined >= settings.maxFilesPerVolume()) {
            return;
        }
        List<FsNode> entries;
        try {
            entries = fs.list(dir);
        } catch (IOException e) {
            problem(path, e);
            return;
        }
        List<FsNode> subdirectories = new ArrayList<>();
        for (FsNode e : entries) {
            if (volumeBudgetSpent) {
                return;
            }
            if (examined >= settings.maxFilesPerVolume()) {
                LOG.info("{}: stopped after examining {} files (scanner setting maxFilesPerVolume)", location,
                        examined);
                return;
            }
            String child = path.endsWith("/") ? path + e.name() : path + "/" + e.name();
            switch (e.type()) {
                case DIRECTORY -> subdirectories.add(e);
                case REGULAR -> examine(e, child);
                case SYMLINK -> followLink(child);
                default -> { }
            }
        }
        if (depthLeft > 0) {
            for (FsNode d : subdirectories) {
                walk(d, path.endsWith("/") ? path + d.name() : path + "/" + d.name(), depthLeft - 1);
            }
        }
    }

    /** Examines the regular file a symlink leads to; at most maxFilesPerVolume links are followed. */
    private void followLink(String path) {
        if (linksFollowed >= settings.maxFilesPerVolume()) {
            return;
        }
        linksFollowed++;
        try {
            FsNode target = FsPaths.resolve(fs, path);
            if (target.type() == FileType.REGULAR) {
                examine(target, path);
            }
        } catch (DirectoryBudgetException e) {
            problem(path, e);
        } catch (IOException e) {
            LOG.debug("{}:{}: dangling or unreadable symlink: {}", location, path, e.getMessage());
        }
    }

    private void examine(FsNode file, String path) {
        if (file.size() < MIN_FILE || !examinedPaths.add(path)) {
            return;
        }
        examined++;
        try (SeekableByteChannel ch = fs.open(file)) {
            Classification c = BootFileClassifier.classify(ch, settings.maxPeekBytes());
            if (c.kind() != ImageKind.UNKNOWN) {
                String name = path.substring(path.lastIndexOf('/') + 1);
                found.add(new BootCandidate(location, path, c.kind(), c.compression(), file.size(),
                        CandidateRanking.rank(name, c.kind())));
            }
        } catch (IOException e) {
            problem(path, e);
        } catch (RuntimeException e) {
            problem(path, new IOException(e.getMessage(), e));
        }
    }
}
