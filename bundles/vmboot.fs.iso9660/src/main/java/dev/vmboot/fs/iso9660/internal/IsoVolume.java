package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.storage.BlockDevice;

/**
 * An ISO9660 volume on a device: its descriptors, the namespace it is read through, and bounded reads of directory
 * data and Rock Ridge attributes. Directory data read counts against the volume's {@link DirectoryBudget}.
 */
final class IsoVolume {
    private static final Logger LOG = LoggerFactory.getLogger(IsoVolume.class);
    /** ECMA-119 6.1.2: logical sectors are 2048 bytes; logical blocks of that size are the only ones supported. */
    static final int BLOCK_SIZE = 2048;
    /**
     * Directory data read at most: 100,000 entries with long Rock Ridge names take about 25 MiB; more than this is a
     * corrupt data length, not a directory.
     */
    static final int MAX_DIRECTORY_BYTES = 32 << 20;
    /** SUSP 5.5 ER extension identifiers of Rock Ridge: RRIP 1.10, the 1.12 draft and 1.12. */
    private static final Set<String> RRIP_IDS = Set.of("RRIP_1991A", "IEEE_P1282", "IEEE_1282");
    /** SUSP 5.3 SP entry: "SP", length 7, version, check bytes BE EF, LEN_SKP. */
    private static final int SP_LENGTH = 7;

    private final BlockDevice device;
    private final VolumeDescriptorSet descriptors;
    private final Namespace namespace;
    private final int suspSkip;
    private final IsoNode root;
    private final DirectoryBudget directoryBudget;

    private IsoVolume(BlockDevice device, VolumeDescriptorSet descriptors, Namespace namespace, int suspSkip,
            IsoNode root, DirectoryBudget directoryBudget) {
        this.directoryBudget = directoryBudget;
        this.device = device;
        this.descriptors = descriptors;
        this.namespace = namespace;
        this.suspSkip = suspSkip;
        this.root = root;
    }

    static IsoVolume open(BlockDevice device, DirectoryBudget.Bounds directoryBounds) throws IOException {
        VolumeDescriptorSet descriptors = VolumeDescriptorSet.read(device);
        VolumeDescriptor primary = descriptors.primary();
        long volumeBytes = primary.spaceBlocks() * BLOCK_SIZE;
        if (volumeBytes > device.size()) {
            LOG.warn("{}: ISO9660 volume of {} bytes on a device of {}: truncated?", device.name(), volumeBytes,
                    device.size());
        }
        DirectoryBudget budget = new DirectoryBudget(device.name(), directoryBounds);
        DirectoryRecord primaryRoot = primary.root();
        FileExtents rootExtents = FileExtents.of(primaryRoot.section());
        rootExtents.requireWithin(device.size(), "ISO9660 root directory", primaryRoot.offset());
        DirectoryRecord self = firstRecord(device, primaryRoot);
        int skip = self == null ? -1 : suspSkip(self);
        if (skip >= 0) {
            String owner = "the root directory's '.' record";
            List<SuspEntry> entries = SystemUseArea.entries(device, self, 0, owner, budget.directory(owner));
            if (isRockRidge(entries)) {
                RockRidge rr = RockRidge.parse(entries, "the root directory's '.' record");
                IsoNode root = new IsoNode("/", FileType.DIRECTORY, rootExtents.size(),
                        rr.mode() >= 0 ? rr.mode() : IsoNode.DIRECTORY_MODE,
                        rr.modified() != null ? rr.modified() : self.recorded(), rootExtents.firstByte(),
                        rootExtents, null, null, null, -1, null);
                if (root.mode() >= 0 && FileType.fromMode(root.mode()) != FileType.DIRECTORY) {
                    throw new CorruptFilesystemException("Rock Ridge PX entry of the root directory",
                            self.systemUseOffset(), "mode 0" + Integer.toOctalString(root.mode())
                                    + " is not a directory's");
                }
                log(device, Namespace.ROCK_RIDGE, descriptors);
                return new IsoVolume(device, descriptors, Namespace.ROCK_RIDGE, skip, root, budget);
            }
        }
        if (descriptors.joliet().isPresent()) {
            DirectoryRecord jolietRoot = descriptors.joliet().get().root();
            log(device, Namespace.JOLIET, descriptors);
            return new IsoVolume(device, descriptors, Namespace.JOLIET, 0, plainRoot(jolietRoot), budget);
        }
        log(device, Namespace.PLAIN, descriptors);
        return new IsoVolume(device, descriptors, Namespace.PLAIN, 0, plainRoot(primaryRoot), budget);
    }

    private static void log(BlockDevice device, Namespace namespace, VolumeDescriptorSet descriptors) {
        LOG.debug("{}: ISO9660 read through its {} tree{}", device.name(), namespace,
                descriptors.bootCatalogBlock() >= 0 ? ", El Torito boot catalog at block "
                        + descriptors.bootCatalogBlock() : "");
    }

    private static IsoNode plainRoot(DirectoryRecord record) {
        FileExtents extents = FileExtents.of(record.section());
        return new IsoNode("/", FileType.DIRECTORY, extents.size(), IsoNode.DIRECTORY_MODE, record.recorded(),
                extents.firstByte(), extents, null, null, null, -1, null);
    }

