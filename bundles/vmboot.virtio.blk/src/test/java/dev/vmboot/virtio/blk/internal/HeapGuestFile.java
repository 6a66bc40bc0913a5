package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

import dev.vmboot.api.memory.GuestFile;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.GuestMemoryException;

/**
 * A {@link GuestFile} over heap guest memory, for device tests: checks every range first (as a writable view of the
 * memory, plus the addresses a test declares outside RAM), so that a bad range reads nothing, then reads the file
 * into each range in turn. Records its calls and whether it was closed.
 */
final class HeapGuestFile implements GuestFile {
    private final FileChannel channel;
    private final GuestMemory memory;
    private final LongPredicate outsideRam;
    int calls;
    int lastCount;
    boolean closed;

    HeapGuestFile(Path file, GuestMemory memory, LongPredicate outsideRam) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.memory = memory;
        this.outsideRam = outsideRam;
    }

    @Override
    public long read(long position, long[] addresses, long[] lengths, int count) throws IOException {
        calls++;
        lastCount = count;
        List<ByteBuffer> views = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (outsideRam.test(addresses[i])) {
                throw new GuestMemoryException(addresses[i], lengths[i], "not inside one RAM region");
            }
            views.addAll(memory.views(addresses[i], lengths[i], true));
        }
        long total = 0;
        for (ByteBuffer v : views) {
            while (v.hasRemaining()) {
                int n = channel.read(v, position + total);
                if (n < 0) {
                    return total;
                }
                total += n;
            }
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }
}
