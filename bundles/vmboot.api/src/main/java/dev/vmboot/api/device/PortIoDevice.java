package dev.vmboot.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device on the x86 I/O port bus. Offsets are relative to the base the device was registered at, so the same model
 * serves at any address (a relocatable PCI I/O BAR, COM1 or COM2).
 */
@ConsumerType
public interface PortIoDevice {

    /** Reads {@code size} (1, 2 or 4) bytes at {@code offset}; unused high bits are ignored by the caller. */
    int read(int offset, int size);

    /** Writes the low {@code size} (1, 2 or 4) bytes of {@code value} at {@code offset}. */
    void write(int offset, int size, int value);
}
