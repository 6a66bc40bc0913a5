package dev.vmboot.storage.internal.partition;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a GPT (UEFI 2.10 §5.3) into a sparse file with any sector size, for the cases sgdisk/sfdisk cannot make on
 * a plain file (4096-byte sectors). Checked against sgdisk's verifier in {@code PartitionTableReaderTest}.
 */
final class GptImage {
    static final String DISK_GUID = "11223344-5566-7788-99AA-BBCCDDEEFF00";

    record Entry(String type, String unique, long firstLba, long lastLba, long attributes, String name) {
    }

    private GptImage() {
    }

    static void write(Path file, long size, int sectorSize, List<Entry> entries) throws IOException {
        long lastLba = size / sectorSize - 1;
        int count = 128;
        int arrayBytes = count * 128;
        long arraySectors = (arrayBytes + sectorSize - 1) / sectorSize;
        ByteBuffer array = ByteBuffer.allocate(arrayBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            array.position(i * 128);
            array.put(guid(e.type())).put(guid(e.unique())).putLong(e.firstLba()).putLong(e.lastLba())
                    .putLong(e.attributes()).put(e.name().getBytes(StandardCharsets.UTF_16LE));
        }
        CRC32 arrayCrc = new CRC32();
        arrayCrc.update(array.array());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            f.seek(0);
            f.write(protectiveMbr(lastLba));
            f.seek(sectorSize);
            f.write(header(sectorSize, 1, lastLba, 2, count, arrayCrc.getValue(), 2 + arraySectors,
                    lastLba - arraySectors - 1));
            f.seek(2L * sectorSize);
            f.write(array.array());
            f.seek((lastLba - arraySectors) * sectorSize);
            f.write(array.array());
            f.seek(lastLba * sectorSize);
            f.write(header(sectorSize, lastLba, 1, lastLba - arraySectors, count, arrayCrc.getValue(),
                    2 + arraySectors, lastLba - arraySectors - 1));
        }
    }

    static byte[] protectiveMbr(long lastLba) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.position(446);
        b.put((byte) 0).put(new byte[] {0, 2, 0}).put((byte) 0xEE).put(new byte[] {(byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF}).putInt(1).putInt((int) Math.min(lastLba, 0xFFFFFFFFL));
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return b.array();
    }

    static byte[] header(int sectorSize, long myLba, long alternateLba, long entryLba, int count, long arrayCrc,
            long firstUsable, long lastUsable) {
        ByteBuffer b = ByteBuffer.allocate(sectorSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put("EFI PART".getBytes(StandardCharsets.US_ASCII)).putInt(0x00010000).putInt(92).putInt(0).putInt(0);
        b.putLong(myLba).putLong(alternateLba).putLong(firstUsable).putLong(lastUsable).put(guid(DISK_GUID));
        b.putLong(entryLba).putInt(count).putInt(128).putInt((int) arrayCrc);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 92);
        b.putInt(16, (int) crc.getValue());
        return b.array();
    }

    /** The 16 stored bytes of a GUID in text form (UEFI 2.10 Appendix A: first three fields little-endian). */
    static byte[] guid(String text) {
        String hex = text.replace("-", "");
        byte[] raw = new byte[16];
        for (int i = 0; i < 16; i++) {
            raw[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new byte[] {raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6], raw[8], raw[9], raw[10],
            raw[11], raw[12], raw[13], raw[14], raw[15]};
    }
}
