package dev.vmboot.machine.internal.virtio;

import java.util.Objects;

import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.platform.PciBar;
import dev.vmboot.platform.PciFunction;

/**
 * A modern (non-transitional) virtio PCI function (virtio 1.2, 4.1): vendor 0x1AF4, device 0x1040 + the device type,
 * one 64-bit memory BAR that holds every structure, found through vendor-specific capabilities, and an MSI-X
 * capability with one vector per queue and one for configuration changes.
 *
 * <table>
 * <caption>BAR 0 layout (each structure in its own 4 KiB page, so a driver may map them apart)</caption>
 * <tr><th>offset</th><th>structure</th></tr>
 * <tr><td>0x0000</td><td>common configuration (4.1.4.3), {@link VirtioPciTransport}</td></tr>
 * <tr><td>0x1000</td><td>ISR status (4.1.4.5)</td></tr>
 * <tr><td>0x2000</td><td>device-specific configuration (4.1.4.6)</td></tr>
 * <tr><td>0x3000</td><td>notifications (4.1.4.4): queue n at 0x3000 + 4n</td></tr>
 * <tr><td>0x4000</td><td>MSI-X table (PCI 3.0, 6.8.2)</td></tr>
 * <tr><td>0x5000</td><td>MSI-X pending-bit array</td></tr>
 * </table>
 * <table>
 * <caption>Capability list in configuration space</caption>
 * <tr><th>offset</th><th>capability</th></tr>
 * <tr><td>0x40</td><td>VIRTIO_PCI_CAP_COMMON_CFG</td></tr>
 * <tr><td>0x50</td><td>VIRTIO_PCI_CAP_NOTIFY_CFG (with notify_off_multiplier)</td></tr>
 * <tr><td>0x64</td><td>VIRTIO_PCI_CAP_ISR_CFG</td></tr>
 * <tr><td>0x74</td><td>VIRTIO_PCI_CAP_DEVICE_CFG</td></tr>
 * <tr><td>0x84</td><td>VIRTIO_PCI_CAP_PCI_CFG: a window onto the BAR through configuration space (4.1.4.9)</td></tr>
 * <tr><td>0x98</td><td>MSI-X (PCI 3.0, 6.8.2)</td></tr>
 * </table>
 * Lock order: this function's configuration lock may be held while the transport's lock is taken (the PCI_CFG window),
 * never the other way round; device threads take neither.
 */
final class VirtioPciFunction extends PciFunction {

    /** virtio 1.2, 4.1.2.1: the PCI vendor of virtio devices, and modern device IDs 0x1040 + type. */
    static final int VENDOR = 0x1AF4;
    static final int MODERN_DEVICE_BASE = 0x1040;
    /** 4.1.2.1: revision 1 or more for non-transitional devices. */
    static final int REVISION = 1;
    /** QEMU's subsystem for virtio devices (hw/pci/pci.h PCI_SUBDEVICE_ID_QEMU); drivers do not look at it. */
    static final int SUBSYSTEM_ID = 0x1100;

    static final int BAR_INDEX = 0;
    static final long BAR_SIZE = 0x8000;
    static final int COMMON_OFFSET = 0x0000;
    static final int ISR_OFFSET = 0x1000;
    static final int DEVICE_OFFSET = 0x2000;
    static final int NOTIFY_OFFSET = 0x3000;
    static final int MSIX_TABLE_OFFSET = 0x4000;
    static final int MSIX_PBA_OFFSET = 0x5000;
    static final int REGION_SIZE = 0x1000;
    /** 4.1.4.4: the queue_notify_off multiplier; each queue has its own 32-bit slot. */
    static final int NOTIFY_MULTIPLIER = 4;

    // virtio 1.2, 4.1.4 "Virtio Structure PCI Capabilities": cfg_type values
    static final int CAP_COMMON_CFG = 1;
    static final int CAP_NOTIFY_CFG = 2;
    static final int CAP_ISR_CFG = 3;
    static final int CAP_DEVICE_CFG = 4;
    static final int CAP_PCI_CFG = 5;
    /** PCI 3.0, appendix H: capability IDs 0x09 vendor-specific, 0x11 MSI-X. */
    static final int CAP_ID_VENDOR = 0x09;
    static final int CAP_ID_MSIX = 0x11;

