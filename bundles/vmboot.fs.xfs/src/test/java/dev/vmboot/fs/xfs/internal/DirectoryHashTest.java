package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** xfs_da_hashname against the values {@code xfs_db -c 'hash NAME'} prints (xfsprogs 6.1). */
class DirectoryHashTest {
    @ParameterizedTest
    @CsvSource({
        "a, 0x61",
        "ab, 0x30e2",
        "abc, 0x187163",
        "abcd, 0xc38b1e4",
        "entry-000123-with-a-longer-name, 0xb8a152a4",
        "grüße.txt, 0x97a62d73"})
    void matchesXfsDb(String name, String hex) {
        assertEquals(Long.parseLong(hex.substring(2), 16),
                DirectoryHash.of(name.getBytes(StandardCharsets.UTF_8)) & 0xffffffffL);
    }
}
