package dev.vmboot.kvm;

import java.util.List;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A vCPU file descriptor and its mapped {@code kvm_run} page. Register buffers are allocated once: {@link #run()} and
 * the register accessors allocate nothing. Except for {@link #kick}, call it from the thread that runs it (KVM
 * serialises vCPU ioctls).
 */
public final class KvmVcpu implements AutoCloseable {
    /** {@code KVM_MP_STATE_*} (include/uapi/linux/kvm.h). */
    public static final int MP_STATE_RUNNABLE = 0;
    public static final int MP_STATE_UNINITIALIZED = 1;
    public static final int MP_STATE_INIT_RECEIVED = 2;
    public static final int MP_STATE_HALTED = 3;
    public static final int MP_STATE_SIPI_RECEIVED = 4;

    private final int id;
    private final Kvm.FileDescriptor fd;
    private final Pointer runPage;
    private final long runSize;
    private final KvmRun run;
    private final Memory regsBuffer = new Memory(KvmRegs.SIZE);
    private final Memory sregsBuffer = new Memory(KvmSregs.SIZE);
    private final Memory mpState = new Memory(4);
    /** pthread_t of the thread inside {@link #run()}, 0 when none. */
    private volatile long runningThread;
    /**
     * The thread that last called {@link #run()} and its pthread_t: a vCPU is run by one thread for its whole life, so
     * {@code pthread_self} (a native call) is asked once, not on every exit.
     */
    private Thread runner;
    private long runnerPthread;
    /** After {@link #close()}: kicks do nothing, other calls throw {@link IllegalStateException}. */
    private volatile boolean closed;

    private KvmVcpu(int id, Kvm.FileDescriptor fd, Pointer runPage, long runSize) {
        this.id = id;
        this.fd = fd;
        this.runPage = runPage;
        this.runSize = runSize;
        this.run = new KvmRun(runPage, runSize);
    }

    static KvmVcpu map(int id, Kvm.FileDescriptor fd, int mmapSize) throws KvmException {
        Pointer p;
        try {
            p = LibC.mmap(null, mmapSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd.fd(), 0);
        } catch (LastErrorException e) {
            fd.close();
            throw new KvmException("mmap of kvm_run for vCPU " + id, e.getErrorCode());
        }
        return new KvmVcpu(id, fd, p, mmapSize);
    }

    public int id() {
        return id;
    }

    public KvmRun runState() {
        return run;
    }

    /**
     * {@code KVM_RUN} until the next exit to user space.
     *
     * @return true for an exit to look at ({@link KvmRun#exitReason()}), false when the call was interrupted (EINTR
     *         from a {@link #kick} or {@code immediate_exit}, or EAGAIN)
     */
    public boolean run() throws KvmException {
        requireOpen("KVM_RUN");
        Thread me = Thread.currentThread();
        if (me != runner) {
            runner = me;
            runnerPthread = LibC.pthread_self();
        }
        runningThread = runnerPthread;
        try {
            LibC.ioctl(fd.fd(), KvmIoctls.RUN, 0L);
            return true;
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == LibC.EINTR || errno == LibC.EAGAIN) {
                return false;
            }
            throw new KvmException("KVM_RUN on vCPU " + id, errno);
        } finally {
            runningThread = 0;
        }
    }

    /**
     * Makes a running (or about to run) {@link #run()} return: sets {@code immediate_exit} and sends the running
     * thread a signal (SIGPIPE, which the JVM ignores) to leave the guest. May be called from any thread; after
     * {@link #close()} it does nothing (the {@code kvm_run} page is unmapped by then).
     */
    public synchronized void kick() {
        if (closed) {
            return;
        }
        run.setImmediateExit(true);
        long t = runningThread;
        if (t != 0 && SignalKick.AVAILABLE) {
            LibC.pthread_kill(t, LibC.SIGPIPE);
        }
    }

    public void getRegs(KvmRegs into) throws KvmException {
        requireOpen("KVM_GET_REGS");
        fd.ioctl("KVM_GET_REGS", KvmIoctls.GET_REGS, regsBuffer);
        into.readFrom(regsBuffer);
    }

    public void setRegs(KvmRegs regs) throws KvmException {
        requireOpen("KVM_SET_REGS");
        regs.writeTo(regsBuffer);
        fd.ioctl("KVM_SET_REGS", KvmIoctls.SET_REGS, regsBuffer);
    }

    public void getSregs(KvmSregs into) throws KvmException {
        requireOpen("KVM_GET_SREGS");
        fd.ioctl("KVM_GET_SREGS", KvmIoctls.GET_SREGS, sregsBuffer);
        into.readFrom(sregsBuffer);
    }

    public void setSregs(KvmSregs sregs) throws KvmException {
        requireOpen("KVM_SET_SREGS");
        sregs.writeTo(sregsBuffer);
        fd.ioctl("KVM_SET_SREGS", KvmIoctls.SET_SREGS, sregsBuffer);
    }

    /** {@code KVM_SET_CPUID2}: what CPUID returns in the guest. */
    public void setCpuid(List<CpuidEntry> entries) throws KvmException {
        requireOpen("KVM_SET_CPUID2");
        int size = KvmStructs.CPUID_ENTRY_SIZE;
        try (Memory m = new Memory(KvmStructs.CPUID2_HEADER_SIZE + (long) Math.max(1, entries.size()) * size)) {
            m.clear();
            m.setInt(KvmStructs.CPUID2_NENT, entries.size());
            for (int i = 0; i < entries.size(); i++) {
                CpuidEntry e = entries.get(i);
                long o = KvmStructs.CPUID2_HEADER_SIZE + (long) i * size;
                m.setInt(o + KvmStructs.CPUID_FUNCTION, e.function());
                m.setInt(o + KvmStructs.CPUID_INDEX, e.index());
                m.setInt(o + KvmStructs.CPUID_FLAGS, e.flags());
                m.setInt(o + KvmStructs.CPUID_EAX, e.eax());
                m.setInt(o + KvmStructs.CPUID_EBX, e.ebx());
                m.setInt(o + KvmStructs.CPUID_ECX, e.ecx());
                m.setInt(o + KvmStructs.CPUID_EDX, e.edx());
            }
            fd.ioctl("KVM_SET_CPUID2", KvmIoctls.SET_CPUID2, m);
        }
    }

    /** {@code KVM_SET_MSRS}; fails unless KVM accepted every entry. */
    public void setMsrs(int[] indices, long[] values) throws KvmException {
        requireOpen("KVM_SET_MSRS");
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length");
        }
        try (Memory m = msrBuffer(indices)) {
            for (int i = 0; i < indices.length; i++) {
                m.setLong(msrEntry(i) + KvmStructs.MSR_DATA, values[i]);
            }
            int done = fd.ioctl("KVM_SET_MSRS", KvmIoctls.SET_MSRS, m);
            if (done != indices.length) {
                throw new KvmException(String.format("KVM_SET_MSRS: KVM refused MSR 0x%x", indices[done]));
            }
        }
    }

    /** {@code KVM_GET_MSRS}; fails unless KVM read every entry. */
    public long[] getMsrs(int[] indices) throws KvmException {
        requireOpen("KVM_GET_MSRS");
        try (Memory m = msrBuffer(indices)) {
            int done = fd.ioctl("KVM_GET_MSRS", KvmIoctls.GET_MSRS, m);
            if (done != indices.length) {
                throw new KvmException(String.format("KVM_GET_MSRS: KVM cannot read MSR 0x%x", indices[done]));
            }
            long[] values = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                values[i] = m.getLong(msrEntry(i) + KvmStructs.MSR_DATA);
            }
            return values;
        }
    }

    private static Memory msrBuffer(int[] indices) {
        Memory m = new Memory(KvmStructs.MSRS_HEADER_SIZE + (long) Math.max(1, indices.length)
                * KvmStructs.MSR_ENTRY_SIZE);
        m.clear();
        m.setInt(KvmStructs.MSRS_NMSRS, indices.length);
        for (int i = 0; i < indices.length; i++) {
            m.setInt(msrEntry(i) + KvmStructs.MSR_INDEX, indices[i]);
        }
        return m;
    }

    private static long msrEntry(int i) {
        return KvmStructs.MSRS_HEADER_SIZE + (long) i * KvmStructs.MSR_ENTRY_SIZE;
    }

    /**
     * {@code KVM_SET_FPU} with an initialised x87/SSE state: the given control word, all else zero. KVM copies the x87
     * words and XMM registers but not {@code mxcsr} (arch/x86/kvm/x86.c, kvm_arch_vcpu_ioctl_set_fpu); the value is
     * still passed for a kernel that does.
     */
    public void setFpu(int fcw, int mxcsr) throws KvmException {
        requireOpen("KVM_SET_FPU");
        try (Memory m = new Memory(KvmStructs.FPU_SIZE)) {
            m.clear();
            m.setShort(KvmStructs.FPU_FCW, (short) fcw);
            m.setInt(KvmStructs.FPU_MXCSR, mxcsr);
            fd.ioctl("KVM_SET_FPU", KvmIoctls.SET_FPU, m);
        }
    }

    /** {@code KVM_GET_FPU}: the x87 control word. */
    public int getFpuControlWord() throws KvmException {
        requireOpen("KVM_GET_FPU");
        try (Memory m = new Memory(KvmStructs.FPU_SIZE)) {
            fd.ioctl("KVM_GET_FPU", KvmIoctls.GET_FPU, m);
            return m.getShort(KvmStructs.FPU_FCW) & 0xFFFF;
        }
    }

    /** {@code KVM_GET_LAPIC}: the 1 KiB local APIC register page. */
    public byte[] getLapic() throws KvmException {
        requireOpen("KVM_GET_LAPIC");
        try (Memory m = new Memory(KvmStructs.LAPIC_STATE_SIZE)) {
            fd.ioctl("KVM_GET_LAPIC", KvmIoctls.GET_LAPIC, m);
            return m.getByteArray(0, KvmStructs.LAPIC_STATE_SIZE);
        }
    }

    /** {@code KVM_SET_LAPIC}. */
    public void setLapic(byte[] registers) throws KvmException {
        requireOpen("KVM_SET_LAPIC");
        if (registers.length != KvmStructs.LAPIC_STATE_SIZE) {
            throw new IllegalArgumentException("the LAPIC page has " + KvmStructs.LAPIC_STATE_SIZE + " bytes");
        }
        try (Memory m = new Memory(KvmStructs.LAPIC_STATE_SIZE)) {
            m.write(0, registers, 0, registers.length);
            fd.ioctl("KVM_SET_LAPIC", KvmIoctls.SET_LAPIC, m);
        }
    }

    public int getMpState() throws KvmException {
        requireOpen("KVM_GET_MP_STATE");
        fd.ioctl("KVM_GET_MP_STATE", KvmIoctls.GET_MP_STATE, mpState);
        return mpState.getInt(0);
    }

    public void setMpState(int state) throws KvmException {
        requireOpen("KVM_SET_MP_STATE");
        mpState.setInt(0, state);
        fd.ioctl("KVM_SET_MP_STATE", KvmIoctls.SET_MP_STATE, mpState);
    }

    public static String mpStateName(int state) {
        switch (state) {
        case MP_STATE_RUNNABLE: return "RUNNABLE";
        case MP_STATE_UNINITIALIZED: return "UNINITIALIZED";
        case MP_STATE_INIT_RECEIVED: return "INIT_RECEIVED";
        case MP_STATE_HALTED: return "HALTED";
        case MP_STATE_SIPI_RECEIVED: return "SIPI_RECEIVED";
        default: return "state " + state;
        }
    }

    /**
     * The calls other than {@link #kick} come from the thread that runs the vCPU, which has ended before the vCPU is
     * closed; a call after close is a bug, told as an exception rather than as a write into freed memory.
     */
    private void requireOpen(String ioctl) {
        if (closed) {
            throw new IllegalStateException(ioctl + " on a closed vCPU " + id);
        }
    }

    /** Unmaps {@code kvm_run} and closes the descriptor; the vCPU must not be running. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.munmap(runPage, runSize);
        } catch (LastErrorException e) {
            // munmap of a mapping we own cannot fail in a way we could repair.
        }
        fd.close();
        regsBuffer.close();
        sregsBuffer.close();
        mpState.close();
    }
}
