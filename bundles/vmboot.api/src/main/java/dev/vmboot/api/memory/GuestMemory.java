package dev.vmboot.api.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Guest physical memory. Multi-byte values are little-endian (x86). Every access is bounds-checked against the
 * {@link #regions()}: an address outside them raises {@link GuestMemoryException}, and an access never spans two
 * regions.
 */
@ProviderType
public interface GuestMemory {

    /** The RAM and ROM regions, ordered by address, not overlapping. */
    List<MemoryRegion> regions();

    /** Whether {@code [address, address + length)} lies entirely in one region. */
    boolean contains(long address, long length);

    void read(long address, byte[] dst, int offset, int length);

    void write(long address, byte[] src, int offset, int length);

    default byte[] read(long address, int length) {
        byte[] bytes = new byte[length];
        read(address, bytes, 0, length);
        return bytes;
    }

    default void write(long address, byte[] src) {
        write(address, src, 0, src.length);
    }

    /** Copies {@code src.remaining()} bytes to guest memory at {@code address}, consuming {@code src}. */
    void write(long address, ByteBuffer src);

    /** Fills {@code dst.remaining()} bytes from guest memory at {@code address}. */
    void read(long address, ByteBuffer dst);

    byte readByte(long address);

    short readShort(long address);

    int readInt(long address);

    long readLong(long address);

    void writeByte(long address, byte value);

    void writeShort(long address, short value);

    void writeInt(long address, int value);

    void writeLong(long address, long value);

    /** Fills {@code [address, address + length)} with zeros. */
    void zero(long address, long length);

    /**
     * Views of {@code [address, address + length)}, one buffer per piece of backing memory it spans (position 0,
     * limit = that piece's length), for I/O straight into or out of guest RAM. The range must lie in one region, like
     * every access; {@code writable} views of a read-only region are refused, other views are read-only buffers. A view
     * stays valid while the memory is mapped: a device must not keep one past its reset.
     *
     * @throws GuestMemoryException if the range is not inside one region, or is writable and read-only
     */
    List<ByteBuffer> views(long address, long length, boolean writable);

    /**
     * Opens {@code file} read-only to be read straight into this memory's RAM, where the implementation can (a
     * hypervisor's memory over native mappings); empty where it cannot (heap memory, tests), and then a device reads
     * through {@link #views} instead.
     *
     * @throws IOException if the file cannot be opened
     * @since 0.3.0
     */
    default Optional<GuestFile> openForReads(Path file) throws IOException {
        return Optional.empty();
    }
}
