package dev.vmboot.platform;

/**
 * The PCI configuration mechanism #1 address register at 0xCF8 (PCI Local Bus Specification 3.0, 3.2.2.3.2): enable
 * bit 31, bus 23:16, device 15:11, function 10:8, dword register 7:2.
 *
 * @param enabled  bit 31: data port accesses go to configuration space
 * @param bus      0–255
 * @param device   0–31
 * @param function 0–7
 * @param register byte offset of the dword, 0–252
 */
public record PciConfigAddress(boolean enabled, int bus, int device, int function, int register) {

    private static final int ENABLE = 0x8000_0000;

    public PciConfigAddress {
        if (bus < 0 || bus > 255 || device < 0 || device > 31 || function < 0 || function > 7 || register < 0
                || register > 252 || (register & 3) != 0) {
            throw new IllegalArgumentException(
                    "bad PCI address " + bus + ":" + device + "." + function + " register " + register);
        }
    }

    public static PciConfigAddress decode(int value) {
        return new PciConfigAddress((value & ENABLE) != 0, (value >>> 16) & 0xFF, (value >>> 11) & 0x1F,
                (value >>> 8) & 0x7, value & 0xFC);
    }

    /** The register value; reserved bits 30:24 and 1:0 read as zero. */
    public int encode() {
        return (enabled ? ENABLE : 0) | bus << 16 | device << 11 | function << 8 | register;
    }
}
