package dev.vmboot.fs.fat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The small on-disk codings: FAT type thresholds, 8.3 names and checksums, packed dates. */
class FatStructuresTest {
    @Test
    void fatTypeThresholdsAreTheSpecsOnes() {
        assertEquals(FatType.FAT12, FatType.forClusterCount(1));
        assertEquals(FatType.FAT12, FatType.forClusterCount(4084));
        assertEquals(FatType.FAT16, FatType.forClusterCount(4085));
        assertEquals(FatType.FAT16, FatType.forClusterCount(65524));
        assertEquals(FatType.FAT32, FatType.forClusterCount(65525));
        assertEquals(6, FatType.FAT12.bytesFor(4));
        assertEquals(8, FatType.FAT12.bytesFor(5));
    }

    /** mtools wrote checksum 0x70 in the long-name entries before the 8.3 entry "EMOJI-_ TXT". */
    @Test
    void shortNameChecksumMatchesMtools() {
        assertEquals(0x70, ShortName.checksum("EMOJI-_ TXT".getBytes(StandardCharsets.US_ASCII), 0));
    }

    @Test
    void shortNamesApplyCaseBitsAndTheE5Escape() {
        byte[] name = "README  TXT".getBytes(StandardCharsets.US_ASCII);
        assertEquals("README.TXT", ShortName.decode(name, 0, 0));
        assertEquals("readme.TXT", ShortName.decode(name, 0, ShortName.LOWER_CASE_BASE));
        assertEquals("README.txt", ShortName.decode(name, 0, ShortName.LOWER_CASE_EXTENSION));
        assertEquals("NOEXT", ShortName.decode("NOEXT      ".getBytes(StandardCharsets.US_ASCII), 0, 0));
        byte[] kanji = "_ABC    TXT".getBytes(StandardCharsets.US_ASCII);
        kanji[0] = 0x05;
        assertEquals("\u03C3ABC.TXT", ShortName.decode(kanji, 0, 0), "0x05 stands for 0xE5, CP437 small sigma");
        byte[] greek = {'A', (byte) 0xE4, (byte) 0xE5, ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
        assertEquals("A\u03A3\u03C3", ShortName.decode(greek, 0, 0), "CP437 0xE4 is capital, 0xE5 small sigma");
        byte[] oem = {'G', 'R', (byte) 0x9A, (byte) 0xE1, 'E', ' ', ' ', ' ', 'T', 'X', 'T'};
        assertEquals("grüße.txt", ShortName.decode(oem, 0, 0x18));
        assertEquals("", ShortName.decodeLabel("NO NAME    ".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("ESP", ShortName.decodeLabel("ESP        ".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Date 0x5D79 and time 0x3190, as mtools wrote them, are 2026-11-25 06:12:32. */
    @Test
    void packedDatesAndTimesDecode() {
        assertEquals(Instant.parse("2026-11-25T06:12:32Z"), FatTimestamp.of(0x5D79, 0x3190));
        assertEquals(Instant.parse("1980-01-01T00:00:00Z"), FatTimestamp.of(0x0021, 0));
        assertEquals(Instant.EPOCH, FatTimestamp.of(0, 0), "month 0 is not a date");
        assertEquals(Instant.EPOCH, FatTimestamp.of(0x0021, 0xFFFF), "hour 31 is not a time");
    }
}
