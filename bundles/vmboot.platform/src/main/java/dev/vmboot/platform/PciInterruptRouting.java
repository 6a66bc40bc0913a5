package dev.vmboot.platform;

/**
 * How the platform wires PCI INTx pins to the IOAPIC: INTA–INTD of device (slot) {@code s} go to GSIs 16–19 with the
 * usual (slot + pin) mod 4 swizzle of a PC's PIRQ lines (PCI-to-PCI Bridge Architecture 1.2, 9.1). The DSDT's
 * {@code _PRT} (vmboot.acpi {@code PlatformDescription.pciInterruptGsi}) describes this same wiring to the guest.
 */
public final class PciInterruptRouting {
    /** The first of the four GSIs, above the 16 ISA IRQs. */
    public static final int FIRST_GSI = 16;
    private static final int PINS = 4;

    private PciInterruptRouting() {
    }

    /**
     * The GSI of {@code pin} (0 = INTA#) of PCI device {@code slot} on the root bus.
     *
     * @throws IllegalArgumentException for a slot outside 0-31 or a pin outside 0-3
     */
    public static int gsi(int slot, int pin) {
        if (slot < 0 || slot > 31 || pin < 0 || pin >= PINS) {
            throw new IllegalArgumentException("PCI slot " + slot + " pin " + pin);
        }
        return FIRST_GSI + ((slot + pin) & (PINS - 1));
    }
}
