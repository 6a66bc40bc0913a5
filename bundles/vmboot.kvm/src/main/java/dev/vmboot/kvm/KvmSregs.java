package dev.vmboot.kvm;

import com.sun.jna.Pointer;

/**
 * {@code struct kvm_sregs} (arch/x86/include/uapi/asm/kvm.h): segment, descriptor-table and control registers.
 * Mutable.
 */
public final class KvmSregs {
    // struct kvm_dtable { __u64 base; __u16 limit; __u16 padding[3]; };
    static final int DTABLE_BASE;
    static final int DTABLE_LIMIT;
    static final int DTABLE_SIZE;

    static {
        StructLayout l = new StructLayout();
        DTABLE_BASE = l.u64();
        DTABLE_LIMIT = l.u16();
        l.array(3, 2, 2);
        DTABLE_SIZE = l.size();
    }

    // struct kvm_sregs { struct kvm_segment cs, ds, es, fs, gs, ss; struct kvm_segment tr, ldt;
    // struct kvm_dtable gdt, idt; __u64 cr0, cr2, cr3, cr4, cr8; __u64 efer; __u64 apic_base;
    // __u64 interrupt_bitmap[(KVM_NR_INTERRUPTS + 63) / 64]; };  (KVM_NR_INTERRUPTS = 256)
    static final int CS;
    static final int DS;
    static final int ES;
    static final int FS;
    static final int GS;
    static final int SS;
    static final int TR;
    static final int LDT;
    static final int GDT;
    static final int IDT;
    static final int CR0;
    static final int CR2;
    static final int CR3;
    static final int CR4;
    static final int CR8;
    static final int EFER;
    static final int APIC_BASE;
    static final int INTERRUPT_BITMAP;
    static final int SIZE;

    static {
        StructLayout l = new StructLayout();
        CS = l.struct(KvmSegment.SIZE, 8);
        DS = l.struct(KvmSegment.SIZE, 8);
        ES = l.struct(KvmSegment.SIZE, 8);
        FS = l.struct(KvmSegment.SIZE, 8);
        GS = l.struct(KvmSegment.SIZE, 8);
        SS = l.struct(KvmSegment.SIZE, 8);
        TR = l.struct(KvmSegment.SIZE, 8);
        LDT = l.struct(KvmSegment.SIZE, 8);
        GDT = l.struct(DTABLE_SIZE, 8);
        IDT = l.struct(DTABLE_SIZE, 8);
        CR0 = l.u64();
        CR2 = l.u64();
        CR3 = l.u64();
        CR4 = l.u64();
        CR8 = l.u64();
        EFER = l.u64();
        APIC_BASE = l.u64();
        INTERRUPT_BITMAP = l.array(256 / 64, 8, 8);
        SIZE = l.size();
    }

    public final KvmSegment cs = new KvmSegment();
    public final KvmSegment ds = new KvmSegment();
    public final KvmSegment es = new KvmSegment();
    public final KvmSegment fs = new KvmSegment();
    public final KvmSegment gs = new KvmSegment();
    public final KvmSegment ss = new KvmSegment();
    public final KvmSegment tr = new KvmSegment();
    public final KvmSegment ldt = new KvmSegment();
    public long gdtBase;
    public int gdtLimit;
    public long idtBase;
    public int idtLimit;
    public long cr0;
    public long cr2;
    public long cr3;
    public long cr4;
    public long cr8;
    public long efer;
    public long apicBase;
    public final long[] interruptBitmap = new long[4];

    void readFrom(Pointer p) {
        cs.readFrom(p, CS);
        ds.readFrom(p, DS);
        es.readFrom(p, ES);
        fs.readFrom(p, FS);
        gs.readFrom(p, GS);
        ss.readFrom(p, SS);
        tr.readFrom(p, TR);
        ldt.readFrom(p, LDT);
        gdtBase = p.getLong(GDT + DTABLE_BASE);
        gdtLimit = p.getShort(GDT + DTABLE_LIMIT) & 0xFFFF;
        idtBase = p.getLong(IDT + DTABLE_BASE);
        idtLimit = p.getShort(IDT + DTABLE_LIMIT) & 0xFFFF;
        cr0 = p.getLong(CR0);
        cr2 = p.getLong(CR2);
        cr3 = p.getLong(CR3);
        cr4 = p.getLong(CR4);
        cr8 = p.getLong(CR8);
        efer = p.getLong(EFER);
        apicBase = p.getLong(APIC_BASE);
        p.read(INTERRUPT_BITMAP, interruptBitmap, 0, 4);
    }

    void writeTo(Pointer p) {
        p.setMemory(0, SIZE, (byte) 0);
        cs.writeTo(p, CS);
        ds.writeTo(p, DS);
        es.writeTo(p, ES);
        fs.writeTo(p, FS);
        gs.writeTo(p, GS);
        ss.writeTo(p, SS);
        tr.writeTo(p, TR);
        ldt.writeTo(p, LDT);
        p.setLong(GDT + DTABLE_BASE, gdtBase);
        p.setShort(GDT + DTABLE_LIMIT, (short) gdtLimit);
        p.setLong(IDT + DTABLE_BASE, idtBase);
        p.setShort(IDT + DTABLE_LIMIT, (short) idtLimit);
        p.setLong(CR0, cr0);
        p.setLong(CR2, cr2);
        p.setLong(CR3, cr3);
        p.setLong(CR4, cr4);
        p.setLong(CR8, cr8);
        p.setLong(EFER, efer);
        p.setLong(APIC_BASE, apicBase);
        p.write(INTERRUPT_BITMAP, interruptBitmap, 0, 4);
    }

    @Override
    public String toString() {
        return String.format("cr0=%016x cr2=%016x cr3=%016x cr4=%016x cr8=%x efer=%x apic_base=%x%n"
                + "cs: %s%nds: %s%nss: %s%ntr: %s%ngdt=%016x/%04x idt=%016x/%04x", cr0, cr2, cr3, cr4, cr8, efer,
                apicBase, cs, ds, ss, tr, gdtBase, gdtLimit, idtBase, idtLimit);
    }
}
