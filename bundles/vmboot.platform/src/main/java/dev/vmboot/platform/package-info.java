/**
 * Plain-Java models of the x86 platform devices a boot VMM needs: 16550 UART, CMOS/RTC, PCI configuration mechanism
 * #1 and ECAM with a root bus and host bridge, PIIX4 functions, ACPI PM timer and sleep registers, i8042 reset, debug
 * and POST ports. {@link dev.vmboot.platform.PlatformDevices} assembles them for a
 * {@link dev.vmboot.api.vm.Personality}.
 */
@Export
@Version("0.1.0")
package dev.vmboot.platform;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
