package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.Storage;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceFactory;

/**
 * Creates virtio-blk devices: {@code blk,path=FILE_OR_DEVICE[,readonly=true|false][,serial=ID]}. Read-only unless
 * {@code readonly=false}. Stateless: each device owns its file.
 * <p>
 * The disk's size and logical block size come from {@link Storage#open}, the project's one rule for them: an image
 * file's length, or for a block device (whose {@code stat} size is 0) the size and {@code logical_block_size} of
 * {@code /sys/class/block}. That probe opens the path read-only and closes it; the device then opens it in its own
 * mode.
 */
@Component(property = VirtioDeviceFactory.TYPE_PROPERTY + "=" + BlkFactory.TYPE)
public final class BlkFactory implements VirtioDeviceFactory {
    static final String TYPE = "blk";

    private final Storage storage;

    @Activate
    public BlkFactory(@Reference Storage storage) {
        this.storage = storage;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * @throws IllegalArgumentException for a missing path, an unknown option or a malformed value
     * @throws IOException              if the path is not an image file or block device, or cannot be opened in the
     *                                  asked mode
     */
    @Override
    public VirtioDevice create(Map<String, String> options) throws IOException {
        BlkOptions parsed = BlkOptions.parse(options);
        long size;
        int logicalBlockSize;
        try (BlockDevice probe = storage.open(parsed.path())) {
            size = probe.size();
            logicalBlockSize = probe.logicalSectorSize();
        }
        BlkCounters counters = new BlkCounters();
        BlkBackend backend = BlkBackend.open(parsed.path(), parsed.readOnly(), counters);
        try {
            return new VirtioBlk(parsed, backend, counters, size, logicalBlockSize);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }
}
