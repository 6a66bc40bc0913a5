package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;

/**
 * A raw UEFI flash image such as OVMF.fd: firmware volumes back to back, the last one (SEC) ending with the x86 reset
 * vector, so the image is mapped to end exactly at 4 GiB.
 *
 * @param image the bytes
 * @param base  guest physical address of the first byte ({@code 4 GiB - size})
 */
record FlashImage(ByteBuffer image, long base) {
    /** Top of the 32-bit address space: the reset vector is fetched from 0xFFFF_FFF0 (Intel SDM Vol. 3A, 9.1.4). */
    static final long FOUR_GIB = 1L << 32;
    /** Largest flash we map: the region 0xFF00_0000–0xFFFF_FFFF (16 MiB) is free in the machine's layout. */
    static final int MAX_SIZE = 16 << 20;
    /** EFI_FIRMWARE_VOLUME_HEADER.Signature "_FVH" at offset 40 (PI spec Vol. 3, 3.2.1). */
    static final int FVH_SIGNATURE_OFFSET = 40;
    static final int FVH_SIGNATURE = 0x4856465F; // "_FVH" little-endian

    /** Whether {@code image} looks like a flash image: a firmware volume at 0, a size that can be mapped. */
    static boolean looksLikeFlash(BootImage image) {
        ByteBuffer b = image.contents().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long size = image.size();
        return size >= 64 * 1024 && size <= MAX_SIZE && size % 4096 == 0
                && b.getInt(FVH_SIGNATURE_OFFSET) == FVH_SIGNATURE;
    }

    static FlashImage of(BootImage image) throws BootException {
        if (!looksLikeFlash(image)) {
            throw new BootException(image.name() + ": not a UEFI flash image (needs a firmware volume header '_FVH'"
                    + " at offset 40 and a size of 64 KiB..16 MiB in 4 KiB units; it is " + image.size() + " bytes)");
        }
        ByteBuffer b = image.contents().duplicate();
        return new FlashImage(b, FOUR_GIB - image.size());
    }
}
