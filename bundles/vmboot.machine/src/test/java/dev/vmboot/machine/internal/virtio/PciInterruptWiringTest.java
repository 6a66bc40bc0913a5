package dev.vmboot.machine.internal.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.vmboot.acpi.PlatformDescription;
import dev.vmboot.platform.PciInterruptRouting;

/** The GSI a device's INTx drives is the one the DSDT's _PRT tells the guest, on both platforms. */
class PciInterruptWiringTest {

    @Test
    void theWiringAndItsAcpiDescriptionAgreeForEverySlotAndPin() {
        PlatformDescription[] platforms = {PlatformDescription.cloudHypervisor(1, 1L << 30),
            PlatformDescription.i440fx(1, 1L << 30, 1L << 30, 0xB000)};
        for (PlatformDescription p : platforms) {
            for (int slot = 0; slot < 32; slot++) {
                for (int pin = 0; pin < 4; pin++) {
                    assertEquals(p.pciInterruptGsi(slot, pin), PciInterruptRouting.gsi(slot, pin),
                            "slot " + slot + " pin " + pin);
                }
            }
        }
    }
}
