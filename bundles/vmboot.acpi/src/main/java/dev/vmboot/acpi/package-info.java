/**
 * Byte-exact ACPI tables for the virtual platform (ACPI 6.5): RSDP, XSDT, FADT (hardware-reduced), MADT, MCFG and a
 * DSDT written with a small AML encoder, laid out together by {@link dev.vmboot.acpi.AcpiTables}.
 */
@Export
@Version("0.3.0")
package dev.vmboot.acpi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
