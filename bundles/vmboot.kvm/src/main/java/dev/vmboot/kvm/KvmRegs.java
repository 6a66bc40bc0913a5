package dev.vmboot.kvm;

import com.sun.jna.Pointer;

/** {@code struct kvm_regs} (arch/x86/include/uapi/asm/kvm.h): the general registers, RIP and RFLAGS. Mutable. */
public final class KvmRegs {
    // struct kvm_regs { __u64 rax, rbx, rcx, rdx; __u64 rsi, rdi, rsp, rbp; __u64 r8..r15; __u64 rip, rflags; };
    static final int RAX;
    static final int RIP;
    static final int RFLAGS;
    static final int SIZE;

    static {
        StructLayout l = new StructLayout();
        RAX = l.u64();
        for (int i = 1; i < 16; i++) {
            l.u64();
        }
        RIP = l.u64();
        RFLAGS = l.u64();
        SIZE = l.size();
    }

    /** RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8–R15, in struct order. */
    public final long[] gpr = new long[16];
    public long rip;
    public long rflags;

    public static final int RBX = 1;
    public static final int RCX = 2;
    public static final int RDX = 3;
    public static final int RSI = 4;
    public static final int RDI = 5;
    public static final int RSP = 6;
    public static final int RBP = 7;

    private static final String[] NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
        "r10", "r11", "r12", "r13", "r14", "r15"};

    void readFrom(Pointer p) {
        p.read(RAX, gpr, 0, 16);
        rip = p.getLong(RIP);
        rflags = p.getLong(RFLAGS);
    }

    void writeTo(Pointer p) {
        p.write(RAX, gpr, 0, 16);
        p.setLong(RIP, rip);
        p.setLong(RFLAGS, rflags);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format("rip=%016x rflags=%08x", rip, rflags));
        for (int i = 0; i < 16; i++) {
            b.append(i % 4 == 0 ? "\n" : " ").append(String.format("%-3s=%016x", NAMES[i], gpr[i]));
        }
        return b.toString();
    }
}
