package dev.vmboot.fs.fat.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.storage.BlockDevice;

/** Reads FAT12, FAT16 and FAT32 with VFAT long names, read-only. */
@Component(property = FileSystemReader.TYPE_PROPERTY + "=" + FatReader.TYPE)
public final class FatReader implements FileSystemReader {
    static final String TYPE = "vfat";

    @Override
    public String type() {
        return TYPE;
    }

    /** A valid BPB in sector 0 (jump, 0x55AA signature, consistent geometry). */
    @Override
    public boolean probe(BlockDevice device) throws IOException {
        if (device.size() < 512) {
            return false;
        }
        ByteBuffer first = ByteBuffer.allocate(512);
        if (device.read(0, first) < 512) {
            return false;
        }
        first.flip();
        try {
            FatBootSector.parse(first);
            return true;
        } catch (CorruptFilesystemException e) {
            return false;
        }
    }

    @Override
    public FileSystem open(BlockDevice device) throws IOException {
        return FatFileSystem.open(device);
    }
}
