package dev.vmboot.fs.iso9660.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * The Rock Ridge (IEEE P1282 RRIP 1.12) attributes of one directory record, from its SUSP entries.
 *
 * @param mode       PX (4.1.1) POSIX file mode with type bits, -1 without PX
 * @param name       NM (4.1.4) alternate name, its parts joined (CONTINUE flag); null without NM
 * @param symlink    SL (4.1.3) symbolic link target, its components and entries joined; null without SL
 * @param modified   TF (4.1.6) modification time, null without one
 * @param childLink  CL (4.1.5.1) logical block of the relocated directory this record stands for, -1 without CL
 * @param relocated  RE (4.1.5.3): this is a relocated directory's own record, reached through a CL elsewhere
 * @param sparse     SF (4.1.7): a sparse file, which this reader does not read
 * @param zisofs     ZF: the file's data is zisofs-compressed; null if not
 */
record RockRidge(int mode, String name, String symlink, Instant modified, long childLink, boolean relocated,
        boolean sparse, Zisofs zisofs) {

    /** NM flags (4.1.4.1). */
    private static final int NM_CONTINUE = 0x01;
    private static final int NM_CURRENT = 0x02;
    private static final int NM_PARENT = 0x04;
    /** SL component flags (4.1.3.1). */
    private static final int SL_CONTINUE = 0x01;
    private static final int SL_CURRENT = 0x02;
    private static final int SL_PARENT = 0x04;
    private static final int SL_ROOT = 0x08;
    private static final int SL_VOLUME_ROOT = 0x10;
    private static final int SL_HOST = 0x20;
    /** TF flags (4.1.6.1): which timestamps follow, in this order, and whether they are 17 bytes long. */
    private static final int TF_CREATION = 0x01;
    private static final int TF_MODIFY = 0x02;
    private static final int TF_LONG_FORM = 0x80;
    /** PX: RRIP 1.10 has no serial number field (length 36), 1.12 adds one (length 44). */
    private static final int PX_MIN_LENGTH = 36;
    /** CL: signature, length, version, 8-byte block location. */
    private static final int CL_LENGTH = 12;
    /** ZF (zisofs, mkzftree): signature, length 16, version, algorithm (2), header size / 4, log2 block size, size. */
    private static final int ZF_LENGTH = 16;

    /** A zisofs ZF entry: algorithm {@code pz}, header size, block size and uncompressed size. */
    record Zisofs(String algorithm, int headerBytes, int blockLog, long size) {
    }

    /**
     * @param owner  names the record for errors
     */
    static RockRidge parse(List<SuspEntry> entries, String owner) throws CorruptFilesystemException {
        int mode = -1;
        ByteArrayOutputStream name = null;
        boolean nameContinues = false;
        SymlinkBuilder link = null;
        Instant modified = null;
        long childLink = -1;
        boolean relocated = false;
        boolean sparse = false;
        Zisofs zisofs = null;
        for (SuspEntry e : entries) {
            byte[] b = e.bytes();
            String structure = "Rock Ridge " + e.signature() + " entry of " + owner;
            switch (e.signature()) {
                case "PX":
                    requireLength(e, PX_MIN_LENGTH, structure);
                    mode = (int) IsoNumbers.both32(b, 4, "file mode", structure, e.offset());
                    break;
                case "NM": {
                    requireLength(e, SuspEntry.HEADER + 1, structure);
                    int flags = IsoNumbers.u8(b, 4);
                    if (name != null && !nameContinues) {
                        throw new CorruptFilesystemException(structure, e.offset(),
                                "a second name without the CONTINUE flag on the first");
                    }
                    if (name == null) {
                        name = new ByteArrayOutputStream();
                    }
                    if ((flags & NM_CURRENT) != 0) {
                        name.writeBytes(new byte[] {'.'});
                    } else if ((flags & NM_PARENT) != 0) {
                        name.writeBytes(new byte[] {'.', '.'});
                    } else {
                        name.write(b, 5, b.length - 5);
                    }
                    nameContinues = (flags & NM_CONTINUE) != 0;
                    break;
                }
                case "SL":
                    requireLength(e, SuspEntry.HEADER + 1, structure);
                    if (link == null) {
                        link = new SymlinkBuilder();
                    }
                    link.add(b, structure, e.offset());
                    break;
                case "TF":
                    modified = modifyTime(e, structure);
                    break;
                case "CL":
                    requireLength(e, CL_LENGTH, structure);
                    childLink = IsoNumbers.both32(b, 4, "child directory location", structure, e.offset());
                    break;
                case "RE":
                    relocated = true;
                    break;
                case "SF":
                    sparse = true;
                    break;
                case "ZF":
                    requireLength(e, ZF_LENGTH, structure);
                    zisofs = new Zisofs(new String(b, 4, 2, StandardCharsets.ISO_8859_1),
                            IsoNumbers.u8(b, 6) * 4, IsoNumbers.u8(b, 7),
                            IsoNumbers.both32(b, 8, "uncompressed size", structure, e.offset()));
                    break;
                default:
                    break; // PN, ER, ES, RR, AA, AL...: nothing a reader of names, types and data needs
            }
        }
        String decodedName = null;
        if (name != null) {
            decodedName = FileNames.rockRidge(name.toByteArray(), "Rock Ridge NM entry of " + owner,
                    entries.stream().filter(x -> x.signature().equals("NM")).findFirst().get().offset());
        }
        return new RockRidge(mode, decodedName, link == null ? null : link.target(), modified, childLink, relocated,
                sparse, zisofs);
    }

    private static void requireLength(SuspEntry e, int min, String structure) throws CorruptFilesystemException {
        if (e.length() < min) {
            throw new CorruptFilesystemException(structure, e.offset(), "length " + e.length() + " is below "
                    + min);
        }
    }

    private static Instant modifyTime(SuspEntry e, String structure) throws CorruptFilesystemException {
        byte[] b = e.bytes();
        requireLength(e, SuspEntry.HEADER + 1, structure);
        int flags = IsoNumbers.u8(b, 4);
        if ((flags & TF_MODIFY) == 0) {
            return null;
        }
        int size = (flags & TF_LONG_FORM) != 0 ? IsoTime.LONG_LENGTH : IsoTime.SHORT_LENGTH;
        int at = 5 + ((flags & TF_CREATION) != 0 ? size : 0);
        if (at + size > b.length) {
            throw new CorruptFilesystemException(structure, e.offset(), "length " + b.length
                    + " leaves no room for the modification time its flags 0x" + Integer.toHexString(flags)
                    + " announce");
        }
        return size == IsoTime.LONG_LENGTH ? IsoTime.decimal(b, at) : IsoTime.recording(b, at);
    }

    /**
     * Joins SL component records (4.1.3.1) into a path: components are separated by '/' unless one carries the
     * CONTINUE flag (the next one goes on with the same name); ROOT makes the leading '/'. The state runs on across
     * SL entries, so a component continued into the next entry comes out whole.
     */
    private static final class SymlinkBuilder {
        private final StringBuilder target = new StringBuilder();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean separatorDue;

        void add(byte[] b, String structure, long offset) throws CorruptFilesystemException {
            int pos = 5;
            while (pos < b.length) {
                if (pos + 2 > b.length) {
                    throw new CorruptFilesystemException(structure, offset, "component record header cut off at "
                            + "byte " + pos + " of " + b.length);
                }
                int flags = IsoNumbers.u8(b, pos);
                int length = IsoNumbers.u8(b, pos + 1);
                if (pos + 2 + length > b.length) {
                    throw new CorruptFilesystemException(structure, offset, "component of " + length
                            + " bytes runs past the entry's " + b.length);
                }
                if ((flags & (SL_ROOT | SL_VOLUME_ROOT | SL_HOST)) != 0) {
                    // VOLROOT and HOST name places outside this volume's tree; the volume's root is the best answer.
                    flush();
                    target.append('/');
                    separatorDue = false;
                } else {
                    if (separatorDue) {
                        target.append('/');
                        separatorDue = false;
                    }
                    if ((flags & SL_CURRENT) != 0) {
                        pending.writeBytes(new byte[] {'.'});
                    } else if ((flags & SL_PARENT) != 0) {
                        pending.writeBytes(new byte[] {'.', '.'});
                    } else {
                        pending.write(b, pos + 2, length);
                    }
                    if ((flags & SL_CONTINUE) == 0) {
                        flush();
                        separatorDue = true;
                    }
                }
                pos += 2 + length;
            }
        }

        private void flush() {
            target.append(FileNames.decodeBytes(pending.toByteArray()));
            pending.reset();
        }

        String target() {
            flush();
            return target.toString();
        }
    }
}
