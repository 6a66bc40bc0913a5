package dev.vmboot.virtio.blk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioFeatures;

/** What the factory makes of its options: device type, features, configuration, and the file's open mode. */
class BlkFactoryTest {
    static final long RO = VirtioFeatures.bit(VirtioBlk.F_RO);
    static final long SEG_MAX = VirtioFeatures.bit(VirtioBlk.F_SEG_MAX);
    static final long BLK_SIZE = VirtioFeatures.bit(VirtioBlk.F_BLK_SIZE);
    static final long FLUSH = VirtioFeatures.bit(VirtioBlk.F_FLUSH);
    static final long WRITE_ZEROES = VirtioFeatures.bit(VirtioBlk.F_WRITE_ZEROES);
    static final long DISCARD = VirtioFeatures.bit(VirtioBlk.F_DISCARD);

    @TempDir
    Path dir;

    Path image(long size) throws IOException {
        Path p = dir.resolve("disk.img");
        Files.write(p, new byte[(int) size]);
        return p;
    }

    static ByteBuffer config(VirtioDevice device) {
        return ByteBuffer.wrap(device.configSpace()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void aDiskIsReadOnlyUnlessAskedAndItsFileIsOpenedSo() throws IOException {
        Path image = image(64 << 10);
        BlkFactory factory = new BlkFactory(new ImageStorage());
        assertEquals("blk", factory.type());
        try (VirtioDevice device = factory.create(Map.of("path", image.toString()))) {
            assertEquals(2, device.deviceType());
            assertArrayEquals(new int[] { 256 }, device.queueMaxSizes());
            assertEquals(RO | SEG_MAX | BLK_SIZE, device.deviceFeatures());
            assertEquals(List.of(OpenFiles.O_RDONLY), OpenFiles.accessModes(image));
            ByteBuffer config = config(device);
            assertEquals(128, config.getLong(BlkConfig.CAPACITY));
            assertEquals(254, config.getInt(BlkConfig.SEG_MAX));
            assertEquals(512, config.getInt(BlkConfig.BLK_SIZE));
            assertEquals(0, config.getInt(BlkConfig.MAX_WRITE_ZEROES_SECTORS));
        }
        assertEquals(List.of(), OpenFiles.accessModes(image));
    }

    @Test
    void aWritableDiskOffersFlushAndWriteZeroesButNotDiscard() throws IOException {
        Path image = image(64 << 10);
        try (VirtioDevice device = new BlkFactory(new ImageStorage()).create(Map.of("path", image.toString(),
                "readonly", "false"))) {
            assertEquals(SEG_MAX | BLK_SIZE | FLUSH | WRITE_ZEROES, device.deviceFeatures());
            assertEquals(0, device.deviceFeatures() & (RO | DISCARD));
            assertEquals(List.of(OpenFiles.O_RDWR), OpenFiles.accessModes(image));
            ByteBuffer config = config(device);
            assertEquals(32768, config.getInt(BlkConfig.MAX_WRITE_ZEROES_SECTORS));
            assertEquals(1, config.getInt(BlkConfig.MAX_WRITE_ZEROES_SEG));
        }
        assertEquals(List.of(), OpenFiles.accessModes(image));
    }

    @Test
    void theCapacityCountsWholeSectorsAndBlkSizeIsTheHostsLogicalBlockSize() throws IOException {
        Path image = image(10 * 512 + 100);
        try (VirtioDevice device = new BlkFactory(new ImageStorage(4096)).create(Map.of("path", image.toString()))) {
            assertEquals(10, config(device).getLong(BlkConfig.CAPACITY));
            assertEquals(4096, config(device).getInt(BlkConfig.BLK_SIZE));
        }
    }

    @Test
    void configSpaceIsACopy() throws IOException {
        try (VirtioDevice device = new BlkFactory(new ImageStorage()).create(Map.of("path",
                image(4096).toString()))) {
            device.configSpace()[0] = 99;
            assertEquals(8, config(device).getLong(BlkConfig.CAPACITY));
        }
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsOpened() {
        ImageStorage storage = new ImageStorage();
        BlkFactory factory = new BlkFactory(storage);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory.create(Map.of("path", dir.resolve("disk.img").toString(), "readonly", "no")));
        assertTrue(e.getMessage().contains("'readonly'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> factory.create(Map.of("file", "x")));
        assertTrue(e.getMessage().contains("'file'"), e.getMessage());
        assertEquals(0, storage.opened);
    }

    @Test
    void aMissingFileIsAnIoException() {
        BlkFactory factory = new BlkFactory(new ImageStorage());
        assertThrows(NoSuchFileException.class,
                () -> factory.create(Map.of("path", dir.resolve("none.img").toString())));
    }

    @Test
    void aClosedDeviceCannotBeActivated() throws IOException {
        VirtioDevice device = new BlkFactory(new ImageStorage()).create(Map.of("path", image(4096).toString()));
        device.close();
        device.close(); // twice is harmless
        assertThrows(IOException.class, () -> device.activate(null));
    }
}
