package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.storage.BlockDevice;

/**
 * Reads ISO9660 (ECMA-119) volumes with Joliet and Rock Ridge, read-only: CD/DVD images, hybrid USB images (whole
 * disk or partition) and El Torito boot media.
 */
@Component(property = FileSystemReader.TYPE_PROPERTY + "=" + IsoReader.TYPE)
public final class IsoReader implements FileSystemReader {
    static final String TYPE = "iso9660";

    @Override
    public String type() {
        return TYPE;
    }

    /** A volume descriptor set at 32 KiB with a primary descriptor that parses. */
    @Override
    public boolean probe(BlockDevice device) throws IOException {
        if (!VolumeDescriptorSet.present(device)) {
            return false;
        }
        try {
            VolumeDescriptorSet.read(device);
            return true;
        } catch (CorruptFilesystemException e) {
            return false;
        }
    }

    @Override
    public FileSystem open(BlockDevice device) throws IOException {
        return IsoFileSystem.open(device);
    }
}