    static final int CAP_COMMON = 0x40;
    static final int CAP_NOTIFY = 0x50;
    static final int CAP_ISR = 0x64;
    static final int CAP_DEVICE = 0x74;
    static final int CAP_PCI_WINDOW = 0x84;
    static final int CAP_MSIX = 0x98;
    /** struct virtio_pci_cap: vndr, next, len, cfg_type, bar, id, padding[2], le32 offset, le32 length. */
    private static final int VIRTIO_CAP_LENGTH = 16;
    private static final int CAP_BAR = 4;
    private static final int CAP_OFFSET = 8;
    private static final int CAP_LENGTH = 12;
    /** struct virtio_pci_cfg_cap: the cap, then u8 pci_cfg_data[4]. */
    private static final int PCI_WINDOW_DATA = CAP_PCI_WINDOW + VIRTIO_CAP_LENGTH;
    /** PCI 3.0, 6.8.2.3: Message Control bits 15 MSI-X Enable, 14 Function Mask; 10:0 table size - 1. */
    private static final int MSIX_CONTROL = CAP_MSIX + 2;
    private static final int MSIX_ENABLE = 0x8000;
    private static final int MSIX_FUNCTION_MASK = 0x4000;
    /** PCI 3.0, 6.2.2 command bit 10 Interrupt Disable; 6.2.3 status bit 3 Interrupt Status. */
    private static final int COMMAND_INTX_DISABLE = 0x0400;
    private static final int STATUS_INTERRUPT = 0x0008;

    private final VirtioPciTransport transport;
    private final MsixTable msix;
    private final MmioDevice bar = new Bar();

    /**
     * @param classCode the PCI class of the device type (e.g. 0x018000 for a block device)
     */
    VirtioPciFunction(VirtioPciTransport transport, MsixTable msix, int classCode) {
        super(VENDOR, MODERN_DEVICE_BASE + transport.device().deviceType(), classCode, REVISION, false);
        this.transport = Objects.requireNonNull(transport, "transport");
        this.msix = Objects.requireNonNull(msix, "msix");
        if (transport.queueCount() > REGION_SIZE / NOTIFY_MULTIPLIER
                || msix.tableSize() > REGION_SIZE || msix.pbaSize() > REGION_SIZE) {
            throw new IllegalArgumentException("too many queues for the BAR layout: " + transport.queueCount());
        }
        setSubsystem(VENDOR, SUBSYSTEM_ID);
        setInterruptPin(1); // INTA#, routed by the DSDT's _PRT
        defineBar(PciBar.memory64(BAR_INDEX, BAR_SIZE, false));
        setCapabilitiesPointer(CAP_COMMON);
        virtioCap(CAP_COMMON, CAP_NOTIFY, VIRTIO_CAP_LENGTH, CAP_COMMON_CFG, COMMON_OFFSET,
                VirtioPciTransport.COMMON_CONFIG_SIZE);
        virtioCap(CAP_NOTIFY, CAP_ISR, VIRTIO_CAP_LENGTH + 4, CAP_NOTIFY_CFG, NOTIFY_OFFSET,
                transport.queueCount() * NOTIFY_MULTIPLIER);
        setConfig(CAP_NOTIFY + VIRTIO_CAP_LENGTH, 4, NOTIFY_MULTIPLIER);
        virtioCap(CAP_ISR, CAP_DEVICE, VIRTIO_CAP_LENGTH, CAP_ISR_CFG, ISR_OFFSET, 1);
        virtioCap(CAP_DEVICE, CAP_PCI_WINDOW, VIRTIO_CAP_LENGTH, CAP_DEVICE_CFG, DEVICE_OFFSET, REGION_SIZE);
        // 4.1.4.9: bar, offset and length of the window are the driver's to set; its data bytes go through the BAR.
        virtioCap(CAP_PCI_WINDOW, CAP_MSIX, VIRTIO_CAP_LENGTH + 4, CAP_PCI_CFG, 0, 0);
        setWritable(CAP_PCI_WINDOW + CAP_BAR, 1);
        setWritable(CAP_PCI_WINDOW + CAP_OFFSET, 8);
        setWritable(PCI_WINDOW_DATA, 4);
        setConfig(CAP_MSIX, 1, CAP_ID_MSIX);
        setConfig(CAP_MSIX + 1, 1, 0);
        setConfig(MSIX_CONTROL, 2, msix.vectors() - 1);
        setWritableBits(MSIX_CONTROL, 2, MSIX_ENABLE | MSIX_FUNCTION_MASK);
        setConfig(CAP_MSIX + 4, 4, MSIX_TABLE_OFFSET | BAR_INDEX); // 6.8.2.4: offset | BIR
        setConfig(CAP_MSIX + 8, 4, MSIX_PBA_OFFSET | BAR_INDEX);
    }

