package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileType;

/** RRIP entries built by hand (IEEE P1282 RRIP 1.12, section 4), for the flags the mastering tools rarely write. */
class RockRidgeTest {

    @Test
    void symlinkComponentsJoinWithSlashesUnlessContinued() throws CorruptFilesystemException {
        // "/usr/../lib/./lo" + "ng-name" continued in a second component record, spread over two SL entries.
        SuspEntry first = sl(0x01, component(0x08, ""), component(0, "usr"), component(0x04, ""),
                component(0, "lib"));
        SuspEntry second = sl(0, component(0x02, ""), component(0x01, "lo"), component(0, "ng-name"));
        RockRidge rr = RockRidge.parse(List.of(first, second), "test");
        assertEquals("/usr/../lib/./long-name", rr.symlink());
    }

    @Test
    void aComponentContinuedIntoTheNextEntryStaysWhole() throws CorruptFilesystemException {
        SuspEntry first = sl(0x01, component(0, "a"), component(0x01, "bc"));
        SuspEntry second = sl(0, component(0, "de"), component(0, "f"));
        assertEquals("a/bcde/f", RockRidge.parse(List.of(first, second), "test").symlink());
    }

    @Test
    void relativeLinkToTheParent() throws CorruptFilesystemException {
        assertEquals("../x", RockRidge.parse(List.of(sl(0, component(0x04, ""), component(0, "x"))), "t")
                .symlink());
    }

    @Test
    void namePiecesJoinAcrossNmEntries() throws CorruptFilesystemException {
        RockRidge rr = RockRidge.parse(List.of(nm(0x01, "a-name-split-"), nm(0, "in-two.txt")), "test");
        assertEquals("a-name-split-in-two.txt", rr.name());
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> RockRidge.parse(List.of(nm(0, "one"), nm(0, "two")), "test"));
        assertTrue(e.getMessage().contains("CONTINUE"), e.getMessage());
    }

    @Test
    void namesThatAreNotUtf8KeepTheirBytesAsLatin1() throws CorruptFilesystemException {
        SuspEntry latin1 = entry("NM", new byte[] {0, 'c', 'a', 'f', (byte) 0xE9});
        assertEquals("café", RockRidge.parse(List.of(latin1), "t").name());
    }

    @Test
    void modeTimesAndRelocationEntries() throws CorruptFilesystemException {
        byte[] px = new byte[32];
        both32(px, 0, 0120777);
        // TF with CREATION and MODIFY in the 17-byte long form: the second timestamp is the modification time.
        ByteArrayOutputStream tf = new ByteArrayOutputStream();
        tf.write(0x80 | 0x02 | 0x01);
        tf.writeBytes("2001020304050600".getBytes(StandardCharsets.US_ASCII));
        tf.write(0);
        tf.writeBytes("2024123123595999".getBytes(StandardCharsets.US_ASCII));
        tf.write(4); // GMT+1
        byte[] cl = new byte[8];
        both32(cl, 0, 1234);
        RockRidge rr = RockRidge.parse(List.of(entry("PX", px), entry("TF", tf.toByteArray()), entry("CL", cl),
                entry("RE", new byte[0])), "test");
        assertEquals(FileType.SYMLINK, FileType.fromMode(rr.mode()));
        assertEquals(Instant.parse("2024-12-31T22:59:59.990Z"), rr.modified());
        assertEquals(1234, rr.childLink());
        assertTrue(rr.relocated());
        assertNull(rr.name());
    }

    @Test
    void shortEntriesAndDisagreeingCopiesAreCorrupt() {
        byte[] px = new byte[32];
        both32(px, 0, 0100644);
        px[7] ^= 1;
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> RockRidge.parse(List.of(entry("PX", px)), "test"));
        assertTrue(e.getMessage().contains("file mode"), e.getMessage());
        assertThrows(CorruptFilesystemException.class,
                () -> RockRidge.parse(List.of(entry("PX", new byte[10])), "test"));
        assertThrows(CorruptFilesystemException.class,
                () -> RockRidge.parse(List.of(entry("TF", new byte[] {0x02, 1, 2})), "test"));
        assertThrows(CorruptFilesystemException.class,
                () -> RockRidge.parse(List.of(sl(0, new byte[] {0, 9, 'a'})), "test"));
    }

    static SuspEntry sl(int flags, byte[]... components) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(flags);
        for (byte[] c : components) {
            data.writeBytes(c);
        }
        return entry("SL", data.toByteArray());
    }

    static byte[] component(int flags, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[2 + t.length];
        c[0] = (byte) flags;
        c[1] = (byte) t.length;
        System.arraycopy(t, 0, c, 2, t.length);
        return c;
    }

    static SuspEntry nm(int flags, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[1 + t.length];
        data[0] = (byte) flags;
        System.arraycopy(t, 0, data, 1, t.length);
        return entry("NM", data);
    }

    static SuspEntry entry(String signature, byte[] data) {
        byte[] b = new byte[4 + data.length];
        b[0] = (byte) signature.charAt(0);
        b[1] = (byte) signature.charAt(1);
        b[2] = (byte) b.length;
        b[3] = 1;
        System.arraycopy(data, 0, b, 4, data.length);
        return new SuspEntry(signature, 1, b, 0);
    }

    static void both32(byte[] b, int at, long v) {
        IsoCorruptionTest.putBoth32(b, at, v);
    }
}
