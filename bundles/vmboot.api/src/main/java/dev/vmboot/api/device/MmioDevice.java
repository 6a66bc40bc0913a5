package dev.vmboot.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/** A memory-mapped device. Offsets are relative to the base the device was registered at. */
@ConsumerType
public interface MmioDevice {

    /** Reads {@code size} (1, 2, 4 or 8) bytes at {@code offset}. */
    long read(long offset, int size);

    /** Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);
}
