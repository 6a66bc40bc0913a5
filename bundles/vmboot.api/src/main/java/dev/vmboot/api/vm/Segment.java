package dev.vmboot.api.vm;

/**
 * An x86 segment register's hidden state (Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors").
 *
 * @param base     segment base
 * @param limit    limit in bytes (already scaled by granularity)
 * @param selector visible selector
 * @param type     4-bit type field
 * @param present  P bit
 * @param dpl      privilege level
 * @param db       D/B bit (32-bit default operand size)
 * @param s        S bit (code/data rather than system)
 * @param l        L bit (64-bit code)
 * @param g        G bit (4 KiB granularity)
 */
public record Segment(long base, int limit, int selector, int type, boolean present, int dpl, boolean db, boolean s,
        boolean l, boolean g) {

    /** A flat 4 GiB segment from a GDT entry whose access byte and flags are given as in the descriptor. */
    public static Segment flat(int selector, int type, boolean db, boolean l) {
        return new Segment(0, 0xFFFFFFFF, selector, type, true, 0, db, true, l, true);
    }
}
