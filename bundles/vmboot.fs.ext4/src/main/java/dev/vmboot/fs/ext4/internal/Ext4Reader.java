package dev.vmboot.fs.ext4.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.storage.BlockDevice;

/**
 * Reads ext2, ext3 and ext4 in user space, read-only, under the one type name {@value #TYPE} (the opened
 * filesystem logs which flavour it is).
 */
@Component(property = FileSystemReader.TYPE_PROPERTY + "=" + Ext4Reader.TYPE)
public final class Ext4Reader implements FileSystemReader {
    static final String TYPE = "ext4";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean probe(BlockDevice device) throws IOException {
        if (device.size() < Ext4Superblock.OFFSET + Ext4Superblock.SIZE) {
            return false;
        }
        byte[] sb = new byte[Ext4Superblock.SIZE];
        ByteBuffer buf = ByteBuffer.wrap(sb);
        if (device.read(Ext4Superblock.OFFSET, buf) < Ext4Superblock.SIZE) {
            return false;
        }
        return Ext4Superblock.looksLike(sb);
    }

    @Override
    public FileSystem open(BlockDevice device) throws IOException {
        return Ext4FileSystem.open(device);
    }
}
