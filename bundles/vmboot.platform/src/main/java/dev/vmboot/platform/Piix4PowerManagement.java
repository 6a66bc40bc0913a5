package dev.vmboot.platform;

import java.util.Objects;

/**
 * The PIIX4 power-management function at 00:01.3 (82371AB PIIX4 datasheet, section 7). Firmware writes the PM I/O
 * base to PMBA (config 0x40) and enables it with PMREGMISC (config 0x80) bit 0; OVMF uses base 0xB000, putting the
 * ACPI PM timer at 0xB008 (OvmfPkg/Include/IndustryStandard/I440FxPiix4.h). The {@link IoSpaceListener} is told
 * whenever the decoded 64-byte block moves, so the VMM can register {@link Piix4PmRegisters} there.
 */
public final class Piix4PowerManagement extends PciFunction {

    public static final int VENDOR_INTEL = 0x8086;
    public static final int DEVICE_ID = 0x7113;
    /** PCI Code and ID Assignment Specification 1.11, 1.7: base class 06h, subclass 80h = other bridge. */
    public static final int CLASS_OTHER_BRIDGE = 0x068000;
    /** QEMU's PIIX4 PM reports revision 03h. */
    private static final int REVISION = 0x03;
    public static final int DEVICE = 1;
    public static final int FUNCTION = 3;

    /** I440FxPiix4.h PIIX4_PMBA; PIIX4 datasheet 7.2.2: bit 0 reads 1 (I/O space), bits 15:6 the base. */
    public static final int PMBA = 0x40;
    private static final int PMBA_WRITABLE = 0x0000_FFC0;
    private static final int PMBA_IO_INDICATOR = 0x1;
    /** I440FxPiix4.h PIIX4_PMREGMISC; PIIX4 datasheet 7.2.6: bit 0 PMIOSE enables the PM I/O block. */
    public static final int PMREGMISC = 0x80;
    private static final int PMREGMISC_PMIOSE = 0x01;
    /** I440FxPiix4.h PIIX4_PMBA_VALUE: where OVMF puts the block. */
    public static final int OVMF_PMBA_VALUE = 0xB000;

    private final IoSpaceListener listener;
    private int notifiedBase = IoSpaceListener.NONE;

    public Piix4PowerManagement(IoSpaceListener listener) {
        super(VENDOR_INTEL, DEVICE_ID, CLASS_OTHER_BRIDGE, REVISION, false);
        this.listener = Objects.requireNonNull(listener, "listener");
        setWritable(DEVICE_SPECIFIC, CONFIG_SIZE - DEVICE_SPECIFIC);
        setConfig(PMBA, 4, PMBA_IO_INDICATOR);
        setWritableBits(PMBA, 4, PMBA_WRITABLE);
        setWritableBits(PMREGMISC, 1, PMREGMISC_PMIOSE);
        setInterruptPin(1); // SCI on INTA#, as QEMU's PIIX4 PM
    }

    /** Where the PM block decodes now, or {@link IoSpaceListener#NONE}. */
    public int pmBase() {
        if ((config(PMREGMISC, 1) & PMREGMISC_PMIOSE) == 0) {
            return IoSpaceListener.NONE;
        }
        int base = config(PMBA, 4) & PMBA_WRITABLE;
        return base == 0 ? IoSpaceListener.NONE : base; // never decode over the DMA controller at port 0
    }

    @Override
    protected void configWritten(int offset, int size, int value) {
        if (!overlaps(offset, size, PMBA, 4) && !overlaps(offset, size, PMREGMISC, 1)) {
            return;
        }
        int previous;
        int now;
        synchronized (this) {
            now = pmBase();
            previous = notifiedBase;
            notifiedBase = now;
        }
        if (previous != now) {
            listener.ioSpaceMoved(previous, now);
        }
    }
}
