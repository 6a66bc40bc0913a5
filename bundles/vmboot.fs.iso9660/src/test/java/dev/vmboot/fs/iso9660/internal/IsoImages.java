package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vmboot.testkit.ExternalTool;

/** Builds ISO images for tests with xorriso and genisoimage, and reads listings back with isoinfo. */
final class IsoImages {
    /**
     * One line of {@code isoinfo -l}: mode, links, uid, gid, size, date, {@code [extent flags]}, name (with
     * {@code -> target} for a Rock Ridge symlink).
     */
    private static final Pattern ENTRY = Pattern.compile(
            "^([-dlcbps])\\S{9}\\s+\\d+\\s+\\d+\\s+\\d+\\s+(\\d+) \\w{3} [ \\d]\\d \\d{4} \\[\\s*\\d+ [0-9A-F]+\\]  (.*?) ?$");
    private static final String HEADER = "Directory listing of ";

    private IsoImages() {
    }

    /** {@code xorriso -as mkisofs OPTIONS -o image tree}. */
    static Path xorriso(Path image, Path tree, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-quiet"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-o", image.toString(), tree.toString()));
        ExternalTool.run(null, cmd);
        return image;
    }

    /** {@code genisoimage OPTIONS -o image tree}. */
    static Path genisoimage(Path image, Path tree, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("genisoimage", "-quiet"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-o", image.toString(), tree.toString()));
        ExternalTool.run(null, cmd);
        return image;
    }

    /**
     * {@code xorriso -as mkisofs OPTIONS -o - tree} written to {@code image} as a sparse file: runs of zero MiBs are
     * skipped instead of written, so an image holding a multi-GiB sparse file costs no disk space.
     */
    static Path xorrisoSparse(Path image, Path tree, Path log, String... options) throws IOException {
        ExternalTool.requireOnPath("xorriso");
        List<String> cmd = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-quiet"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-o", "-", tree.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        byte[] buf = new byte[1 << 20];
        byte[] zeros = new byte[buf.length];
        long position = 0;
        try (InputStream in = p.getInputStream();
                FileChannel out = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                if (Arrays.mismatch(buf, 0, n, zeros, 0, n) >= 0) {
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb, position + bb.position());
                    }
                }
                position += n;
            }
            if (out.size() < position) {
                out.write(ByteBuffer.wrap(new byte[1]), position - 1);
            }
        }
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return image;
    }

    /**
     * The tree {@code isoinfo -l} (with {@code flags} such as {@code -R} or {@code -J}) lists: path to {@code type
     * size [-> target]}, without '.' and '..'. Plain names keep their {@code ;1} as isoinfo prints them.
     */
    static SortedMap<String, String> isoinfoListing(Path image, String... flags) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("isoinfo", "-i", image.toString(), "-l"));
        cmd.addAll(List.of(flags));
        String out = ExternalTool.run(null, cmd);
        SortedMap<String, String> tree = new TreeMap<>();
        String dir = null;
        for (String line : out.split("\n")) {
            if (line.startsWith(HEADER)) {
                dir = line.substring(HEADER.length());
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (dir == null || !m.matches()) {
                continue;
            }
            String name = m.group(3);
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            char type = m.group(1).charAt(0);
            String target = "";
            int arrow = name.indexOf(" -> ");
            if (type == 'l' && arrow >= 0) {
                target = " -> " + name.substring(arrow + 4);
                name = name.substring(0, arrow);
            }
            tree.put(dir + name, type + " " + m.group(2) + target);
        }
        return tree;
    }
}
