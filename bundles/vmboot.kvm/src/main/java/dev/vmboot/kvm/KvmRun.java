package dev.vmboot.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Pointer;

/**
 * The {@code struct kvm_run} page shared with the kernel (include/uapi/linux/kvm.h), read at constant offsets through a
 * direct {@link ByteBuffer} over the mapping: nothing is allocated per exit, and no accessor crosses into native code
 * (each JNA {@link Pointer} accessor is a JNI call; an I/O exit reads about ten fields, and under nested
 * virtualisation those transitions were a measurable part of the exit's cost in user space).
 */
public final class KvmRun {
    // struct kvm_run { __u8 request_interrupt_window; __u8 immediate_exit; __u8 padding1[6]; __u32 exit_reason;
    // __u8 ready_for_interrupt_injection; __u8 if_flag; __u16 flags; __u64 cr8; __u64 apic_base; union { ... }; ...
    static final int REQUEST_INTERRUPT_WINDOW;
    static final int IMMEDIATE_EXIT;
    static final int EXIT_REASON;
    static final int READY_FOR_INTERRUPT_INJECTION;
    static final int IF_FLAG;
    static final int CR8;
    static final int APIC_BASE;
    /** The exit-specific union. */
    static final int EXIT_UNION;

    static {
        StructLayout l = new StructLayout();
        REQUEST_INTERRUPT_WINDOW = l.u8();
        IMMEDIATE_EXIT = l.u8();
        l.array(6, 1, 1);
        EXIT_REASON = l.u32();
        READY_FOR_INTERRUPT_INJECTION = l.u8();
        IF_FLAG = l.u8();
        l.u16();
        CR8 = l.u64();
        APIC_BASE = l.u64();
        EXIT_UNION = l.u64();
    }

    // KVM_EXIT_IO: struct { __u8 direction; __u8 size; __u16 port; __u32 count; __u64 data_offset; } io;
    static final int IO_DIRECTION;
    static final int IO_SIZE;
    static final int IO_PORT;
    static final int IO_COUNT;
    static final int IO_DATA_OFFSET;

    static {
        StructLayout l = new StructLayout();
        IO_DIRECTION = EXIT_UNION + l.u8();
        IO_SIZE = EXIT_UNION + l.u8();
        IO_PORT = EXIT_UNION + l.u16();
        IO_COUNT = EXIT_UNION + l.u32();
        IO_DATA_OFFSET = EXIT_UNION + l.u64();
    }

    // KVM_EXIT_MMIO: struct { __u64 phys_addr; __u8 data[8]; __u32 len; __u8 is_write; } mmio;
    static final int MMIO_PHYS_ADDR;
    static final int MMIO_DATA;
    static final int MMIO_LEN;
    static final int MMIO_IS_WRITE;

    static {
        StructLayout l = new StructLayout();
        MMIO_PHYS_ADDR = EXIT_UNION + l.u64();
        MMIO_DATA = EXIT_UNION + l.array(8, 1, 1);
        MMIO_LEN = EXIT_UNION + l.u32();
        MMIO_IS_WRITE = EXIT_UNION + l.u8();
    }

    // KVM_EXIT_FAIL_ENTRY: struct { __u64 hardware_entry_failure_reason; __u32 cpu; } fail_entry;
    // KVM_EXIT_INTERNAL_ERROR: struct { __u32 suberror; __u32 ndata; __u64 data[16]; } internal;
    // KVM_EXIT_SYSTEM_EVENT: struct { __u32 type; __u32 ndata; __u64 data[16]; } system_event;
    // KVM_EXIT_UNKNOWN: struct { __u64 hardware_exit_reason; } hw;
    static final int FAIL_ENTRY_REASON = EXIT_UNION;
    static final int FAIL_ENTRY_CPU = EXIT_UNION + 8;
    static final int INTERNAL_SUBERROR = EXIT_UNION;
    static final int INTERNAL_NDATA = EXIT_UNION + 4;
    static final int INTERNAL_DATA = EXIT_UNION + 8;
    static final int SYSTEM_EVENT_TYPE = EXIT_UNION;
    static final int HW_EXIT_REASON = EXIT_UNION;

