package dev.vmboot.storage.internal.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionScheme;
import dev.vmboot.api.storage.PartitionTable;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.MemoryBlockDevice;

class PartitionTableReaderTest {
    private static final long MIB = 1 << 20;
    private static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    private static final String LINUX_FS = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

    @TempDir
    Path dir;

    private Path sparse(String name, long size) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    /** ESP (legacy-bootable), root, swap and an XBOOTLDR partition made by sgdisk on a 64 MiB file. */
    private Path sgdiskImage() throws IOException {
        Path img = sparse("gpt.img", 64 * MIB);
        ExternalTool.run("sgdisk", "-n", "1:2048:+8M", "-t", "1:ef00", "-c", "1:EFI système", "-A", "1:set:2",
                "-n", "2:0:+16M", "-t", "2:8304", "-c", "2:root", "-n", "3:0:+4M", "-t", "3:8200",
                "-n", "5:0:0", "-t", "5:ea00", "-c", "5:xbootldr", img.toString());
        return img;
    }

    private static PartitionTable read(Path img) throws IOException {
        try (BlockDevice d = FileBlockDevice.open(img)) {
            return PartitionTableReader.read(d);
        }
    }

    private static String sgdiskField(String output, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*([0-9A-F-]{36})").matcher(output);
        assertTrue(m.find(), label + " in " + output);
        return m.group(1);
    }

    @Test
    void gptFromSgdiskMatchesWhatSgdiskReports() throws IOException {
        Path img = sgdiskImage();
        PartitionTable t = read(img);
        assertEquals(PartitionScheme.GPT, t.scheme());
        assertEquals(List.of(), t.warnings());
        String printed = ExternalTool.run("sgdisk", "-p", img.toString());
        assertEquals(sgdiskField(printed, "Disk identifier (GUID):"), t.diskId());
        assertEquals(List.of(1, 2, 3, 5), t.partitions().stream().map(Partition::number).toList());

        Partition esp = t.partitions().get(0);
        assertEquals(2048 * 512L, esp.offset());
        assertEquals(8 * MIB, esp.length());
        assertEquals(ESP, esp.type());
        assertEquals("EFI System", esp.typeName());
        assertEquals("EFI système", esp.label());
        assertTrue(esp.bootable());
        for (Partition p : t.partitions()) {
            String info = ExternalTool.run("sgdisk", "-i", Integer.toString(p.number()), img.toString());
            assertEquals(sgdiskField(info, "Partition unique GUID:"), p.uniqueId());
            assertEquals(sgdiskField(info, "Partition GUID code:"), p.type());
        }
        assertEquals("Linux root (x86-64)", t.partitions().get(1).typeName());
        assertFalse(t.partitions().get(1).bootable());
        assertEquals("Linux swap", t.partitions().get(2).typeName());
        assertEquals("Linux extended boot (XBOOTLDR)", t.partitions().get(3).typeName());
        Partition last = t.partitions().get(3);
        assertTrue(last.offset() + last.length() <= 64 * MIB - 33 * 512, "ends before the backup array");
    }

    @Test
    void hybridMbrUsesTheGptAndWarns() throws IOException {
        Path img = sgdiskImage();
        ExternalTool.run("sgdisk", "-h", "1:2", img.toString());
        PartitionTable t = read(img);
        assertEquals(PartitionScheme.GPT, t.scheme());
        assertEquals(4, t.partitions().size());
        assertEquals(1, t.warnings().size(), t.warnings().toString());
        assertTrue(t.warnings().get(0).startsWith("hybrid MBR"), t.warnings().toString());
    }

    @Test
    void corruptPrimaryHeaderFallsBackToTheBackupWithAWarning() throws IOException {
        Path img = sgdiskImage();
        List<Partition> before = read(img).partitions();
        patch(img, 512 + 60, (byte) 0x5A); // a byte of the disk GUID: header CRC no longer matches
        PartitionTable t = read(img);
        assertEquals(before, t.partitions());
        assertEquals(1, t.warnings().size());
        String w = t.warnings().get(0);
        assertTrue(w.contains("primary GPT header (LBA 1) at byte 512: header CRC32"), w);
        assertTrue(w.contains("using the backup GPT header at LBA " + (64 * MIB / 512 - 1)), w);
    }

