package dev.vmboot.virtio.blk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code path=...,readonly=...,serial=...}: defaults, and errors that name the option. */
class BlkOptionsTest {

    static IllegalArgumentException refused(Map<String, String> options) {
        return assertThrows(IllegalArgumentException.class, () -> BlkOptions.parse(options));
    }

    static void assertMentions(IllegalArgumentException e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), () -> "'" + w + "' not in: " + e.getMessage());
        }
    }

    @Test
    void readOnlyUnlessAsked() {
        BlkOptions o = BlkOptions.parse(Map.of("path", "/var/lib/images/disk.raw"));
        assertEquals(Path.of("/var/lib/images/disk.raw"), o.path());
        assertTrue(o.readOnly());
        assertTrue(BlkOptions.parse(Map.of("path", "d.img", "readonly", "true")).readOnly());
        assertTrue(BlkOptions.parse(Map.of("path", "d.img", "readonly", "TRUE")).readOnly());
        assertFalse(BlkOptions.parse(Map.of("path", "d.img", "readonly", "false")).readOnly());
    }

    @Test
    void theSerialDefaultsToTheFileNamesFirstTwentyPrintableCharacters() {
        assertEquals("sda", BlkOptions.parse(Map.of("path", "/dev/sda")).serial());
        assertEquals("debian-12-generic-am",
                BlkOptions.parse(Map.of("path", "/img/debian-12-generic-amd64.raw")).serial());
        assertEquals("disk_1.img", BlkOptions.parse(Map.of("path", "/img/disk\u00e91.img")).serial());
        assertEquals("", BlkOptions.parse(Map.of("path", "/")).serial());
    }

    @Test
    void theDeviceIdIsTheSerialNulPaddedToTwentyBytes() {
        byte[] id = BlkOptions.parse(Map.of("path", "x", "serial", "VMBOOT-1")).deviceId();
        assertEquals(20, id.length);
        assertArrayEquals("VMBOOT-1".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(id, 8));
        assertArrayEquals(new byte[12], Arrays.copyOfRange(id, 8, 20));
        byte[] full = BlkOptions.parse(Map.of("path", "x", "serial", "ABCDEFGHIJKLMNOPQRST")).deviceId();
        assertArrayEquals("ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII), full);
        assertArrayEquals(new byte[20], BlkOptions.parse(Map.of("path", "x", "serial", "")).deviceId());
    }

    @Test
    void pathIsRequired() {
        assertMentions(refused(Map.of()), "'path'", "required");
        assertMentions(refused(Map.of("path", " ")), "'path'", "required");
        assertMentions(refused(Map.of("readonly", "false")), "'path'", "required");
        assertMentions(refused(Map.of("path", "a\0b")), "'path'");
    }

    @Test
    void anUnknownOptionIsNamedWithWhatIsAccepted() {
        assertMentions(refused(Map.of("path", "d.img", "ro", "true")), "'ro'", "path=", "readonly=true|false",
                "serial=");
        assertMentions(refused(Map.of("path", "d.img", "discard", "on")), "'discard'");
    }

    @Test
    void readonlyAcceptsTrueOrFalseOnly() {
        for (String bad : new String[] { "yes", "1", "", "on", "falsey" }) {
            assertMentions(refused(Map.of("path", "d.img", "readonly", bad)), "'readonly'", "true or false",
                    "'" + bad + "'");
        }
    }

    @Test
    void serialIsPrintableAsciiOfAtMostTwentyBytes() {
        assertMentions(refused(Map.of("path", "d.img", "serial", "ABCDEFGHIJKLMNOPQRSTU")), "'serial'", "21",
                "at most 20");
        assertMentions(refused(Map.of("path", "d.img", "serial", "caf\u00e9")), "'serial'", "printable ASCII",
                "U+00E9");
        assertMentions(refused(Map.of("path", "d.img", "serial", "a\nb")), "'serial'", "U+000A");
    }
}
