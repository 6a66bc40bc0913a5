package dev.vmboot.fs.ext4.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vmboot.testkit.ExternalTool;

/** The htree name hashes against debugfs's {@code dx_hash}, every version, signed and unsigned, seeded or not. */
class DirectoryHashTest {
    private static final String SEED = "6f5a5d2c-7ab9-4f0c-b3a1-0d7e6a5b4c3d";
    private static final Pattern RESULT = Pattern.compile("is 0x([0-9a-f]+) \\(minor");

    @TempDir
    static Path work;
    static Path image;

    @BeforeAll
    static void image() throws IOException {
        image = Ext4Images.mkfs(work.resolve("h.img"), 1 << 20, null, "-t", "ext2");
    }

    @ParameterizedTest(name = "version {0}: {1}")
    @CsvSource({
        "0, a", "1, a", "2, a", "3, a", "4, a", "5, a",
        "0, entry-000123-with-a-longer-name", "1, entry-000123-with-a-longer-name",
        "2, entry-000123-with-a-longer-name", "4, entry-000123-with-a-longer-name",
        "0, grüße-Ελληνικά-日本語のファイル-emoji-🚀-and-more-than-32-bytes",
        "1, grüße-Ελληνικά-日本語のファイル-emoji-🚀-and-more-than-32-bytes",
        "2, grüße-Ελληνικά-日本語のファイル-emoji-🚀-and-more-than-32-bytes",
        "3, grüße-Ελληνικά-日本語のファイル-emoji-🚀-and-more-than-32-bytes",
        "4, grüße-Ελληνικά-日本語のファイル-emoji-🚀-and-more-than-32-bytes",
        "5, grüße-Ελληνικά-日本語のファイル-emoji-🚀-and-more-than-32-bytes",
        "1, exactly-thirty-two-bytes-long-xx", "2, sixteen-bytes-xx"})
    void matchesDebugfs(int version, String name) throws IOException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        assertEquals(debugfs(version, name, null), DirectoryHash.hash(bytes, version, new int[4]), "default seed");
        assertEquals(debugfs(version, name, SEED), DirectoryHash.hash(bytes, version, seedWords(SEED)), "seeded");
    }

    /** s_hash_seed is a UUID read as four little-endian words. */
    private static int[] seedWords(String uuid) {
        UUID u = UUID.fromString(uuid);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (u.getMostSignificantBits() >>> (56 - 8 * i));
            b[8 + i] = (byte) (u.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return new int[] {LittleEndian.s32(b, 0), LittleEndian.s32(b, 4), LittleEndian.s32(b, 8),
            LittleEndian.s32(b, 12)};
    }

    private static int debugfs(int version, String name, String seed) throws IOException {
        String cmd = "dx_hash -h " + version + (seed != null ? " -s " + seed : "") + " " + name;
        String out = ExternalTool.run("debugfs", "-R", cmd, image.toString());
        Matcher m = RESULT.matcher(out);
        if (!m.find()) {
            throw new IOException("unexpected debugfs output: " + out);
        }
        // debugfs prints the hash with the low (collision) bit already cleared, as the reader uses it.
        return (int) Long.parseLong(m.group(1), 16);
    }
}
