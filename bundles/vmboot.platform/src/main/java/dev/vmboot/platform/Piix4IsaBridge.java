package dev.vmboot.platform;

/**
 * The PCI-to-ISA bridge function at 00:01.0 of QEMU's i440FX machine. Its device ID 8086:7000 is the PIIX3 ISA
 * function that QEMU pairs with the PIIX4 power-management function 00:01.3. Firmware programs the PIRQ routing
 * registers (OVMF BdsPlatform.c writes 0x60–0x63); the device-specific registers are plain storage.
 */
public final class Piix4IsaBridge extends PciFunction {

    public static final int VENDOR_INTEL = 0x8086;
    public static final int DEVICE_ID = 0x7000;
    /** PCI Code and ID Assignment Specification 1.11, 1.7: base class 06h, subclass 01h = ISA bridge. */
    public static final int CLASS_ISA_BRIDGE = 0x060100;
    public static final int DEVICE = 1;
    public static final int FUNCTION = 0;
    /** 82371AB PIIX4 datasheet, 3.1.10 PIRQRC[A:D]: 60h–63h, default 80h (routing disabled). */
    public static final int PIRQ_ROUTE_CONTROL = 0x60;
    private static final int PIRQ_DISABLED = 0x80;

    public Piix4IsaBridge() {
        super(VENDOR_INTEL, DEVICE_ID, CLASS_ISA_BRIDGE, 0, false);
        setWritable(DEVICE_SPECIFIC, CONFIG_SIZE - DEVICE_SPECIFIC);
        setConfig(PIRQ_ROUTE_CONTROL, 4, PIRQ_DISABLED * 0x01010101);
    }
}
