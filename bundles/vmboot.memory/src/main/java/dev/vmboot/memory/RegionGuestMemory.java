package dev.vmboot.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.vmboot.api.memory.GuestFile;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.memory.MemoryRegion;

/**
 * Guest memory made of non-overlapping regions, each backed by one or more equally sized {@link ByteBuffer} chunks
 * (a {@code ByteBuffer} holds at most 2 GiB, guest RAM may be larger). Lookups are a binary search over a small sorted
 * array; the accessors allocate nothing. An access must lie inside one region (it may cross chunk boundaries inside
 * it); otherwise it is a {@link GuestMemoryException} and no host memory is touched. Writes to a read-only region
 * (a ROM image) are refused the same way.
 * <p>
 * Regions may be added while the memory is in use ({@link #map}); readers see either the old or the new set.
 */
public final class RegionGuestMemory implements GuestMemory {

    /** Largest chunk a region is split into: 1 GiB, a power of two so chunk lookup is a shift. */
    public static final int MAX_CHUNK_SHIFT = 30;

    /** Everything about the mapped regions, replaced as a whole when a region is added. */
    private static final class Layout {
        final long[] starts;
        final long[] ends;
        final Backing[] backings;
        final List<MemoryRegion> regions;

        Layout(long[] starts, long[] ends, Backing[] backings, List<MemoryRegion> regions) {
            this.starts = starts;
            this.ends = ends;
            this.backings = backings;
            this.regions = regions;
        }
    }

    /** One region's buffers; all chunks but the last have {@code 1 << shift} bytes. */
    private static final class Backing {
        final MemoryRegion region;
        final ByteBuffer[] chunks;
        final int shift;
        final long mask;

        Backing(MemoryRegion region, ByteBuffer[] chunks, int shift) {
            this.region = region;
            this.chunks = chunks;
            this.shift = shift;
            this.mask = (1L << shift) - 1;
        }
    }

    private volatile Layout layout = new Layout(new long[0], new long[0], new Backing[0], List.of());
    /** What {@link #openForReads} uses; none until the owner of the mappings gives one. */
    private volatile GuestFileOpener fileOpener;

    /**
     * Lets {@link #openForReads} open files through {@code opener}, which reads into this memory's RAM regions (the
     * hypervisor, which knows their host addresses); null: no more.
     */
    public void fileOpener(GuestFileOpener opener) {
        this.fileOpener = opener;
    }

    /** Through the {@link #fileOpener} given, if any; otherwise empty, and a device reads through {@link #views}. */
    @Override
    public Optional<GuestFile> openForReads(Path file) throws IOException {
        GuestFileOpener opener = fileOpener;
        return opener == null ? Optional.empty() : Optional.of(opener.open(file));
    }

    /**
     * Maps a region backed by one buffer of exactly {@code region.size()} bytes (from its position 0 to its
     * capacity).
     */
    public void map(MemoryRegion region, ByteBuffer backing) {
        map(region, List.of(backing));
    }

