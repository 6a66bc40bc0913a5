package dev.vmboot.fs.ext4.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.storage.BlockDevice;

/**
 * An opened ext2, ext3 or ext4 filesystem. {@link #type()} is always {@value Ext4Reader#TYPE}, the type the reader
 * registers; {@link #flavour()} tells which of the three it is (logged when opened).
 */
final class Ext4FileSystem implements FileSystem {
    private static final Logger LOG = LoggerFactory.getLogger(Ext4FileSystem.class);
    /** {@code EXT4_ROOT_INO}. */
    static final long ROOT_INODE = 2;

    private final Ext4Volume volume;
    private final Ext4Superblock sb;
    private final Ext4Node root;

    private Ext4FileSystem(Ext4Volume volume, Ext4Node root) {
        this.volume = volume;
        this.sb = volume.superblock();
        this.root = root;
    }

    static Ext4FileSystem open(BlockDevice device) throws IOException {
        return open(device, DirectoryBudget.Bounds.STANDARD);
    }

    /** Opens it with other bounds on directory reads than {@link DirectoryBudget}'s, for tests. */
    static Ext4FileSystem open(BlockDevice device, DirectoryBudget.Bounds directoryBounds) throws IOException {
        if (device.size() < Ext4Superblock.OFFSET + Ext4Superblock.SIZE) {
            throw new CorruptFilesystemException("ext4 superblock", Ext4Superblock.OFFSET, "device of "
                    + device.size() + " bytes is too small");
        }
        byte[] raw = new byte[Ext4Superblock.SIZE];
        device.readFully(Ext4Superblock.OFFSET, ByteBuffer.wrap(raw));
        Ext4Superblock sb = Ext4Superblock.parse(raw, device.size());
        if (sb.hasIncompat(Ext4Superblock.INCOMPAT_RECOVER)) {
            LOG.warn("{}: the journal needs recovery and is not replayed: recent changes may be missing",
                    device.name());
        }
        Ext4Volume volume = new Ext4Volume(device, sb, directoryBounds);
        Ext4Inode rootInode = volume.inode(ROOT_INODE);
        if (rootInode.type() != FileType.DIRECTORY) {
            throw new CorruptFilesystemException("ext4 root inode", -1, "is not a directory (mode "
                    + Integer.toOctalString(rootInode.mode()) + ")");
        }
        LOG.debug("{}: {} filesystem, {} blocks of {} bytes, label '{}', uuid {}", device.name(), sb.flavour(),
                sb.blocksCount(), sb.blockSize(), sb.volumeName(), sb.uuidString());
        return new Ext4FileSystem(volume, new Ext4Node("/", rootInode));
    }

    /** ext2, ext3 or ext4. */
    String flavour() {
        return sb.flavour();
    }

    Ext4Volume volume() {
        return volume;
    }

    @Override
    public String type() {
        return Ext4Reader.TYPE;
    }

    @Override
    public String label() {
        return sb.volumeName();
    }

    @Override
    public String uuid() {
        for (byte b : sb.uuid()) {
            if (b != 0) {
                return sb.uuidString();
            }
        }
        return "";
    }

    @Override
    public FsNode root() {
        return root;
    }

    @Override
    public List<FsNode> list(FsNode directory) throws IOException {
        Ext4Node dir = directory(directory);
        List<DirectoryEntry> entries = new Ext4Directory(volume, dir.inode()).entries();
        List<FsNode> out = new ArrayList<>(entries.size());
        for (DirectoryEntry e : entries) {
            out.add(node(e));
        }
        return out;
    }

    @Override
    public Optional<FsNode> lookup(FsNode directory, String name) throws IOException {
        Ext4Node dir = directory(directory);
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            return Optional.empty();
        }
        if (name.indexOf('\uFFFD') >= 0) {
            // Not valid UTF-8 on disk, so the bytes to hash are unknown: compare decoded names.
            return FileSystem.super.lookup(directory, name);
        }
        Optional<DirectoryEntry> e = new Ext4Directory(volume, dir.inode())
                .find(name.getBytes(StandardCharsets.UTF_8));
        if (e.isEmpty() || e.get().isDotOrDotDot()) {
            return Optional.empty();
        }
        return Optional.of(node(e.get()));
    }

    private Ext4Node node(DirectoryEntry e) throws IOException {
        Ext4Inode inode = volume.inode(e.inode());
        if (inode.mode() == 0 || inode.linksCount() == 0) {
            throw new CorruptFilesystemException("ext4 inode " + e.inode(), -1, "directory entry '"
                    + e.nameString() + "' names an unused inode");
        }
        return new Ext4Node(e.nameString(), inode);
    }

    @Override
    public SeekableByteChannel open(FsNode file) throws IOException {
        Ext4Node node = own(file);
        Ext4Inode inode = node.inode();
        if (inode.type() != FileType.REGULAR) {
            throw new IOException(node.name() + ": not a regular file (" + inode.type() + ")");
        }
        if (inode.hasFlag(Ext4Inode.FL_ENCRYPT)) {
            throw new IOException(node.name() + ": encrypted files are not supported");
        }
        if (inode.hasFlag(Ext4Inode.FL_INLINE_DATA)) {
            return new InlineFileChannel(inode.inlineData());
        }
        return new Ext4FileChannel(volume, BlockMap.of(volume, inode), inode.size());
    }

    @Override
    public String readLink(FsNode symlink) throws IOException {
        Ext4Node node = own(symlink);
        if (node.type() != FileType.SYMLINK) {
            throw new IOException(node.name() + ": not a symbolic link");
        }
        return Ext4Symlink.target(volume, node.inode());
    }

    private Ext4Node directory(FsNode node) throws IOException {
        Ext4Node own = own(node);
        if (own.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(own.name());
        }
        return own;
    }

    private static Ext4Node own(FsNode node) {
        if (!(node instanceof Ext4Node own)) {
            throw new IllegalArgumentException("not a node of this ext4 filesystem: " + node);
        }
        return own;
    }

    @Override
    public void close() {
        // The device belongs to the caller.
    }
}
