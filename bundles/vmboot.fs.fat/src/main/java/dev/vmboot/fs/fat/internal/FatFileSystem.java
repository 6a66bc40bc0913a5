package dev.vmboot.fs.fat.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NotDirectoryException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.storage.BlockDevice;

/**
 * An open FAT volume. The FAT is read once (lazily, page by page); the cluster chains of opened files and the parsed
 * listings of recently read directories are cached, so path lookups and re-opens cost no device reads. Each directory
 * read from the device (not from the cache) counts its bytes and slots against the volume's {@link DirectoryBudget}.
 */
final class FatFileSystem implements FileSystem {
    private static final Logger LOG = LoggerFactory.getLogger(FatFileSystem.class);
    /** Directory nesting refused beyond this: PATH_MAX (4096) allows at most 2048 levels of one-letter names. */
    static final int MAX_DEPTH = 2048;
    private static final int CACHED_CHAINS = 64;
    private static final int CACHED_DIRECTORIES = 128;

    private final BlockDevice device;
    private final FatBootSector boot;
    private final FileAllocationTable fat;
    private final FatNode root;
    private final String label;
    private final Map<Long, ClusterRuns> chains = lru(CACHED_CHAINS);
    private final Map<Long, FatDirectory> directories = lru(CACHED_DIRECTORIES);
    private final DirectoryBudget directoryBudget;

    private FatFileSystem(BlockDevice device, FatBootSector boot, DirectoryBudget.Bounds directoryBounds)
            throws IOException {
        this.device = device;
        this.boot = boot;
        this.directoryBudget = new DirectoryBudget(device.name(), directoryBounds);
        this.fat = new FileAllocationTable(device, boot);
        long rootOffset = boot.type() == FatType.FAT32 ? boot.clusterOffset(boot.rootCluster())
                : boot.rootDirectoryOffset();
        this.root = new FatNode("/", FatNode.ATTR_DIRECTORY, boot.rootCluster(), 0, Instant.EPOCH, rootOffset, 0);
        String rootLabel = directory(root).label();
        this.label = rootLabel.isEmpty() ? boot.label() : rootLabel;
    }

    static FatFileSystem open(BlockDevice device) throws IOException {
        return open(device, DirectoryBudget.Bounds.STANDARD);
    }

    /** Opens it with other bounds on directory reads than {@link DirectoryBudget}'s, for tests. */
    static FatFileSystem open(BlockDevice device, DirectoryBudget.Bounds directoryBounds) throws IOException {
        if (device.size() < 512) {
            throw new CorruptFilesystemException(FatBootSector.STRUCTURE, 0,
                    "device of " + device.size() + " bytes is too small");
        }
        FatBootSector boot = FatBootSector.parse(ByteBuffer.wrap(device.readBytes(0, 512)));
        boot.checkFits(device.size());
        LOG.debug("{}: {} with {} clusters of {} bytes", device.name(), boot.type(), boot.clusterCount(),
                boot.clusterSize());
        return new FatFileSystem(device, boot, directoryBounds);
    }

    FatBootSector bootSector() {
        return boot;
    }

    FileAllocationTable fat() {
        return fat;
    }

