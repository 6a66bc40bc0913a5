package dev.vmboot.boottests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Disk images for the virtio-blk tests, made by {@code platforms/qemu/guest/make-disk.sh} (no root, no loop device,
 * no mount), and the sha256 sums the tests compare with what the guest read.
 */
final class GuestDisks {

    static final long MIB = 1L << 20;
    /** Where the initramfs's write:PATTERN and ro-check actions write their 4 KiB block (make-initramfs.sh). */
    static final long PROBE_OFFSET = MIB;
    static final int PROBE_BLOCK = 4096;

    /** Bounds the script: a 64 MiB data disk takes about a second here, several under TCG in the lab. */
    private static final long SCRIPT_TIMEOUT_MINUTES = 5;

    private GuestDisks() {
    }

    /** A raw disk of SIZE_MIB MiB whose every sector names itself ({@code make-disk.sh data}). */
    static Path data(BootTestEnvironment env, Path out, int sizeMib) throws IOException, InterruptedException {
        return make(env, out, List.of("data", out.toString(), Integer.toString(sizeMib)));
    }

    /**
     * A GPT disk of SIZE_MIB MiB with one FAT32 EFI system partition holding each file at its path
     * ({@code make-disk.sh esp}); FILES maps a path in the partition (EFI/BOOT/BOOTX64.EFI) to a host file.
     */
    static Path esp(BootTestEnvironment env, Path out, int sizeMib, Map<String, Path> files)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("esp", out.toString(), Integer.toString(sizeMib)));
        files.forEach((dest, src) -> args.add(dest + "=" + src));
        return make(env, out, args);
    }

    /** Writes TEXT to a file in DIR (an ESP's startup.nsh or grub.cfg before it goes into the image). */
    static Path text(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private static Path make(BootTestEnvironment env, Path out, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(env.sourceRoot().resolve("platforms/qemu/guest/make-disk.sh").toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + SCRIPT_TIMEOUT_MINUTES
                    + " min");
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + output);
        }
        return out;
    }

    /** The block write:PATTERN writes: PATTERN's ASCII bytes, then zero bytes to 4 KiB. */
    static byte[] probeBlock(String pattern) {
        byte[] block = new byte[PROBE_BLOCK];
        byte[] text = pattern.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, block, 0, text.length);
        return block;
    }

    /** The sha256 (lower-case hex) of a whole file. */
    static String sha256(Path file) throws IOException {
        return sha256(file, -1, null);
    }

    /**
     * The sha256 the file would have with BLOCK at byte OFFSET instead of its own bytes there (the image a guest's
     * write should leave), or of the file as it is when BLOCK is null.
     */
    static String sha256(Path file, long offset, byte[] block) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 20];
        long pos = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (block != null) {
                    // the part of [offset, offset + block.length) that falls into buf[0, n)
                    long from = Math.max(offset, pos);
                    long to = Math.min(offset + block.length, pos + n);
                    if (from < to) {
                        System.arraycopy(block, (int) (from - offset), buf, (int) (from - pos), (int) (to - from));
                    }
                }
                md.update(buf, 0, n);
                pos += n;
            }
        }
        if (block != null && offset + block.length > pos) {
            throw new IOException(file + " ends before byte " + (offset + block.length));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** LENGTH bytes of FILE from byte OFFSET (fewer where the file ends first). */
    static byte[] read(Path file, long offset, int length) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            ch.position(offset);
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                continue;
            }
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }
}
