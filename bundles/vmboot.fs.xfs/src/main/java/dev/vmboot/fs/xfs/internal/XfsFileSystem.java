package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
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

/** An XFS filesystem opened read-only. */
final class XfsFileSystem implements FileSystem {
    private static final Logger LOG = LoggerFactory.getLogger(XfsFileSystem.class);
    /** 'XAGI', xfs_format.h XFS_AGI_MAGIC. */
    static final int AGI_MAGIC = 0x58414749;
    /** offsetof(struct xfs_agi, agi_crc), XFS_AGI_CRC_OFF. */
    static final int AGI_CRC_OFFSET = 312;

    private final XfsVolume volume;
    private final XfsSuperblock sb;

    private XfsFileSystem(XfsVolume volume) {
        this.volume = volume;
        this.sb = volume.superblock();
    }

    /** Reads and checks the superblock and every AG's inode header. */
    static XfsFileSystem open(BlockDevice device) throws IOException {
        return open(device, DirectoryBudget.Bounds.STANDARD);
    }

    /** Opens it with other bounds on directory reads than {@link DirectoryBudget}'s, for tests. */
    static XfsFileSystem open(BlockDevice device, DirectoryBudget.Bounds directoryBounds) throws IOException {
        if (device.size() < 512) {
            throw new CorruptFilesystemException("XFS superblock", 0, "device of " + device.size()
                    + " bytes is too small");
        }
        byte[] first = device.readBytes(0, 512);
        int sectSize = ByteBuffer.wrap(first).getShort(102) & 0xffff;
        byte[] sector = first;
        if (sectSize > 512 && sectSize <= 32768 && sectSize <= device.size()) {
            sector = device.readBytes(0, sectSize);
        }
        XfsSuperblock sb = XfsSuperblock.parse(sector);
        if (sb.deviceBytes() > device.size()) {
            throw new CorruptFilesystemException("XFS superblock", 8, "the filesystem has " + sb.deviceBytes()
                    + " bytes but the device only " + device.size() + ": truncated image?");
        }
        for (long ag = 0; ag < sb.agCount(); ag++) {
            checkAgi(device, sb, ag);
        }
        LOG.debug("{}: XFS v{} '{}' {} blocks of {} bytes, {} AGs", device.name(), sb.version(), sb.label(),
                sb.dataBlocks(), sb.blockSize(), sb.agCount());
        return new XfsFileSystem(new XfsVolume(device, sb, directoryBounds));
    }

    /** Checks one AG's inode header ({@code struct xfs_agi}) in the AG's third sector. */
    private static void checkAgi(BlockDevice device, XfsSuperblock sb, long ag) throws IOException {
        long offset = ((ag * sb.agBlocks()) << sb.blockLog()) + 2L * sb.sectorSize();
        byte[] agi = device.readBytes(offset, sb.sectorSize());
        String structure = "XFS AGI of AG " + ag;
        if (BigEndian.getInt(agi, 0) != AGI_MAGIC) {
            throw new CorruptFilesystemException(structure, offset, "bad magic");
        }
        if (BigEndian.getU32(agi, 8) != ag) {
            throw new CorruptFilesystemException(structure, offset, "sequence number " + BigEndian.getU32(agi, 8));
        }
        if (sb.isV5() && !MetadataChecksum.verify(agi, 0, agi.length, AGI_CRC_OFFSET)) {
            throw new CorruptFilesystemException(structure, offset, "CRC mismatch");
        }
    }

    XfsSuperblock superblock() {
        return sb;
    }

    XfsVolume volume() {
        return volume;
    }

    @Override
    public String type() {
        return XfsReader.TYPE;
    }

    @Override
    public String label() {
        return sb.label();
    }

    @Override
    public String uuid() {
        return sb.uuidString();
    }

    @Override
    public FsNode root() throws IOException {
        XfsInode root = volume.inode(sb.rootInode());
        if (root.type() != FileType.DIRECTORY) {
            throw new CorruptFilesystemException("XFS root inode " + sb.rootInode(), root.offset(),
                    "is not a directory");
        }
        return new XfsNode("/", root);
    }

    @Override
    public List<FsNode> list(FsNode directory) throws IOException {
        XfsInode dir = directoryInode(directory);
        List<DirectoryEntry> entries = new XfsDirectory(volume, dir).entries();
        List<FsNode> nodes = new ArrayList<>(entries.size());
        for (DirectoryEntry e : entries) {
            nodes.add(new XfsNode(e.nameString(), volume.inode(e.inode())));
        }
        return nodes;
    }

    @Override
    public Optional<FsNode> lookup(FsNode directory, String name) throws IOException {
        XfsInode dir = directoryInode(directory);
        Optional<DirectoryEntry> e = new XfsDirectory(volume, dir).find(name.getBytes(StandardCharsets.UTF_8));
        if (e.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new XfsNode(e.get().nameString(), volume.inode(e.get().inode())));
    }

    @Override
    public SeekableByteChannel open(FsNode file) throws IOException {
        XfsInode inode = own(file).inode();
        if (inode.type() != FileType.REGULAR) {
            throw new IOException(file.name() + ": not a regular file");
        }
        if (inode.isRealtime()) {
            throw new IOException(file.name() + ": data on the XFS realtime device, which this reader cannot see");
        }
        return new XfsFileChannel(volume.device(), ExtentMap.of(volume, inode), sb.blockLog(), inode.size(),
                inode.ino());
    }

    @Override
    public String readLink(FsNode symlink) throws IOException {
        XfsInode inode = own(symlink).inode();
        if (inode.type() != FileType.SYMLINK) {
            throw new IOException(symlink.name() + ": not a symbolic link");
        }
        return XfsSymlink.target(volume, inode);
    }

    @Override
    public boolean caseSensitive() {
        return !sb.asciiCaseInsensitive();
    }

    @Override
    public void close() {
        // The device belongs to the caller.
    }

    private XfsInode directoryInode(FsNode node) throws IOException {
        XfsInode inode = own(node).inode();
        if (inode.type() != FileType.DIRECTORY) {
            throw new java.nio.file.NotDirectoryException(node.name());
        }
        return inode;
    }

    private static XfsNode own(FsNode node) {
        if (!(node instanceof XfsNode)) {
            throw new IllegalArgumentException("not a node of this XFS reader: " + node);
        }
        return (XfsNode) node;
    }
}
