package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds bzImage-shaped files for tests: a boot sector with a setup header, setup sectors, a "kernel". */
final class TestBzImage {
    int setupSects = 4;
    int version = 0x020F;
    int loadflags = SetupHeader.LOADED_HIGH;
    boolean relocatable = true;
    long kernelAlignment = 0x20_0000;
    int xloadflags = SetupHeader.XLF_KERNEL_64;
    long cmdlineSize = 0x7FF;
    long initrdAddrMax = 0x7FFF_FFFFL;
    long prefAddress = 0x100_0000;
    long initSize = 0x40_0000;
    int kernelBytes = 0x3000;

    byte[] kernel() {
        byte[] k = new byte[kernelBytes];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (i * 13 + 1);
        }
        return k;
    }

    byte[] build() {
        int setup = (setupSects == 0 ? 4 : setupSects) + 1;
        ByteBuffer b = ByteBuffer.allocate(setup * 512 + kernelBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSects);
        b.putInt(0x1F4, (kernelBytes + 15) / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) (0x26C - 0x202)); // jmp over the header, which ends at 0x26C
        b.putInt(0x202, SetupHeader.HDRS_MAGIC);
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) loadflags);
        b.putInt(0x214, 0x10_0000);
        b.putInt(0x22C, (int) initrdAddrMax);
        b.putInt(0x230, (int) kernelAlignment);
        b.put(0x234, (byte) (relocatable ? 1 : 0));
        b.put(0x235, (byte) 21);
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, (int) cmdlineSize);
        b.putLong(0x258, prefAddress);
        b.putInt(0x260, (int) initSize);
        b.put(setup * 512, kernel());
        return b.array();
    }
}
