package dev.vmboot.api.memory;

import java.io.Closeable;
import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A host file opened to be read straight into guest RAM ({@link GuestMemory#openForReads}): one call fills a list of
 * guest ranges in order, as one vectored system call ({@code preadv(2)}) for as many ranges as the host takes at once,
 * with no Java buffer object per range. A device serving a request of many guest buffers (a virtio-blk read) then
 * runs one short loop per request instead of a view and the JDK's scattering-read machinery per buffer.
 * <p>
 * Every range is checked like any access to {@link GuestMemory}, before anything is read: it must lie inside one
 * writable RAM region, its length must not be negative, and an address and length must not wrap past 2^64.
 * <p>
 * Threads: {@link #read} may be called by one thread at a time; {@link #close} after the last read returned. Valid
 * while the guest memory it was opened on is mapped: a device closes it when it is reset.
 */
@ProviderType
public interface GuestFile extends Closeable {

    /**
     * Reads the file from {@code position} into {@code count} guest ranges, in order: range {@code i} is
     * {@code lengths[i]} bytes at guest address {@code addresses[i]}.
     *
     * @return the bytes read: the sum of the lengths, or less only where the file ends first
     * @throws GuestMemoryException      if a range is not inside one writable RAM region; nothing was read
     * @throws IllegalArgumentException  if {@code count} exceeds the arrays or {@code position} is negative
     * @throws IOException               if the host read fails (the ranges then hold part of the data)
     */
    long read(long position, long[] addresses, long[] lengths, int count) throws IOException;
}