    @Override
    public String type() {
        return FatReader.TYPE;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String uuid() {
        return boot.uuid();
    }

    @Override
    public FsNode root() {
        return root;
    }

    @Override
    public boolean caseSensitive() {
        return false;
    }

    @Override
    public List<FsNode> list(FsNode directory) throws IOException {
        return List.copyOf(directory(node(directory)).entries());
    }

    private FatDirectory directory(FatNode dir) throws IOException {
        if (dir.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(dir.name());
        }
        if (dir.depth() >= MAX_DEPTH) {
            throw new CorruptFilesystemException("FAT directory \"" + dir.name() + "\"", dir.entryOffset(),
                    "nested deeper than " + MAX_DEPTH + " levels: a directory cycle?");
        }
        long key = dir.firstCluster();
        synchronized (directories) {
            FatDirectory cached = directories.get(key);
            if (cached != null) {
                return withDepth(cached, dir.depth() + 1);
            }
        }
        FatDirectory parsed;
        boolean fat32 = boot.type() == FatType.FAT32;
        DirectoryBudget.Directory budget = directoryBudget.directory("FAT directory \"" + dir.name() + "\"");
        if (dir.firstCluster() == 0) {
            long start = boot.rootDirectoryOffset();
            budget.read(boot.rootDirectoryBytes());
            byte[] data = device.readBytes(start, boot.rootDirectoryBytes());
            parsed = FatDirectory.parse(data, i -> start + i, 0, 0, dir.depth() + 1, false, budget);
        } else {
            long maxClusters = ((long) FatDirectory.MAX_ENTRIES * FatDirectory.ENTRY_SIZE + boot.clusterSize() - 1)
                    / boot.clusterSize();
            ClusterRuns runs = chain(dir.firstCluster(), maxClusters, "directory \"" + dir.name() + "\"");
            budget.read(runs.clusters() * boot.clusterSize());
            byte[] data = readRuns(runs);
            int shift = Integer.numberOfTrailingZeros(boot.clusterSize());
            parsed = FatDirectory.parse(data, i -> {
                int run = runs.runOf(i >>> shift);
                return boot.clusterOffset(runs.start(run)) + i - (runs.first(run) << shift);
            }, dir.firstCluster(), boot.rootCluster(), dir.depth() + 1, fat32, budget);
        }
        synchronized (directories) {
            directories.put(key, parsed);
        }
        return parsed;
    }

    /** The cached listing with its nodes at {@code depth} (the same directory may be reached at another depth). */
    private static FatDirectory withDepth(FatDirectory d, int depth) {
        if (d.entries().isEmpty() || d.entries().get(0).depth() == depth) {
            return d;
        }
        List<FatNode> nodes = d.entries().stream()
                .map(n -> new FatNode(n.name(), n.attributes(), n.firstCluster(), n.size(), n.modified(),
                        n.entryOffset(), depth))
                .toList();
        return new FatDirectory(nodes, d.label());
    }

    private byte[] readRuns(ClusterRuns runs) throws IOException {
        byte[] data = new byte[(int) (runs.clusters() * boot.clusterSize())];
        ByteBuffer buf = ByteBuffer.wrap(data);
        for (int i = 0; i < runs.count(); i++) {
            buf.limit(buf.position() + (int) (runs.length(i) * boot.clusterSize()));
            device.readFully(boot.clusterOffset(runs.start(i)), buf);
        }
        return data;
    }

    private ClusterRuns chain(long first, long maxClusters, String owner) throws IOException {
        synchronized (chains) {
            ClusterRuns cached = chains.get(first);
            if (cached != null && cached.clusters() <= maxClusters) {
                return cached;
            }
            if (cached != null) {
                throw new CorruptFilesystemException("FAT chain of " + owner, -1, "shares cluster " + first
                        + " with a chain of " + cached.clusters() + " clusters, more than the " + maxClusters
                        + " it may have");
            }
        }
        ClusterRuns runs = fat.chain(first, maxClusters, owner);
        synchronized (chains) {
            chains.put(first, runs);
        }
        return runs;
    }

    @Override
    public SeekableByteChannel open(FsNode file) throws IOException {
        FatNode n = node(file);
        if (n.type() != FileType.REGULAR) {
            throw new IOException(n.name() + ": not a regular file");
        }
        if (n.size() == 0) {
            return new FatFileChannel(device, boot, null, 0, n.name());
        }
        long needed = (n.size() + boot.clusterSize() - 1) / boot.clusterSize();
        ClusterRuns runs = chain(n.firstCluster(), needed, "file \"" + n.name() + "\"");
        if (runs.clusters() != needed) {
            throw new CorruptFilesystemException("FAT chain of file \"" + n.name() + "\"", n.entryOffset(),
                    runs.clusters() + " clusters for " + n.size() + " bytes (" + needed + " needed)");
        }
        return new FatFileChannel(device, boot, runs, n.size(), n.name());
    }

    @Override
    public String readLink(FsNode symlink) throws IOException {
        throw new IOException(symlink.name() + ": FAT has no symbolic links");
    }

    private static FatNode node(FsNode n) {
        if (!(n instanceof FatNode)) {
            throw new IllegalArgumentException("not a node of this FAT filesystem: " + n);
        }
        return (FatNode) n;
    }

    @Override
    public void close() {
        synchronized (chains) {
            chains.clear();
        }
        synchronized (directories) {
            directories.clear();
        }
    }

    private static <V> Map<Long, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