    private void virtioCap(int at, int next, int length, int type, int offset, int size) {
        setConfig(at, 1, CAP_ID_VENDOR);
        setConfig(at + 1, 1, next);
        setConfig(at + 2, 1, length);
        setConfig(at + 3, 1, type);
        setConfig(at + CAP_BAR, 1, BAR_INDEX);
        setConfig(at + CAP_OFFSET, 4, offset);
        setConfig(at + CAP_LENGTH, 4, size);
    }

    /** The BAR's registers, for the machine's MMIO bus wherever the BAR decodes. */
    MmioDevice bar() {
        return bar;
    }

    VirtioPciTransport transport() {
        return transport;
    }

    @Override
    protected int configRead(int offset, int size, int stored) {
        if (offset <= STATUS && STATUS < offset + size && transport.intxAsserted()) {
            return stored | STATUS_INTERRUPT << (8 * (STATUS - offset));
        }
        if (overlaps(offset, size, PCI_WINDOW_DATA, 4)) {
            return windowRead(offset, size, stored);
        }
        return stored;
    }

    @Override
    protected void configWritten(int offset, int size, int value) {
        if (overlaps(offset, size, MSIX_CONTROL, 2) || overlaps(offset, size, COMMAND, 2)) {
            int control = config(MSIX_CONTROL, 2);
            msix.control((control & MSIX_ENABLE) != 0, (control & MSIX_FUNCTION_MASK) != 0);
            transport.intxMasked((config(COMMAND, 2) & COMMAND_INTX_DISABLE) != 0);
        }
        if (overlaps(offset, size, PCI_WINDOW_DATA, 4)) {
            Window w = window();
            if (w != null) {
                long data = config(PCI_WINDOW_DATA, 4) & 0xFFFF_FFFFL;
                bar.write(w.offset, w.length, data & ((1L << (8 * w.length)) - 1));
            }
        }
    }

    /** 4.1.4.9: a read of pci_cfg_data reads {@code length} bytes of the BAR at {@code offset}, in its low bytes. */
    private int windowRead(int offset, int size, int stored) {
        Window w = window();
        if (w == null || offset < PCI_WINDOW_DATA || offset + size > PCI_WINDOW_DATA + 4) {
            return 0; // a window the device cannot serve, or a read straddling pci_cfg_data: nothing behind it
        }
        long data = bar.read(w.offset, w.length);
        return (int) (data >>> (8 * (offset - PCI_WINDOW_DATA)));
    }

    private static boolean overlaps(int offset, int size, int start, int length) {
        return offset < start + length && start < offset + size;
    }

    private record Window(long offset, int length) {
    }

    /** The window the driver set, if it is one the device can serve: BAR 0, 1, 2 or 4 bytes, aligned, inside it. */
    private Window window() {
        int barIndex = config(CAP_PCI_WINDOW + CAP_BAR, 1);
        long offset = config(CAP_PCI_WINDOW + CAP_OFFSET, 4) & 0xFFFF_FFFFL;
        int length = config(CAP_PCI_WINDOW + CAP_LENGTH, 4);
        boolean ok = barIndex == BAR_INDEX && (length == 1 || length == 2 || length == 4) && offset % length == 0
                && offset + length <= BAR_SIZE;
        return ok ? new Window(offset, length) : null;
    }

    /** The BAR's structures, dispatched by page; unused bytes read zero and ignore writes. */
    private final class Bar implements MmioDevice {
        @Override
        public long read(long offset, int size) {
            int in = (int) (offset & (REGION_SIZE - 1));
            switch ((int) (offset & ~(REGION_SIZE - 1))) {
            case COMMON_OFFSET:
                return transport.readCommon(in, size);
            case ISR_OFFSET:
                return in == 0 ? transport.readIsr() : 0;
            case DEVICE_OFFSET:
                return transport.readDeviceConfig(in, size);
            case MSIX_TABLE_OFFSET:
                return msix.readTable(in, size);
            case MSIX_PBA_OFFSET:
                return msix.readPba(in, size);
            default:
                return 0;
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            int in = (int) (offset & (REGION_SIZE - 1));
            switch ((int) (offset & ~(REGION_SIZE - 1))) {
            case COMMON_OFFSET:
                transport.writeCommon(in, size, value);
                break;
            case DEVICE_OFFSET:
                transport.writeDeviceConfig(in, size, value);
                break;
            case NOTIFY_OFFSET:
                if (in % NOTIFY_MULTIPLIER == 0) {
                    transport.notifyQueue(in / NOTIFY_MULTIPLIER);
                }
                break;
            case MSIX_TABLE_OFFSET:
                msix.writeTable(in, size, value);
                break;
            default:
                break;
            }
        }
    }
}