    private final ByteBuffer run;

    KvmRun(Pointer page, long size) {
        this(page.getByteBuffer(0, size));
    }

    /** Over any buffer holding a {@code kvm_run} (the mapped page; a heap buffer in tests). */
    KvmRun(ByteBuffer page) {
        this.run = page.duplicate().order(ByteOrder.nativeOrder());
    }

    public int exitReason() {
        return run.getInt(EXIT_REASON);
    }

    /** Makes the next (or the current, once it returns) {@code KVM_RUN} return at once with EINTR. */
    public void setImmediateExit(boolean on) {
        run.put(IMMEDIATE_EXIT, on ? (byte) 1 : 0);
    }

    public boolean immediateExit() {
        return run.get(IMMEDIATE_EXIT) != 0;
    }

    public int ioDirection() {
        return run.get(IO_DIRECTION);
    }

    public int ioSize() {
        return run.get(IO_SIZE);
    }

    public int ioPort() {
        return run.getShort(IO_PORT) & 0xFFFF;
    }

    public int ioCount() {
        return run.getInt(IO_COUNT);
    }

    /** The {@code i}-th item of an I/O exit's data ({@code size} bytes each, at run + data_offset). */
    public int ioData(int i) {
        int size = ioSize();
        int at = ioDataAddress(i, size);
        switch (size) {
        case 1:
            return run.get(at) & 0xFF;
        case 2:
            return run.getShort(at) & 0xFFFF;
        default:
            return run.getInt(at);
        }
    }

    /** Stores the {@code i}-th item of an IN exit's data for the guest to receive. */
    public void setIoData(int i, int value) {
        int size = ioSize();
        int at = ioDataAddress(i, size);
        switch (size) {
        case 1:
            run.put(at, (byte) value);
            break;
        case 2:
            run.putShort(at, (short) value);
            break;
        default:
            run.putInt(at, value);
        }
    }

    private int ioDataAddress(int i, int size) {
        long at = run.getLong(IO_DATA_OFFSET) + (long) i * size;
        if (at < 0 || at + size > run.capacity()) {
            throw new IllegalStateException("kvm_run io data at " + at + " outside the " + run.capacity()
                    + "-byte page");
        }
        return (int) at;
    }

    public long mmioAddress() {
        return run.getLong(MMIO_PHYS_ADDR);
    }

    public int mmioLength() {
        return run.getInt(MMIO_LEN);
    }

    public boolean mmioIsWrite() {
        return run.get(MMIO_IS_WRITE) != 0;
    }

    /** The (little-endian) data of an MMIO write, {@link #mmioLength()} bytes. */
    public long mmioData() {
        return run.getLong(MMIO_DATA);
    }

    /** Stores the result of an MMIO read. */
    public void setMmioData(long value) {
        run.putLong(MMIO_DATA, value);
    }

    public long failEntryReason() {
        return run.getLong(FAIL_ENTRY_REASON);
    }

    public int failEntryCpu() {
        return run.getInt(FAIL_ENTRY_CPU);
    }

    public int internalSuberror() {
        return run.getInt(INTERNAL_SUBERROR);
    }

    /** The internal-error data words ({@code ndata}, at most 16). */
    public long[] internalData() {
        int n = Math.max(0, Math.min(16, run.getInt(INTERNAL_NDATA)));
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = run.getLong(INTERNAL_DATA + 8 * i);
        }
        return d;
    }

    public int systemEventType() {
        return run.getInt(SYSTEM_EVENT_TYPE);
    }

    public long hardwareExitReason() {
        return run.getLong(HW_EXIT_REASON);
    }
}
