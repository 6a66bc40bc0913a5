package dev.vmboot.machine.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.vmboot.api.memory.GuestFile;
import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.kvm.VectoredFile;

/**
 * A file read straight into guest RAM with {@code preadv}: each guest range is checked to lie inside one RAM region
 * and turned into the host address KVM maps there, all before the first byte is read; then one system call per
 * {@link VectoredFile#MAX_IOVECS} ranges (one for any request Linux sends: at most 254 data segments). ROM and MMIO
 * are no RAM region, so nothing can be read into them.
 * <p>
 * Threads: as {@link GuestFile}: reads by one thread at a time (it reuses its iovec array).
 */
final class RamGuestFile implements GuestFile {

    /** One RAM region: guest start, size, and the host address of its first byte. */
    record HostRam(long guestAddress, long size, long hostAddress) {
    }

    private final VectoredFile file;
    private final long[] starts;
    private final long[] sizes;
    private final long[] hosts;
    /** False once the machine released its memory: a late read then fails instead of writing to freed memory. */
    private final BooleanSupplier mapped;
    /** (base, length) pairs, reused from call to call; grown to the largest request seen. */
    private long[] iovecs = new long[2 * 256];

    private RamGuestFile(VectoredFile file, List<HostRam> ram, BooleanSupplier mapped) {
        this.file = file;
        int n = ram.size();
        starts = new long[n];
        sizes = new long[n];
        hosts = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = ram.get(i).guestAddress();
            sizes[i] = ram.get(i).size();
            hosts[i] = ram.get(i).hostAddress();
        }
        this.mapped = mapped;
    }

    static RamGuestFile open(Path path, List<HostRam> ram, BooleanSupplier mapped) throws IOException {
        return new RamGuestFile(VectoredFile.openReadOnly(path), ram, mapped);
    }

    @Override
    public long read(long position, long[] addresses, long[] lengths, int count) throws IOException {
        if (count < 0 || count > addresses.length || count > lengths.length || position < 0) {
            throw new IllegalArgumentException(count + " ranges at file position " + position);
        }
        if (iovecs.length < 2 * count) {
            iovecs = new long[2 * count];
        }
        long[] iov = iovecs;
        for (int i = 0; i < count; i++) {
            iov[2 * i] = host(addresses[i], lengths[i]);
            iov[2 * i + 1] = lengths[i];
        }
        if (!mapped.getAsBoolean()) {
            throw new GuestMemoryException(count == 0 ? 0 : addresses[0], 0, "guest memory is released");
        }
        // iov[0 .. 2 * left) are the ranges still to fill; a short read moves the rest to the front
        int left = count;
        long total = 0;
        while (left > 0) {
            int batch = Math.min(left, VectoredFile.MAX_IOVECS);
            long n = file.read(iov, batch, position + total);
            if (n == 0) {
                return total; // end of file
            }
            total += n;
            int full = 0;
            while (full < batch && n >= iov[2 * full + 1]) {
                n -= iov[2 * full + 1];
                full++;
            }
            if (full < batch) {
                iov[2 * full] += n;
                iov[2 * full + 1] -= n;
            }
            left -= full;
            if (full > 0 && left > 0) {
                System.arraycopy(iov, 2 * full, iov, 0, 2 * left);
            }
        }
        return total;
    }

    /** The host address of {@code [address, address + length)}, which must lie inside one RAM region. */
    private long host(long address, long length) {
        if (length < 0) {
            throw new GuestMemoryException(address, length, "negative length");
        }
        for (int i = 0; i < starts.length; i++) {
            long offset = address - starts[i]; // modulo 2^64: below the region it is huge, unsigned
            if (Long.compareUnsigned(offset, sizes[i]) < 0 && length <= sizes[i] - offset) {
                return hosts[i] + offset;
            }
        }
        throw new GuestMemoryException(address, length, "not inside one RAM region");
    }

    @Override
    public void close() {
        file.close();
    }
}
