package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.storage.BlockDevice;

/** Reads XFS (v4 and v5) in user space, read-only. */
@Component(property = FileSystemReader.TYPE_PROPERTY + "=" + XfsReader.TYPE)
public final class XfsReader implements FileSystemReader {
    static final String TYPE = "xfs";

    @Override
    public String type() {
        return TYPE;
    }

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
        return XfsSuperblock.looksLike(first);
    }

    @Override
    public FileSystem open(BlockDevice device) throws IOException {
        return XfsFileSystem.open(device);
    }
}