    /** The first record of a directory if it is its '.' record, else null. */
    private static DirectoryRecord firstRecord(BlockDevice device, DirectoryRecord directory) throws IOException {
        if (directory.dataLength() < DirectoryRecord.FIXED_LENGTH + 1) {
            return null;
        }
        long at = directory.section().start();
        byte[] sector = device.readBytes(at, (int) Math.min(BLOCK_SIZE, directory.dataLength()));
        int length = IsoNumbers.u8(sector, 0);
        if (length < DirectoryRecord.FIXED_LENGTH + 1 || length > sector.length) {
            return null;
        }
        DirectoryRecord first = DirectoryRecord.parse(sector, 0, at);
        return first.isSelf() ? first : null;
    }

    /** SUSP 5.3: an SP entry at the start of the root's '.' record announces SUSP; returns LEN_SKP, else -1. */
    private static int suspSkip(DirectoryRecord self) {
        byte[] su = self.systemUse();
        if (su.length >= SP_LENGTH && su[0] == 'S' && su[1] == 'P' && IsoNumbers.u8(su, 2) >= SP_LENGTH
                && IsoNumbers.u8(su, 4) == 0xBE && IsoNumbers.u8(su, 5) == 0xEF) {
            return IsoNumbers.u8(su, 6);
        }
        return -1;
    }

    /** An ER entry naming RRIP, or (RRIP 1.09, before ER) an RR or PX entry in the root's '.' record. */
    private static boolean isRockRidge(List<SuspEntry> entries) {
        for (SuspEntry e : entries) {
            byte[] b = e.bytes();
            if (e.signature().equals("ER") && b.length >= 8) {
                int idLength = IsoNumbers.u8(b, 4);
                if (8 + idLength <= b.length
                        && RRIP_IDS.contains(new String(b, 8, idLength, StandardCharsets.ISO_8859_1))) {
                    return true;
                }
            }
            if (e.signature().equals("RR") || e.signature().equals("PX")) {
                return true;
            }
        }
        return false;
    }

    BlockDevice device() {
        return device;
    }

    VolumeDescriptorSet descriptors() {
        return descriptors;
    }

    Namespace namespace() {
        return namespace;
    }

    IsoNode root() {
        return root;
    }

    /** The Rock Ridge attributes of a record of the primary tree; {@code budget} counts continuation areas read. */
    RockRidge rockRidge(DirectoryRecord record, String owner, DirectoryBudget.Directory budget) throws IOException {
        return RockRidge.parse(SystemUseArea.entries(device, record, suspSkip, owner, budget), owner);
    }

    /** A counter of one read of {@code directory} against the volume's {@link DirectoryBudget}. */
    DirectoryBudget.Directory directoryBudget(IsoNode directory) {
        return directoryBudget.directory(directoryName(directory));
    }

    private static String directoryName(IsoNode directory) {
        return "ISO9660 directory \"" + directory.name() + "\"";
    }

    /**
     * A directory's data, bounded in size, checked to lie on the device, and counted by {@code budget} before it is
     * read.
     */
    byte[] directoryData(IsoNode directory, DirectoryBudget.Directory budget) throws IOException {
        String owner = directoryName(directory);
        FileExtents extents = directory.extents();
        if (extents.size() > MAX_DIRECTORY_BYTES) {
            throw new CorruptFilesystemException(owner, directory.recordOffset(), "data length " + extents.size()
                    + " exceeds the " + MAX_DIRECTORY_BYTES + " bytes a directory may have here");
        }
        extents.requireWithin(device.size(), owner, directory.recordOffset());
        budget.read(extents.size());
        byte[] data = new byte[(int) extents.size()];
        ByteBuffer buf = ByteBuffer.wrap(data);
        try (IsoFileChannel channel = new IsoFileChannel(device, extents, owner)) {
            while (buf.hasRemaining()) {
                channel.read(buf);
            }
        }
        return data;
    }

    /**
     * The '.' record at the start of the directory at logical block {@code block} (a Rock Ridge CL target).
     *
     * @param owner    the record that points there, for errors
     * @param ownerAt  its device byte offset
     * @param budget   counts the sector read, directory data of the listing that meets the CL entry
     */
    DirectoryRecord selfRecord(long block, String owner, long ownerAt, DirectoryBudget.Directory budget)
            throws IOException {
        long at = block * BLOCK_SIZE;
        if (at + BLOCK_SIZE > device.size()) {
            throw new CorruptFilesystemException(owner, ownerAt, "child link to block " + block
                    + " lies beyond the end of the device (" + device.size() + " bytes)");
        }
        budget.read(BLOCK_SIZE);
        byte[] sector = device.readBytes(at, BLOCK_SIZE);
        int length = IsoNumbers.u8(sector, 0);
        DirectoryRecord first = length > DirectoryRecord.FIXED_LENGTH ? DirectoryRecord.parse(sector, 0, at) : null;
        if (first == null || !first.isSelf() || !first.isDirectory() || first.extent() != block) {
            throw new CorruptFilesystemException(owner, ownerAt, "child link to block " + block
                    + ", which does not start with a directory's '.' record");
        }
        return first;
    }
}
