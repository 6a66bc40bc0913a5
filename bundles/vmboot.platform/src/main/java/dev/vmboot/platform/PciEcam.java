package dev.vmboot.platform;

import java.util.Objects;

import dev.vmboot.api.device.MmioDevice;

/**
 * The PCI Express enhanced configuration access mechanism (PCI Express Base Specification 4.0, 7.2.2, Table 7-1): a
 * memory window where offset bits 27:20 select the bus (1 MiB each), 19:15 the device, 14:12 the function and 11:0
 * the register.
 */
public final class PciEcam implements MmioDevice {

    /** cloud-hypervisor arch/src/x86_64/layout.rs: PCI_MMCONFIG_START 0xE800_0000, 256 MiB (buses 0–255). */
    public static final long CLOUD_HV_BASE = 0xE800_0000L;
    public static final long SIZE_PER_BUS = 1L << 20;
    public static final long FULL_SIZE = 256 * SIZE_PER_BUS;

    private final PciRootBus bus;

    public PciEcam(PciRootBus bus) {
        this.bus = Objects.requireNonNull(bus, "bus");
    }

    @Override
    public long read(long offset, int size) {
        if (size == 8) {
            return (read(offset, 4) & 0xFFFF_FFFFL) | (read(offset + 4, 4) & 0xFFFF_FFFFL) << 32;
        }
        if (!inWindow(offset, size)) {
            return PortAccess.allOnes(size) & 0xFFFF_FFFFL;
        }
        return bus.readConfig(busOf(offset), deviceOf(offset), functionOf(offset), registerOf(offset), size)
                & 0xFFFF_FFFFL;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size == 8) {
            write(offset, 4, value & 0xFFFF_FFFFL);
            write(offset + 4, 4, value >>> 32);
            return;
        }
        if (inWindow(offset, size)) {
            bus.writeConfig(busOf(offset), deviceOf(offset), functionOf(offset), registerOf(offset), size,
                    (int) value);
        }
    }

    /** The access must stay within one function's 4 KiB and the 256-bus window. */
    private static boolean inWindow(long offset, int size) {
        return PortAccess.validSize(size) && offset >= 0 && offset + size <= FULL_SIZE
                && (offset & 0xFFF) + size <= 0x1000;
    }

    private static int busOf(long offset) {
        return (int) (offset >>> 20) & 0xFF;
    }

    private static int deviceOf(long offset) {
        return (int) (offset >>> 15) & 0x1F;
    }

    private static int functionOf(long offset) {
        return (int) (offset >>> 12) & 0x7;
    }

    private static int registerOf(long offset) {
        return (int) offset & 0xFFF;
    }
}
