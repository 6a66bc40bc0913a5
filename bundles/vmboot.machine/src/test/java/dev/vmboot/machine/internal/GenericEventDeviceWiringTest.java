package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

import dev.vmboot.acpi.PlatformDescription;
import dev.vmboot.acpi.PowerManagement;
import dev.vmboot.platform.GenericEventDevice;

/**
 * The cloud-hypervisor platform's Generic Event Device and the DSDT that describes it are written in two bundles
 * (vmboot.platform, vmboot.acpi): the register's address and size, its interrupt and its power-button bit must be the
 * same in both, or the guest's _EVT reads the wrong place or finds no event.
 */
class GenericEventDeviceWiringTest {

    @Test
    void theDeviceAndItsAcpiDescriptionAgree() {
        PowerManagement.HardwareReduced acpi = assertInstanceOf(PowerManagement.HardwareReduced.class,
                PlatformDescription.cloudHypervisor(1, 1L << 30).power());
        assertEquals(acpi.gedAddress(), GenericEventDevice.CLOUD_HV_ADDRESS);
        assertEquals(PowerManagement.HardwareReduced.GED_LENGTH, GenericEventDevice.LENGTH);
        assertEquals(acpi.gedIrq(), GenericEventDevice.CLOUD_HV_IRQ);
        GenericEventDevice ged = new GenericEventDevice(asserted -> { });
        ged.pressPowerButton();
        assertEquals(PowerManagement.HardwareReduced.GED_POWER_BUTTON, ged.read(0, GenericEventDevice.LENGTH),
                "the bit _EVT tests is the one a press sets");
    }
}
