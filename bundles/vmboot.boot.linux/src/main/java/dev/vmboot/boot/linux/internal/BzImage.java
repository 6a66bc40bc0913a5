package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.linux.image.SetupHeader;

/**
 * A bzImage split into its setup header and protected-mode kernel, with where the kernel goes: {@code pref_address}
 * when the kernel is relocatable and that address is sane (at or above 1 MiB, aligned to kernel_alignment), else
 * 0x100000 (boot.rst "Loading The Rest of The Kernel").
 *
 * @param header          the setup header
 * @param kernelOffset    file offset of the protected-mode kernel
 * @param kernelSize      its size in the file
 * @param preferedAddress where it is loaded when RAM allows
 */
record BzImage(SetupHeader header, long kernelOffset, long kernelSize, long preferedAddress) {

    static BzImage parse(ByteBuffer image) throws BootException {
        SetupHeader h = SetupHeader.parse(image);
        long offset = h.protectedModeOffset();
        long size = image.capacity() - offset;
        long address = LinuxLayout.HIGH_RAM_START;
        long align = h.kernelAlignment();
        if (h.relocatable() && h.prefAddress() >= LinuxLayout.HIGH_RAM_START
                && h.prefAddress() < LinuxLayout.LOW_RAM_LIMIT
                && (align == 0 || (Long.bitCount(align) == 1 && (h.prefAddress() & (align - 1)) == 0))) {
            address = h.prefAddress();
        }
        return new BzImage(h, offset, size, address);
    }

    /** Memory the kernel needs from its load address: init_size, or at least its own size. */
    long memoryNeeded() {
        return Math.max(header.initSize(), kernelSize);
    }
}
