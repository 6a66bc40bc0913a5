package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.memory.MemoryRegion;

/** Guest RAM for tests: one region at guest address 0 over a heap buffer. */
final class ArrayGuestMemory implements GuestMemory {
    private final ByteBuffer ram;
    private final MemoryRegion region;

    ArrayGuestMemory(int size) {
        ram = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        region = new MemoryRegion(0, size, false);
    }

    private int at(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, "not RAM");
        }
        return (int) address;
    }

    @Override
    public List<MemoryRegion> regions() {
        return List.of(region);
    }

    @Override
    public boolean contains(long address, long length) {
        return region.contains(address, length);
    }

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        ram.get(at(address, length), dst, offset, length);
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        ram.put(at(address, length), src, offset, length);
    }

    @Override
    public void write(long address, ByteBuffer src) {
        ram.put(at(address, src.remaining()), src, src.position(), src.remaining());
        src.position(src.limit());
    }

    @Override
    public void read(long address, ByteBuffer dst) {
        int n = dst.remaining();
        dst.put(ram.slice(at(address, n), n));
    }

    @Override
    public byte readByte(long address) {
        return ram.get(at(address, 1));
    }

    @Override
    public short readShort(long address) {
        return ram.getShort(at(address, 2));
    }

    @Override
    public int readInt(long address) {
        return ram.getInt(at(address, 4));
    }

    @Override
    public long readLong(long address) {
        return ram.getLong(at(address, 8));
    }

    @Override
    public void writeByte(long address, byte value) {
        ram.put(at(address, 1), value);
    }

    @Override
    public void writeShort(long address, short value) {
        ram.putShort(at(address, 2), value);
    }

    @Override
    public void writeInt(long address, int value) {
        ram.putInt(at(address, 4), value);
    }

    @Override
    public void writeLong(long address, long value) {
        ram.putLong(at(address, 8), value);
    }

    @Override
    public void zero(long address, long length) {
        int start = at(address, length);
        for (int i = 0; i < length; i++) {
            ram.put(start + i, (byte) 0);
        }
    }
}
