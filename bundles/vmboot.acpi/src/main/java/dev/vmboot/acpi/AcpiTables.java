package dev.vmboot.acpi;

import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.memory.GuestMemory;

/**
 * A complete, linked set of ACPI tables at fixed guest addresses: the RSDP first (16-byte aligned, ACPI 6.5 5.2.5.1),
 * then DSDT, FACS (only on a platform with ACPI fixed hardware; 64-byte aligned), FACP, APIC (MADT), MCFG (only with a PCI
 * Express ECAM window) and the XSDT that lists FACP, APIC and MCFG; each table 16-byte aligned.
 *
 * @param rsdpAddress where the RSDP is
 * @param tables      every table, RSDP first, in address order
 */
public record AcpiTables(long rsdpAddress, List<Table> tables) {

    private static final int ALIGNMENT = 16;
    /**
     * The BIOS data area word holding the EBDA's real-mode segment, where an OS's legacy RSDP scan looks first (ACPI
     * 6.5 5.2.5.1; cloud-hypervisor arch/src/x86_64/layout.rs EBDA_POINTER).
     */
    public static final long EBDA_POINTER = 0x40E;
    /** The EBDA pointer holds a real-mode segment: the RSDP it points at must lie below 1 MiB. */
    private static final long REAL_MODE_LIMIT = 1L << 20;

    /** One table and its guest physical address. */
    public record Table(String signature, long address, byte[] bytes) {
        public long end() {
            return address + bytes.length;
        }
    }

    public AcpiTables {
        tables = List.copyOf(tables);
    }

    /**
     * Builds the tables for {@code platform} at {@code base} (16-byte aligned), which must leave them all below
     * {@code limit}.
     */
    public static AcpiTables build(SdtHeader oem, PlatformDescription platform, long base, long limit) {
        if ((base & (ALIGNMENT - 1)) != 0) {
            throw new IllegalArgumentException("the RSDP must be 16-byte aligned: 0x" + Long.toHexString(base));
        }
        List<Table> tables = new ArrayList<>();
        long dsdtAt = align(base + Rsdp.SIZE, ALIGNMENT);
        byte[] dsdt = Dsdt.build(oem, platform);
        tables.add(new Table(Dsdt.SIGNATURE, dsdtAt, dsdt));
        long next = dsdtAt + dsdt.length;
        long facsAt = 0;
        if (platform.power() instanceof PowerManagement.Pm1Blocks) {
            facsAt = align(next, Facs.ALIGNMENT);
            tables.add(new Table(Facs.SIGNATURE, facsAt, Facs.build()));
            next = facsAt + Facs.LENGTH;
        }
        List<Long> listed = new ArrayList<>();
        long fadtAt = align(next, ALIGNMENT);
        byte[] fadt = Fadt.build(oem, platform, dsdtAt, facsAt);
        tables.add(new Table(Fadt.SIGNATURE, fadtAt, fadt));
        listed.add(fadtAt);
        long madtAt = align(fadtAt + fadt.length, ALIGNMENT);
        byte[] madt = Madt.build(oem, platform);
        tables.add(new Table(Madt.SIGNATURE, madtAt, madt));
        listed.add(madtAt);
        next = madtAt + madt.length;
        if (platform.pciExpress()) {
            long mcfgAt = align(next, ALIGNMENT);
            byte[] mcfg = Mcfg.build(oem, platform);
            tables.add(new Table(Mcfg.SIGNATURE, mcfgAt, mcfg));
            listed.add(mcfgAt);
            next = mcfgAt + mcfg.length;
        }
        long xsdtAt = align(next, ALIGNMENT);
        tables.add(new Table(Xsdt.SIGNATURE, xsdtAt, Xsdt.build(oem, listed)));
        tables.add(0, new Table("RSD PTR ", base, Rsdp.build(oem, xsdtAt)));
        AcpiTables result = new AcpiTables(base, tables);
        if (result.end() > limit) {
            throw new IllegalArgumentException(String.format("ACPI tables [0x%x, 0x%x) do not fit below 0x%x", base,
                    result.end(), limit));
        }
        return result;
    }

    /** One past the last table byte. */
    public long end() {
        return tables.get(tables.size() - 1).end();
    }

    /** The table with {@code signature} ("RSD PTR " for the RSDP). */
    public Table table(String signature) {
        return tables.stream().filter(t -> t.signature().equals(signature)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + signature));
    }

    /** Zeroes {@code [rsdpAddress, end())} in guest memory and writes every table there. */
    public void writeTo(GuestMemory memory) {
        memory.zero(rsdpAddress, end() - rsdpAddress);
        for (Table t : tables) {
            memory.write(t.address(), t.bytes());
        }
    }

    /**
     * For a boot protocol that lays out guest memory itself (no firmware): builds the tables for {@code platform} at
     * {@code base} (16-byte aligned, below 1 MiB) with vmboot's OEM identity ({@link SdtHeader#VMBOOT}), all below
     * {@code limit}, writes them to {@code memory} and points the {@link #EBDA_POINTER} at the RSDP, so that a guest
     * finds it by the legacy scan as well as from the boot protocol's own pointer.
     *
     * @throws BootException if the tables do not fit below {@code limit} or {@code base} is unusable
     */
    public static AcpiTables install(GuestMemory memory, PlatformDescription platform, long base, long limit)
            throws BootException {
        if (base < 0 || base >= REAL_MODE_LIMIT) {
            throw new BootException(String.format("cannot point the EBDA at ACPI tables at 0x%x, not below 1 MiB",
                    base));
        }
        AcpiTables acpi;
        try {
            acpi = build(SdtHeader.VMBOOT, platform, base, limit);
        } catch (IllegalArgumentException e) {
            throw new BootException("cannot build the ACPI tables: " + e.getMessage(), e);
        }
        acpi.writeTo(memory);
        memory.writeShort(EBDA_POINTER, (short) (acpi.rsdpAddress() >> 4));
        return acpi;
    }

    private static long align(long a, int alignment) {
        return (a + alignment - 1) & -alignment;
    }
}
