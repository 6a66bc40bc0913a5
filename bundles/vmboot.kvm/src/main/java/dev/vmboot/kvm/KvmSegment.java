package dev.vmboot.kvm;

import com.sun.jna.Pointer;

/** {@code struct kvm_segment} (arch/x86/include/uapi/asm/kvm.h): a segment register with its hidden part. Mutable. */
public final class KvmSegment {
    // struct kvm_segment { __u64 base; __u32 limit; __u16 selector; __u8 type; __u8 present, dpl, db, s, l, g, avl;
    // __u8 unusable; __u8 padding; };
    static final int BASE;
    static final int LIMIT;
    static final int SELECTOR;
    static final int TYPE;
    static final int PRESENT;
    static final int DPL;
    static final int DB;
    static final int S;
    static final int L;
    static final int G;
    static final int AVL;
    static final int UNUSABLE;
    static final int SIZE;

    static {
        StructLayout l = new StructLayout();
        BASE = l.u64();
        LIMIT = l.u32();
        SELECTOR = l.u16();
        TYPE = l.u8();
        PRESENT = l.u8();
        DPL = l.u8();
        DB = l.u8();
        S = l.u8();
        L = l.u8();
        G = l.u8();
        AVL = l.u8();
        UNUSABLE = l.u8();
        l.u8();
        SIZE = l.size();
    }

    public long base;
    public int limit;
    public int selector;
    public int type;
    public boolean present;
    public int dpl;
    public boolean db;
    public boolean s;
    public boolean l;
    public boolean g;
    public boolean avl;
    public boolean unusable;

    void readFrom(Pointer p, long o) {
        base = p.getLong(o + BASE);
        limit = p.getInt(o + LIMIT);
        selector = p.getShort(o + SELECTOR) & 0xFFFF;
        type = p.getByte(o + TYPE) & 0xFF;
        present = p.getByte(o + PRESENT) != 0;
        dpl = p.getByte(o + DPL) & 0xFF;
        db = p.getByte(o + DB) != 0;
        s = p.getByte(o + S) != 0;
        l = p.getByte(o + L) != 0;
        g = p.getByte(o + G) != 0;
        avl = p.getByte(o + AVL) != 0;
        unusable = p.getByte(o + UNUSABLE) != 0;
    }

    void writeTo(Pointer p, long o) {
        p.setLong(o + BASE, base);
        p.setInt(o + LIMIT, limit);
        p.setShort(o + SELECTOR, (short) selector);
        p.setByte(o + TYPE, (byte) type);
        p.setByte(o + PRESENT, flag(present));
        p.setByte(o + DPL, (byte) dpl);
        p.setByte(o + DB, flag(db));
        p.setByte(o + S, flag(s));
        p.setByte(o + L, flag(l));
        p.setByte(o + G, flag(g));
        p.setByte(o + AVL, flag(avl));
        p.setByte(o + UNUSABLE, flag(unusable));
        p.setByte(o + UNUSABLE + 1, (byte) 0);
    }

    private static byte flag(boolean b) {
        return b ? (byte) 1 : 0;
    }

    @Override
    public String toString() {
        return String.format("sel=%04x base=%016x limit=%08x type=%x p=%d dpl=%d db=%d s=%d l=%d g=%d", selector, base,
                limit, type, present ? 1 : 0, dpl, db ? 1 : 0, s ? 1 : 0, l ? 1 : 0, g ? 1 : 0);
    }
}