    @Test
    void corruptPrimaryEntryArrayFallsBackToTheBackup() throws IOException {
        Path img = sgdiskImage();
        List<Partition> before = read(img).partitions();
        patch(img, 1024 + 56, (byte) 'X'); // first letter of partition 1's name
        PartitionTable t = read(img);
        assertEquals(before, t.partitions());
        assertTrue(t.warnings().get(0).startsWith("primary GPT partition entry array (LBA 2) at byte 1024: CRC32"),
                t.warnings().toString());
    }

    @Test
    void bothHeadersCorruptIsAnErrorNamingBoth() throws IOException {
        Path img = sgdiskImage();
        // Flip bits of a disk-GUID byte: sgdisk's GUID is random, so setting a fixed value is a no-op 1 time in 256.
        patch(img, 512 + 60, (byte) (java.nio.file.Files.readAllBytes(img)[512 + 60] ^ 0x5A));
        patch(img, 64 * MIB - 512 + 8, (byte) 7); // backup header revision
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> read(img));
        assertTrue(e.getMessage().contains("primary GPT header (LBA 1) at byte 512"), e.getMessage());
        assertTrue(e.getMessage().contains("backup GPT header (LBA " + (64 * MIB / 512 - 1) + ") at byte "
                + (64 * MIB - 512)), e.getMessage());
    }

    @Test
    void damagedBackupIsOnlyAWarning() throws IOException {
        Path img = sgdiskImage();
        patch(img, 64 * MIB - 512 + 60, (byte) 0x5A);
        PartitionTable t = read(img);
        assertEquals(4, t.partitions().size());
        assertTrue(t.warnings().get(0).startsWith("backup GPT header"), t.warnings().toString());
    }

    @Test
    void mbrWithLogicalPartitionsNumberedLikeLinux() throws IOException {
        Path img = sparse("mbr.img", 64 * MIB);
        String name = img.getFileName().toString();
        String script = "label: dos\nlabel-id: 0x12345678\n"
                + name + "1 : start=2048, size=16384, type=83, bootable\n"
                + name + "2 : size=8192, type=c\n"
                + name + "3 : size=40960, type=f\n"
                + name + "5 : size=4096, type=83\n"
                + name + "6 : size=4096, type=82\n"
                + name + "7 : size=4096, type=7\n";
        Files.writeString(dir.resolve("script"), script);
        ExternalTool.run(dir, List.of("sh", "-c", "sfdisk -q " + name + " < script"));
        PartitionTable t = read(img);
        assertEquals(PartitionScheme.MBR, t.scheme());
        assertEquals("12345678", t.diskId());
        assertEquals(List.of(), t.warnings());

        List<long[]> expected = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(name) + "(\\d+) : start=\\s*(\\d+), size=\\s*(\\d+), type=(\\w+)")
                .matcher(ExternalTool.run("sfdisk", "-d", img.toString()));
        while (m.find()) {
            if (!m.group(4).equals("f")) {
                expected.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), Long.parseLong(m.group(4), 16)});
            }
        }
        assertEquals(5, expected.size());
        assertEquals(expected.size(), t.partitions().size());
        for (int i = 0; i < expected.size(); i++) {
            Partition p = t.partitions().get(i);
            long[] e = expected.get(i);
            assertEquals(e[0], p.number());
            assertEquals(e[1] * 512, p.offset());
            assertEquals(e[2] * 512, p.length());
            assertEquals(String.format("0x%02X", e[3]), p.type());
            assertEquals(String.format("12345678-%02x", e[0]), p.uniqueId());
        }
        assertEquals(List.of(1, 2, 5, 6, 7), t.partitions().stream().map(Partition::number).toList());
        assertTrue(t.partitions().get(0).bootable());
        assertFalse(t.partitions().get(1).bootable());
        assertEquals("W95 FAT32 (LBA)", t.partitions().get(1).typeName());
        assertEquals("Linux swap", t.partitions().get(3).typeName());
        assertEquals("HPFS/NTFS/exFAT", t.partitions().get(4).typeName());
    }

    @Test
    void aClassicMbrWinsOverALeftoverGptHeader() throws IOException {
        Path img = sgdiskImage();
        byte[] mbr = new byte[512];
        mbrEntryWithStatus(mbr, 0, 0, 0x80, 0x83, 2048, 8192);
        signature(mbr, 0);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(446);
            f.write(mbr, 446, 66);
        }
        PartitionTable t = read(img);
        assertEquals(PartitionScheme.MBR, t.scheme());
        assertEquals(1, t.partitions().size());
        assertEquals(8192 * 512L, t.partitions().get(0).length());
        assertTrue(t.warnings().get(0).startsWith("a GPT header at LBA 1 is ignored"), t.warnings().toString());
    }

    @Test
    void gptWithAnEmptyMbrIsUsedWithAWarning() throws IOException {
        Path img = sgdiskImage();
        patch(img, 446 + 4, (byte) 0); // protective entry's type byte
        PartitionTable t = read(img);
        assertEquals(PartitionScheme.GPT, t.scheme());
        assertEquals(4, t.partitions().size());
        assertTrue(t.warnings().get(0).startsWith("GPT, but the MBR has no partitions"), t.warnings().toString());
    }

    @Test
    void ebrChainThatLoopsIsCorrupt() throws IOException {
        byte[] disk = new byte[(int) (4 * MIB)];
        mbrEntry(disk, 0, 0, 0x05, 2048, 4096); // extended partition at LBA 2048
        signature(disk, 0);
        int ebr1 = 2048 * 512;
        mbrEntry(disk, ebr1, 0, 0x83, 63, 100); // logical 5
        mbrEntry(disk, ebr1, 1, 0x05, 1000, 200); // link to EBR at 3048
        signature(disk, ebr1);
        int ebr2 = 3048 * 512;
        mbrEntry(disk, ebr2, 0, 0x83, 63, 100); // logical 6
        mbrEntry(disk, ebr2, 1, 0x05, 0, 200); // link back to the first EBR
        signature(disk, ebr2);
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> PartitionTableReader.read(new MemoryBlockDevice(disk, 512)));
        assertEquals("EBR chain at byte " + ebr1 + ": loops back to the EBR at LBA 2048 after 2 EBRs",
                e.getMessage());
    }

    @Test
    void ebrLinkingToItselfIsCorrupt() {
        byte[] disk = new byte[(int) (2 * MIB)];
        mbrEntry(disk, 0, 0, 0x85, 100, 1000);
        signature(disk, 0);
        mbrEntry(disk, 100 * 512, 1, 0x05, 0, 10); // relative 0: itself
        signature(disk, 100 * 512);
        assertThrows(CorruptFilesystemException.class, () -> PartitionTableReader.read(new MemoryBlockDevice(disk,
                512)));
    }

    @Test
    void partitionsOutsideTheDiskAreSkippedWithAWarning() throws IOException {
        byte[] disk = new byte[(int) MIB];
        mbrEntryWithStatus(disk, 0, 0, 0x80, 0x83, 64, 512);
        mbrEntry(disk, 0, 1, 0x0C, 1024, 4096); // past the end
        signature(disk, 0);
        PartitionTable t = PartitionTableReader.read(new MemoryBlockDevice(disk, 512));
        assertEquals(List.of(1), t.partitions().stream().map(Partition::number).toList());
        assertEquals(1, t.warnings().size());
        assertTrue(t.warnings().get(0).startsWith("MBR partition 2 (LBA 1024 + 4096) extends past the end"));
    }

    @Test
    void mbrWhoseEntriesAllLieOutsideTheDiskIsCorrupt() {
        byte[] disk = new byte[(int) MIB];
        mbrEntry(disk, 0, 0, 0x83, 100_000, 512);
        signature(disk, 0);
        assertThrows(CorruptFilesystemException.class, () -> PartitionTableReader.read(new MemoryBlockDevice(disk,
                512)));
    }

    @Test
    void gptWith4096ByteSectorsOnAnImageFile() throws IOException {
        Path img = dir.resolve("4kn.img");
        GptImage.write(img, 64 * MIB, 4096, List.of(
                new GptImage.Entry(ESP, "AAAAAAAA-0000-0000-0000-000000000001", 256, 2303, 0, "ESP"),
                new GptImage.Entry(LINUX_FS, "AAAAAAAA-0000-0000-0000-000000000002", 2304, 6399, 0, "data")));
        PartitionTable t = read(img);
        assertEquals(PartitionScheme.GPT, t.scheme());
        assertEquals(GptImage.DISK_GUID, t.diskId());
        assertEquals(256 * 4096L, t.partitions().get(0).offset());
        assertEquals(2048 * 4096L, t.partitions().get(0).length());
        assertEquals(2304 * 4096L, t.partitions().get(1).offset());
        assertEquals("data", t.partitions().get(1).label());
        assertEquals(List.of("GPT header found with 4096-byte sectors on a device with 512-byte sectors; using 4096"),
                t.warnings());

        try (BlockDevice native4k = FileBlockDevice.open(img, Files.size(img), 4096)) {
            PartitionTable n = PartitionTableReader.read(native4k);
            assertEquals(t.partitions(), n.partitions());
            assertEquals(List.of(), n.warnings());
        }
    }

    @Test
    void gpt4096WithBadPrimaryUsesTheBackup() throws IOException {
        Path img = dir.resolve("4kn.img");
        GptImage.write(img, 32 * MIB, 4096, List.of(
                new GptImage.Entry(LINUX_FS, "AAAAAAAA-0000-0000-0000-000000000002", 256, 511, 0, "data")));
        patch(img, 4096, (byte) 0); // the "E" of the primary signature
        PartitionTable t = read(img);
        assertEquals(1, t.partitions().size());
        assertEquals(256 * 4096L, t.partitions().get(0).offset());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("using the backup GPT header")),
                t.warnings().toString());
    }

    @Test
    void handMadeGptPassesSgdiskVerification() throws IOException {
        Path img = dir.resolve("512.img");
        GptImage.write(img, 16 * MIB, 512, List.of(
                new GptImage.Entry(LINUX_FS, "AAAAAAAA-0000-0000-0000-000000000002", 2048, 4095, 0, "data")));
        String verify = ExternalTool.run("sgdisk", "-v", img.toString());
        assertTrue(verify.contains("No problems found"), verify);
        assertEquals(List.of(), read(img).warnings());
    }

    @Test
    void unpartitionedFatAndIsoHaveNoTable() throws IOException {
        Path fat = dir.resolve("fat.img");
        ExternalTool.run("mkfs.fat", "-C", fat.toString(), "8192");
        assertEquals(new PartitionTable(PartitionScheme.NONE, "", List.of(), List.of()), read(fat));
        Path fat32 = dir.resolve("fat32.img");
        ExternalTool.run("mkfs.fat", "-F", "32", "-C", fat32.toString(), "40000");
        assertEquals(PartitionScheme.NONE, read(fat32).scheme());

        Files.createDirectories(dir.resolve("tree"));
        Files.writeString(dir.resolve("tree/a.txt"), "a");
        Path iso = dir.resolve("plain.iso");
        ExternalTool.run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-o", iso.toString(),
                dir.resolve("tree").toString());
        assertEquals(PartitionScheme.NONE, read(iso).scheme());
    }

    @Test
    void isohybridWithAnAppendedEspListsItsPartitions() throws IOException {
        Path esp = dir.resolve("esp.img");
        ExternalTool.run("mkfs.fat", "-C", esp.toString(), "1440");
        Files.createDirectories(dir.resolve("tree"));
        Files.writeString(dir.resolve("tree/a.txt"), "a");
        Path iso = dir.resolve("hybrid.iso");
        ExternalTool.run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-append_partition", "2", "0xef",
                esp.toString(), "-o", iso.toString(), dir.resolve("tree").toString());
        PartitionTable t = read(iso);
        assertEquals(PartitionScheme.MBR, t.scheme());
        assertEquals(List.of(1, 2), t.partitions().stream().map(Partition::number).toList());
        assertEquals(0, t.partitions().get(0).offset());
        assertEquals("EFI System", t.partitions().get(1).typeName());
        assertTrue(t.warnings().stream().anyMatch(w -> w.startsWith("ISO 9660 hybrid image")));
    }

    @Test
    void guidTextUsesTheMixedEndianForm() {
        byte[] b = GptImage.guid(ESP);
        assertEquals((byte) 0x28, b[0]);
        assertEquals(ESP, UefiGuid.toText(b, 0));
    }

    static void mbrEntry(byte[] disk, int sectorOffset, int slot, int type, long first, long sectors) {
        mbrEntryWithStatus(disk, sectorOffset, slot, 0, type, first, sectors);
    }

    static void mbrEntryWithStatus(byte[] disk, int sectorOffset, int slot, int status, int type, long first,
            long sectors) {
        int at = sectorOffset + 446 + 16 * slot;
        disk[at] = (byte) status;
        disk[at + 4] = (byte) type;
        for (int i = 0; i < 4; i++) {
            disk[at + 8 + i] = (byte) (first >>> (8 * i));
            disk[at + 12 + i] = (byte) (sectors >>> (8 * i));
        }
    }

    static void signature(byte[] disk, int sectorOffset) {
        disk[sectorOffset + 510] = 0x55;
        disk[sectorOffset + 511] = (byte) 0xAA;
    }

    private static void patch(Path img, long offset, byte value) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(offset);
            f.write(value);
        }
    }
}
