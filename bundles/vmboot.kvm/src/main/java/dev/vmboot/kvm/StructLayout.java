package dev.vmboot.kvm;

/**
 * Computes C struct member offsets with the x86-64 System V rules (each member aligned to its own size, the struct
 * to its largest member), so the layouts below are written as the header declares them, not as magic offsets.
 */
final class StructLayout {
    private int size;
    private int align = 1;

    /** Adds a member of {@code bytes} bytes aligned to {@code alignment}; returns its offset. */
    int member(int bytes, int alignment) {
        size = (size + alignment - 1) / alignment * alignment;
        int offset = size;
        size += bytes;
        align = Math.max(align, alignment);
        return offset;
    }

    int u8() {
        return member(1, 1);
    }

    int u16() {
        return member(2, 2);
    }

    int u32() {
        return member(4, 4);
    }

    int u64() {
        return member(8, 8);
    }

    int array(int count, int elementSize, int alignment) {
        return member(count * elementSize, alignment);
    }

    /** Embeds a struct of {@code bytes} bytes and the given alignment. */
    int struct(int bytes, int alignment) {
        return member(bytes, alignment);
    }

    /** The struct size, padded to its alignment. */
    int size() {
        return (size + align - 1) / align * align;
    }

    int alignment() {
        return align;
    }
}