    /**
     * Maps a region backed by chunks of equal, power-of-two capacity (the last may be shorter) that together hold
     * {@code region.size()} bytes.
     *
     * @throws IllegalArgumentException if the chunks do not fit that shape or the region overlaps a mapped one
     */
    public synchronized void map(MemoryRegion region, List<ByteBuffer> chunks) {
        Objects.requireNonNull(region, "region");
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("no buffers for " + describe(region));
        }
        int first = chunks.get(0).capacity();
        int shift;
        if (chunks.size() == 1) {
            if (first != region.size()) {
                throw new IllegalArgumentException(String.format("buffer of %d bytes for %s", first,
                        describe(region)));
            }
            shift = MAX_CHUNK_SHIFT + 1; // one chunk of up to 2 GiB - 1: offsets never reach the next chunk
        } else {
            if (Integer.bitCount(first) != 1) {
                throw new IllegalArgumentException("chunk size " + first + " is not a power of two");
            }
            shift = Integer.numberOfTrailingZeros(first);
            long total = 0;
            for (int i = 0; i < chunks.size(); i++) {
                int c = chunks.get(i).capacity();
                if (c > first || (i < chunks.size() - 1 && c != first)) {
                    throw new IllegalArgumentException("chunk " + i + " has " + c + " bytes, not " + first);
                }
                total += c;
            }
            if (total != region.size()) {
                throw new IllegalArgumentException(String.format("buffers hold %d bytes for %s", total,
                        describe(region)));
            }
        }
        ByteBuffer[] views = new ByteBuffer[chunks.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = chunks.get(i).duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
        }
        Layout old = layout;
        for (Backing b : old.backings) {
            MemoryRegion r = b.region;
            if (region.guestAddress() < r.end() && r.guestAddress() < region.end()) {
                throw new IllegalArgumentException(describe(region) + " overlaps " + describe(r));
            }
        }
        List<Backing> all = new ArrayList<>(Arrays.asList(old.backings));
        all.add(new Backing(region, views, shift));
        all.sort((a, b) -> Long.compare(a.region.guestAddress(), b.region.guestAddress()));
        int n = all.size();
        long[] starts = new long[n];
        long[] ends = new long[n];
        List<MemoryRegion> regions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            starts[i] = all.get(i).region.guestAddress();
            ends[i] = all.get(i).region.end();
            regions.add(all.get(i).region);
        }
        layout = new Layout(starts, ends, all.toArray(new Backing[0]), List.copyOf(regions));
    }

    /**
     * Removes every region: later accesses fail as addresses outside guest memory. A hypervisor calls this before it
     * releases the native memory behind direct buffers, so a late device access is an exception, not a crash.
     */
    public synchronized void unmapAll() {
        fileOpener = null;
        layout = new Layout(new long[0], new long[0], new Backing[0], List.of());
    }

    /** A memory of heap buffers, one per region (each at most 2 GiB - 1): for tests and tools. */
    public static RegionGuestMemory onHeap(MemoryRegion... regions) {
        RegionGuestMemory m = new RegionGuestMemory();
        for (MemoryRegion r : regions) {
            if (r.size() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(describe(r) + " is too large for one heap buffer");
            }
            m.map(r, ByteBuffer.allocate((int) r.size()));
        }
        return m;
    }

    @Override
    public List<MemoryRegion> regions() {
        return layout.regions;
    }

    @Override
    public boolean contains(long address, long length) {
        if (length < 0) {
            return false;
        }
        Layout l = layout;
        int i = find(l, address);
        return i >= 0 && length <= l.ends[i] - address;
    }

    // ---- lookup -------------------------------------------------------------------------------------------------

    /** Index of the region holding {@code address}, or -1. */
    private static int find(Layout l, long address) {
        long[] starts = l.starts;
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= address) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && address < l.ends[hi] ? hi : -1;
    }

    /** The backing of the region that holds {@code [address, address + length)} entirely. */
    private Backing backing(long address, long length, boolean write) {
        Layout l = layout;
        int i = find(l, address);
        if (i < 0 || length < 0 || length > l.ends[i] - address) {
            throw new GuestMemoryException(address, length, i < 0 ? "not guest memory"
                    : "runs past the end of the region ending at 0x" + Long.toHexString(l.ends[i]));
        }
        Backing b = l.backings[i];
        if (write && b.region.readOnly()) {
            throw new GuestMemoryException(address, length, "read-only memory");
        }
        return b;
    }

    // ---- bulk ---------------------------------------------------------------------------------------------------

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        Backing b = backing(address, length, false);
        long off = address - b.region.guestAddress();
        while (length > 0) {
            ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
            int in = (int) (off & b.mask);
            int n = Math.min(length, c.capacity() - in);
            c.get(in, dst, offset, n);
            off += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        Backing b = backing(address, length, true);
        long off = address - b.region.guestAddress();
        while (length > 0) {
            ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
            int in = (int) (off & b.mask);
            int n = Math.min(length, c.capacity() - in);
            c.put(in, src, offset, n);
            off += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void write(long address, ByteBuffer src) {
        int length = src.remaining();
        Backing b = backing(address, length, true);
        long off = address - b.region.guestAddress();
        int pos = src.position();
        while (length > 0) {
            ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
            int in = (int) (off & b.mask);
            int n = Math.min(length, c.capacity() - in);
            c.put(in, src, pos, n);
            off += n;
            pos += n;
            length -= n;
        }
        src.position(pos);
    }

    @Override
    public void read(long address, ByteBuffer dst) {
        int length = dst.remaining();
        Backing b = backing(address, length, false);
        long off = address - b.region.guestAddress();
        int pos = dst.position();
        while (length > 0) {
            ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
            int in = (int) (off & b.mask);
            int n = Math.min(length, c.capacity() - in);
            dst.put(pos, c, in, n);
            off += n;
            pos += n;
            length -= n;
        }
        dst.position(pos);
    }

    @Override
    public void zero(long address, long length) {
        Backing b = backing(address, length, true);
        long off = address - b.region.guestAddress();
        while (length > 0) {
            ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
            int in = (int) (off & b.mask);
            int n = (int) Math.min(length, c.capacity() - in);
            int end = in + n;
            int i = in;
            for (; i < end && (i & 7) != 0; i++) {
                c.put(i, (byte) 0);
            }
            for (; i + 8 <= end; i += 8) {
                c.putLong(i, 0L);
            }
            for (; i < end; i++) {
                c.put(i, (byte) 0);
            }
            off += n;
            length -= n;
        }
    }

    @Override
    public List<ByteBuffer> views(long address, long length, boolean writable) {
        Backing b = backing(address, length, writable);
        long off = address - b.region.guestAddress();
        List<ByteBuffer> views = new ArrayList<>(1);
        while (length > 0) {
            ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
            int in = (int) (off & b.mask);
            int n = (int) Math.min(length, c.capacity() - in);
            ByteBuffer v = c.slice(in, n).order(ByteOrder.LITTLE_ENDIAN);
            views.add(writable ? v : v.asReadOnlyBuffer());
            off += n;
            length -= n;
        }
        return views;
    }

    // ---- scalars: fast path inside one chunk, byte-wise across a chunk boundary ----------------------------------

    @Override
    public byte readByte(long address) {
        Backing b = backing(address, 1, false);
        long off = address - b.region.guestAddress();
        return b.chunks[(int) (off >>> b.shift)].get((int) (off & b.mask));
    }

    @Override
    public short readShort(long address) {
        Backing b = backing(address, 2, false);
        long off = address - b.region.guestAddress();
        ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
        int in = (int) (off & b.mask);
        return in <= c.capacity() - 2 ? c.getShort(in) : (short) readAcross(b, off, 2);
    }

    @Override
    public int readInt(long address) {
        Backing b = backing(address, 4, false);
        long off = address - b.region.guestAddress();
        ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
        int in = (int) (off & b.mask);
        return in <= c.capacity() - 4 ? c.getInt(in) : (int) readAcross(b, off, 4);
    }

    @Override
    public long readLong(long address) {
        Backing b = backing(address, 8, false);
        long off = address - b.region.guestAddress();
        ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
        int in = (int) (off & b.mask);
        return in <= c.capacity() - 8 ? c.getLong(in) : readAcross(b, off, 8);
    }

    @Override
    public void writeByte(long address, byte value) {
        Backing b = backing(address, 1, true);
        long off = address - b.region.guestAddress();
        b.chunks[(int) (off >>> b.shift)].put((int) (off & b.mask), value);
    }

    @Override
    public void writeShort(long address, short value) {
        Backing b = backing(address, 2, true);
        long off = address - b.region.guestAddress();
        ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
        int in = (int) (off & b.mask);
        if (in <= c.capacity() - 2) {
            c.putShort(in, value);
        } else {
            writeAcross(b, off, 2, value);
        }
    }

    @Override
    public void writeInt(long address, int value) {
        Backing b = backing(address, 4, true);
        long off = address - b.region.guestAddress();
        ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
        int in = (int) (off & b.mask);
        if (in <= c.capacity() - 4) {
            c.putInt(in, value);
        } else {
            writeAcross(b, off, 4, value);
        }
    }

    @Override
    public void writeLong(long address, long value) {
        Backing b = backing(address, 8, true);
        long off = address - b.region.guestAddress();
        ByteBuffer c = b.chunks[(int) (off >>> b.shift)];
        int in = (int) (off & b.mask);
        if (in <= c.capacity() - 8) {
            c.putLong(in, value);
        } else {
            writeAcross(b, off, 8, value);
        }
    }

    private static long readAcross(Backing b, long off, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            long o = off + i;
            v |= (b.chunks[(int) (o >>> b.shift)].get((int) (o & b.mask)) & 0xFFL) << (8 * i);
        }
        return v;
    }

    private static void writeAcross(Backing b, long off, int size, long value) {
        for (int i = 0; i < size; i++) {
            long o = off + i;
            b.chunks[(int) (o >>> b.shift)].put((int) (o & b.mask), (byte) (value >>> (8 * i)));
        }
    }

    private static String describe(MemoryRegion r) {
        return String.format("[0x%x, 0x%x)%s", r.guestAddress(), r.end(), r.readOnly() ? " (read-only)" : "");
    }
}
