package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.storage.BlockDevice;

/**
 * An open ISO9660 volume, read through its Rock Ridge, Joliet or plain tree (in that order of preference). Parsed
 * listings of recently read directories are cached; each listing is bound to the path it was reached by, so that a
 * directory record leading back to an ancestor is reported as a loop. Each directory read from the device (not from the
 * cache) counts its data and records against the volume's {@link DirectoryBudget}.
 */
final class IsoFileSystem implements FileSystem {
    /** Directory nesting refused beyond this: PATH_MAX (4096) allows at most 2048 levels of one-letter names. */
    static final int MAX_DEPTH = 2048;
    private static final int CACHED_DIRECTORIES = 128;

    private final IsoVolume volume;
    private final String label;
    private final String uuid;
    private final Map<Long, List<IsoNode>> directories = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<IsoNode>> eldest) {
            return size() > CACHED_DIRECTORIES;
        }
    };

    private IsoFileSystem(IsoVolume volume) {
        this.volume = volume;
        this.label = VolumeIdentity.label(volume.descriptors());
        this.uuid = VolumeIdentity.uuid(volume.descriptors());
    }

    static IsoFileSystem open(BlockDevice device) throws IOException {
        return open(device, DirectoryBudget.Bounds.STANDARD);
    }

    /** Opens it with other bounds on directory reads than {@link DirectoryBudget}'s, for tests. */
    static IsoFileSystem open(BlockDevice device, DirectoryBudget.Bounds directoryBounds) throws IOException {
        return new IsoFileSystem(IsoVolume.open(device, directoryBounds));
    }

    IsoVolume volume() {
        return volume;
    }

    @Override
    public String type() {
        return IsoReader.TYPE;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String uuid() {
        return uuid;
    }

    @Override
    public FsNode root() {
        return volume.root();
    }

    /** Plain ECMA-119 names are recorded in upper case; they are looked up regardless of case, as Linux does. */
    @Override
    public boolean caseSensitive() {
        return volume.namespace() != Namespace.PLAIN;
    }

    @Override
    public List<FsNode> list(FsNode directory) throws IOException {
        IsoNode dir = directory(directory);
        Ancestry chain = dir.childAncestry();
        List<IsoNode> parsed = entries(dir);
        List<FsNode> bound = new ArrayList<>(parsed.size());
        for (IsoNode child : parsed) {
            bound.add(bind(child, chain, dir));
        }
        return bound;
    }

    /** Like the default, but binds (and checks for a loop) only the entry it returns. */
    @Override
    public Optional<FsNode> lookup(FsNode directory, String name) throws IOException {
        IsoNode dir = directory(directory);
        boolean exact = caseSensitive();
        for (IsoNode child : entries(dir)) {
            if (exact ? child.name().equals(name) : child.name().equalsIgnoreCase(name)) {
                return Optional.of(bind(child, dir.childAncestry(), dir));
            }
        }
        return Optional.empty();
    }

    private static IsoNode directory(FsNode directory) throws IOException {
        IsoNode dir = node(directory);
        if (dir.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(dir.name());
        }
        if (dir.childAncestry().depth() > MAX_DEPTH) {
            throw new CorruptFilesystemException("ISO9660 directory \"" + dir.name() + "\"", dir.recordOffset(),
                    "nested deeper than " + MAX_DEPTH + " levels");
        }
        return dir;
    }

    /** The parsed entries of a directory, from the cache if it was read recently. */
    private List<IsoNode> entries(IsoNode dir) throws IOException {
        List<IsoNode> parsed;
        synchronized (directories) {
            parsed = directories.get(dir.id());
        }
        if (parsed == null) {
            parsed = IsoDirectory.read(volume, dir);
            synchronized (directories) {
                directories.put(dir.id(), parsed);
            }
        }
        return parsed;
    }

    /** {@code child} as reached through {@code chain}; a directory that is already in the chain makes a loop. */
    private static IsoNode bind(IsoNode child, Ancestry chain, IsoNode dir) throws CorruptFilesystemException {
        if (child.type() == FileType.DIRECTORY && chain.contains(child.id())) {
            throw new CorruptFilesystemException("ISO9660 directory record \"" + child.name() + "\" in \""
                    + dir.name() + "\"", child.recordOffset(), "points to the data at byte " + child.id()
                            + " of \"" + dir.name() + "\" itself or one of its ancestors: a directory loop");
        }
        return child.withAncestry(chain);
    }

    @Override
    public SeekableByteChannel open(FsNode file) throws IOException {
        IsoNode n = node(file);
        if (n.type() != FileType.REGULAR) {
            throw new IOException(n.name() + ": not a regular file");
        }
        if (n.unsupported() != null) {
            throw new IOException(n.name() + ": " + n.unsupported());
        }
        String owner = "ISO9660 file \"" + n.name() + "\"";
        BlockDevice device = volume.device();
        n.extents().requireWithin(device.size(), owner, n.recordOffset());
        if (n.zisofs() != null) {
            return ZisofsChannel.open(device, n.extents(), n.zisofs(), owner);
        }
        return new IsoFileChannel(device, n.extents(), owner);
    }

    @Override
    public String readLink(FsNode symlink) throws IOException {
        IsoNode n = node(symlink);
        if (n.type() != FileType.SYMLINK) {
            throw new IOException(n.name() + ": not a symbolic link");
        }
        return n.linkTarget();
    }

    private static IsoNode node(FsNode n) {
        if (!(n instanceof IsoNode)) {
            throw new IllegalArgumentException("not a node of this ISO9660 filesystem: " + n);
        }
        return (IsoNode) n;
    }

    @Override
    public void close() {
        synchronized (directories) {
            directories.clear();
        }
    }
}
