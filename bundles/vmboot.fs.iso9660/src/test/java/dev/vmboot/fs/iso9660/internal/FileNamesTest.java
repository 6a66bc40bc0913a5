package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.fs.CorruptFilesystemException;

class FileNamesTest {

    @Test
    void plainNamesLoseVersionAndEmptyExtensionDot() throws CorruptFilesystemException {
        assertEquals("README", plain("README.;1"));
        assertEquals("VMLINUZ.EFI", plain("VMLINUZ.EFI;1"));
        assertEquals("OLD.TXT", plain("OLD.TXT;32767"));
        assertEquals("DIR", plain("DIR"));
        assertEquals("A;B", plain("A;B"));
        assertThrows(CorruptFilesystemException.class, () -> plain(";1"));
        assertThrows(CorruptFilesystemException.class, () -> plain("A/B;1"));
    }

    @Test
    void jolietNamesAreUcs2WithoutVersionOrTrailingDots() throws CorruptFilesystemException {
        assertEquals("Grüße.txt", joliet("Grüße.txt;1"));
        assertEquals("name", joliet("name..."));
        assertEquals("emoji-🚀", joliet("emoji-🚀"));
        assertThrows(CorruptFilesystemException.class,
                () -> FileNames.joliet(new byte[] {0, 'a', 0}, "test", 0));
    }

    private static String plain(String s) throws CorruptFilesystemException {
        return FileNames.plain(s.getBytes(StandardCharsets.ISO_8859_1), "test", 0);
    }

    private static String joliet(String s) throws CorruptFilesystemException {
        return FileNames.joliet(s.getBytes(StandardCharsets.UTF_16BE), "test", 0);
    }
}
