package dev.vmboot.payload;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Writes an initramfs: a cpio archive in the "newc" format (what the kernel unpacks, Documentation/driver-api/
 * early-userspace/buffer-format.rst) through Commons Compress. Every entry is owned by root; entries copied from a
 * file keep its modification time, the others get one given time; inodes are numbered in write order: the same
 * inputs give the same bytes. Parent directories are added
 * (0755) before the first entry below them; a name already written is refused.
 */
public final class NewcCpioWriter implements Closeable {
    private final CpioArchiveOutputStream cpio;
    private final long mtimeSeconds;
    private final Set<String> names = new HashSet<>();
    private long nextInode = 1;

    /** @param mtimeSeconds the modification time of every entry, seconds since the epoch */
    public NewcCpioWriter(OutputStream out, long mtimeSeconds) {
        this.cpio = new CpioArchiveOutputStream(out, CpioConstants.FORMAT_NEW, CpioConstants.BLOCK_SIZE,
                StandardCharsets.UTF_8.name());
        this.mtimeSeconds = mtimeSeconds;
    }

    public void directory(String name, int perm) throws IOException {
        put(name, CpioConstants.C_ISDIR | perm, 0, 2);
        cpio.closeArchiveEntry();
    }

    public void file(String name, int perm, byte[] content) throws IOException {
        put(name, CpioConstants.C_ISREG | perm, content.length, 1);
        cpio.write(content);
        cpio.closeArchiveEntry();
    }

    /**
     * A regular file with SOURCE's bytes, streamed, and its modification time (the JDK's class-data archive checks
     * that of lib/modules).
     */
    public void file(String name, int perm, Path source) throws IOException {
        long size = Files.size(source);
        put(name, CpioConstants.C_ISREG | perm, size, 1,
                Files.getLastModifiedTime(source).to(TimeUnit.SECONDS));
        try (InputStream in = Files.newInputStream(source)) {
            long copied = in.transferTo(cpio);
            if (copied != size) {
                throw new IOException(source + " changed size while it was archived");
            }
        }
        cpio.closeArchiveEntry();
    }

    public void symlink(String name, String target) throws IOException {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        put(name, CpioConstants.C_ISLNK | 0777, t.length, 1);
        cpio.write(t);
        cpio.closeArchiveEntry();
    }

    /** A character device node (e.g. dev/console, 5:1, which the kernel opens before /init runs). */
    public void charDevice(String name, int perm, int major, int minor) throws IOException {
        put(name, CpioConstants.C_ISCHR | perm, 0, 1, mtimeSeconds, major, minor);
        cpio.closeArchiveEntry();
    }

    /** Whether NAME has been written (as any kind of entry). */
    public boolean contains(String name) {
        return names.contains(name);
    }

    /** Writes the trailer; the underlying stream stays open. */
    public void finish() throws IOException {
        cpio.finish();
    }

    /** Finishes the archive (if not yet) and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        cpio.close();
    }

    private void put(String name, int mode, long size, int links) throws IOException {
        put(name, mode, size, links, mtimeSeconds, 0, 0);
    }

    private void put(String name, int mode, long size, int links, long mtime) throws IOException {
        put(name, mode, size, links, mtime, 0, 0);
    }

    private void put(String name, int mode, long size, int links, long mtime, int rdevMajor, int rdevMinor)
            throws IOException {
        checkName(name);
        int slash = name.lastIndexOf('/');
        if (slash > 0 && !names.contains(name.substring(0, slash))) {
            directory(name.substring(0, slash), 0755);
        }
        if (!names.add(name)) {
            throw new IOException("the initramfs already holds " + name);
        }
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, size);
        e.setMode(mode);
        e.setInode(nextInode++);
        e.setNumberOfLinks(links);
        e.setUID(0);
        e.setGID(0);
        e.setTime(mtime);
        e.setRemoteDeviceMaj(rdevMajor);
        e.setRemoteDeviceMin(rdevMinor);
        cpio.putArchiveEntry(e);
    }

    private static void checkName(String name) throws IOException {
        if (name.isEmpty() || name.startsWith("/") || name.endsWith("/")) {
            throw new IOException("not a relative path for the initramfs: \"" + name + "\"");
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IOException("not a plain path for the initramfs: \"" + name + "\"");
            }
        }
    }
}
