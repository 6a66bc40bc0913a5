package dev.vmboot.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One PCI function with a type 0 configuration header (PCI Local Bus Specification 3.0, 6.1) in a 256-byte or 4 KiB
 * (PCI Express extended) configuration space. Each byte has a write mask: read-only identification, a command register
 * with the usual writable bits, BARs whose low flag bits are read-only and whose address bits below the size read as
 * zero — so writing all-ones and reading back yields the size mask with the I/O, type and prefetchable bits intact,
 * exactly what firmware's BAR sizing expects. Moving a BAR or switching the command register's I/O/memory enable
 * notifies the {@link PciBarListener}s.
 * <p>
 * Subclasses add device-specific registers with {@link #setConfig}, {@link #setWritable} and the
 * {@link #configRead}/{@link #configWritten} hooks.
 */
public class PciFunction {

    public static final int CONFIG_SIZE = 256;
    /** PCI Express Base Specification 4.0, 7.2.2: 4 KiB per function through ECAM. */
    public static final int EXTENDED_CONFIG_SIZE = 4096;

    // PCI 3.0, 6.1, Figure 6-1 "Type 00h Configuration Space Header"
    public static final int VENDOR_ID = 0x00;
    public static final int DEVICE_ID = 0x02;
    public static final int COMMAND = 0x04;
    public static final int STATUS = 0x06;
    public static final int REVISION_ID = 0x08;
    public static final int CLASS_CODE = 0x09; // programming interface 0x09, subclass 0x0A, base class 0x0B
    public static final int CACHE_LINE_SIZE = 0x0C;
    public static final int LATENCY_TIMER = 0x0D;
    public static final int HEADER_TYPE = 0x0E;
    public static final int BAR0 = 0x10;
    public static final int SUBSYSTEM_VENDOR_ID = 0x2C;
    public static final int SUBSYSTEM_ID = 0x2E;
    public static final int EXPANSION_ROM = 0x30;
    public static final int CAPABILITIES_POINTER = 0x34;
    public static final int INTERRUPT_LINE = 0x3C;
    public static final int INTERRUPT_PIN = 0x3D;
    /** First device-specific register after the header. */
    public static final int DEVICE_SPECIFIC = 0x40;

    // PCI 3.0, 6.2.2 "Device Control": command register bits
    public static final int COMMAND_IO = 0x0001;
    public static final int COMMAND_MEMORY = 0x0002;
    public static final int COMMAND_BUS_MASTER = 0x0004;
    /** I/O, memory, bus master, parity error response, SERR# enable, interrupt disable. */
    private static final int COMMAND_WRITABLE = 0x0547;
    /** PCI 3.0, 6.2.3: status bit 4, a capabilities list is present. */
    private static final int STATUS_CAPABILITIES = 0x0010;
    /** PCI 3.0, 6.2.1: header type bit 7, the device has more than one function. */
    private static final int HEADER_MULTI_FUNCTION = 0x80;
    private static final int BAR_COUNT = 6;

    private final byte[] config;
    private final byte[] writable;
    private final PciBar[] bars = new PciBar[BAR_COUNT];
    private final PciBarMapping[] mappings = new PciBarMapping[BAR_COUNT];
    private final List<PciBarListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param vendorId       vendor ID
     * @param deviceId       device ID
     * @param classCode      24-bit class code: base class, subclass, programming interface (e.g. 0x060000)
     * @param revision       revision ID
     * @param extendedConfig 4 KiB PCI Express configuration space instead of 256 bytes
     */
    public PciFunction(int vendorId, int deviceId, int classCode, int revision, boolean extendedConfig) {
        config = new byte[extendedConfig ? EXTENDED_CONFIG_SIZE : CONFIG_SIZE];
        writable = new byte[config.length];
        putRaw(VENDOR_ID, 2, vendorId);
        putRaw(DEVICE_ID, 2, deviceId);
        putRaw(REVISION_ID, 1, revision);
        putRaw(CLASS_CODE, 3, classCode);
        setWritableBits(COMMAND, 2, COMMAND_WRITABLE);
        setWritableBits(CACHE_LINE_SIZE, 1, 0xFF);
        setWritableBits(LATENCY_TIMER, 1, 0xFF);
        setWritableBits(INTERRUPT_LINE, 1, 0xFF);
    }

    public final int vendorId() {
        return config(VENDOR_ID, 2);
    }

    public final int deviceId() {
        return config(DEVICE_ID, 2);
    }

    public final int command() {
        return config(COMMAND, 2);
    }

    /** Size of the configuration space: 256 or 4096. */
    public final int configSize() {
        return config.length;
    }

    /** A guest read of {@code size} (1, 2 or 4) bytes at {@code offset}; out of range reads all-ones. */
    public final int readConfig(int offset, int size) {
        if (!inRange(offset, size)) {
            return PortAccess.allOnes(size);
        }
        synchronized (this) {
            return configRead(offset, size, getRaw(offset, size));
        }
    }

    /** A guest write; read-only bits keep their value, out-of-range writes are dropped. */
    public final void writeConfig(int offset, int size, int value) {
        if (!inRange(offset, size)) {
            return;
        }
        List<PciBarMapping[]> changes;
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                int at = offset + i;
                int mask = writable[at];
                config[at] = (byte) ((config[at] & ~mask) | ((value >>> (8 * i)) & mask));
            }
            boolean touchesDecoding = overlaps(offset, size, COMMAND, 2)
                    || overlaps(offset, size, BAR0, 4 * BAR_COUNT);
            changes = touchesDecoding ? refreshMappings() : List.of();
        }
        fire(changes);
        configWritten(offset, size, value);
    }

    /** Implements a BAR. A 64-bit BAR takes two registers. Define BARs before the guest runs. */
    public final synchronized void defineBar(PciBar bar) {
        Objects.requireNonNull(bar, "bar");
        int last = bar.kind() == PciBar.Kind.MEMORY64 ? bar.index() + 1 : bar.index();
        for (int i = bar.index(); i <= last; i++) {
            if (bars[i] != null || (i > 0 && bars[i - 1] != null && bars[i - 1].kind() == PciBar.Kind.MEMORY64)) {
                throw new IllegalStateException("BAR " + i + " is already defined");
            }
        }
        bars[bar.index()] = bar;
        int register = BAR0 + 4 * bar.index();
        putRaw(register, 4, bar.flagBits());
        setWritableBits(register, 4, (int) bar.addressMask());
        if (bar.kind() == PciBar.Kind.MEMORY64) {
            putRaw(register + 4, 4, 0);
            setWritableBits(register + 4, 4, (int) (bar.addressMask() >>> 32));
        }
        mappings[bar.index()] = new PciBarMapping(bar, 0, false);
    }

    /** The BAR defined at {@code index}, or null. */
    public final synchronized PciBar bar(int index) {
        return index >= 0 && index < BAR_COUNT ? bars[index] : null;
    }

    /** Where the BAR at {@code index} decodes now, or null if no BAR is defined there. */
    public final synchronized PciBarMapping barMapping(int index) {
        return index >= 0 && index < BAR_COUNT ? mappings[index] : null;
    }

    /** Programs a BAR's address as firmware would (for guests booted without firmware); listeners are told. */
    public final void assignBar(int index, long address) {
        PciBar bar = bar(index);
        if (bar == null) {
            throw new IllegalArgumentException("no BAR " + index);
        }
        if ((address & (bar.size() - 1)) != 0 || (bar.kind() != PciBar.Kind.MEMORY64 && (address >>> 32) != 0)) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " does not suit " + bar);
        }
        writeConfig(BAR0 + 4 * index, 4, (int) address);
        if (bar.kind() == PciBar.Kind.MEMORY64) {
            writeConfig(BAR0 + 4 * index + 4, 4, (int) (address >>> 32));
        }
    }

    public final void addBarListener(PciBarListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public final void removeBarListener(PciBarListener listener) {
        listeners.remove(listener);
    }

    /** Sets the interrupt pin register (0 = none, 1–4 = INTA#–INTD#). */
    public final void setInterruptPin(int pin) {
        if (pin < 0 || pin > 4) {
            throw new IllegalArgumentException("interrupt pin must be 0..4: " + pin);
        }
        setConfig(INTERRUPT_PIN, 1, pin);
    }

    public final void setSubsystem(int vendorId, int subsystemId) {
        setConfig(SUBSYSTEM_VENDOR_ID, 2, vendorId);
        setConfig(SUBSYSTEM_ID, 2, subsystemId);
    }

    /** Points the capabilities list at {@code offset} and sets the status register's capabilities bit. */
    public final synchronized void setCapabilitiesPointer(int offset) {
        if (offset < DEVICE_SPECIFIC || offset > 0xFC || (offset & 3) != 0) {
            throw new IllegalArgumentException("bad capabilities pointer " + offset);
        }
        putRaw(CAPABILITIES_POINTER, 1, offset);
        putRaw(STATUS, 2, getRaw(STATUS, 2) | STATUS_CAPABILITIES);
    }

    /** Sets configuration bytes regardless of their write masks (device-side update). */
    protected final synchronized void setConfig(int offset, int size, int value) {
        checkRange(offset, size);
        putRaw(offset, size, value);
    }

    /** The stored configuration value, without the read hook. */
    protected final synchronized int config(int offset, int size) {
        checkRange(offset, size);
        return getRaw(offset, size);
    }

    /** Lets the guest write the bits of {@code mask} in the {@code size} bytes at {@code offset}. */
    protected final synchronized void setWritableBits(int offset, int size, int mask) {
        checkRange(offset, size);
        for (int i = 0; i < size; i++) {
            writable[offset + i] = (byte) (mask >>> (8 * i));
        }
    }

    /** Makes {@code length} bytes from {@code offset} plain read-write storage. */
    protected final synchronized void setWritable(int offset, int length) {
        checkRange(offset, length);
        for (int i = 0; i < length; i++) {
            writable[offset + i] = (byte) 0xFF;
        }
    }

    /**
     * Hook for registers computed on read; called holding this function's lock with the stored value.
     *
     * @return the value the guest reads
     */
    protected int configRead(int offset, int size, int stored) {
        return stored;
    }

    /** Hook called after a guest write has been stored, without holding the lock. */
    protected void configWritten(int offset, int size, int value) {
    }

    /** Called by the root bus when another function shares this one's device number. */
    final synchronized void markMultiFunction() {
        putRaw(HEADER_TYPE, 1, getRaw(HEADER_TYPE, 1) | HEADER_MULTI_FUNCTION);
    }

    static boolean overlaps(int offset, int size, int start, int length) {
        return offset < start + length && start < offset + size;
    }

    private List<PciBarMapping[]> refreshMappings() {
        List<PciBarMapping[]> changes = new ArrayList<>(2);
        for (int i = 0; i < BAR_COUNT; i++) {
            if (bars[i] == null) {
                continue;
            }
            PciBarMapping now = currentMapping(bars[i]);
            PciBarMapping before = mappings[i];
            mappings[i] = now;
            // Address changes of an undecoded BAR (firmware programming it before enabling) need no action.
            if (!now.equals(before) && (before.decoded() || now.decoded())) {
                changes.add(new PciBarMapping[] { before, now });
            }
        }
        return changes;
    }

    private PciBarMapping currentMapping(PciBar bar) {
        int register = BAR0 + 4 * bar.index();
        long low = getRaw(register, 4) & 0xFFFF_FFFFL;
        long high = bar.kind() == PciBar.Kind.MEMORY64 ? getRaw(register + 4, 4) & 0xFFFF_FFFFL : 0;
        long address = (high << 32 | low) & bar.addressMask();
        int enable = bar.isIo() ? COMMAND_IO : COMMAND_MEMORY;
        boolean decoded = (getRaw(COMMAND, 2) & enable) != 0 && address != 0 && !holdsSizingPattern(bar, address)
                && fits(bar, address);
        return new PciBarMapping(bar, address, decoded);
    }

    /**
     * A BAR whose writable address bits are all ones is being sized; decoding it would cover the top of the address
     * space (the firmware flash), so it decodes nothing. For a 64-bit BAR the low register decides once it has
     * address bits, so a half-written 64-bit sizing counts too.
     */
    private static boolean holdsSizingPattern(PciBar bar, long address) {
        long mask = bar.addressMask();
        long lowMask = mask & 0xFFFF_FFFFL;
        return lowMask != 0 ? (address & lowMask) == lowMask : (address & mask) == mask;
    }

    private static boolean fits(PciBar bar, long address) {
        switch (bar.kind()) {
        case IO:
            return address + bar.size() <= 0x1_0000; // x86 I/O space is 64 KiB
        case MEMORY32:
            return address + bar.size() <= 1L << 32;
        default:
            return address + bar.size() > address;
        }
    }

    private void fire(List<PciBarMapping[]> changes) {
        for (PciBarMapping[] change : changes) {
            for (PciBarListener listener : listeners) {
                listener.barChanged(this, change[0], change[1]);
            }
        }
    }

    private boolean inRange(int offset, int size) {
        return PortAccess.validSize(size) && offset >= 0 && offset + size <= config.length;
    }

    private void checkRange(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > config.length) {
            throw new IllegalArgumentException("configuration range " + offset + "+" + length + " out of bounds");
        }
    }

    private int getRaw(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= (config[offset + i] & 0xFF) << (8 * i);
        }
        return value;
    }

    private void putRaw(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            config[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
