package dev.vmboot.boot.linux.internal;

/**
 * Where the Linux loader puts things: cloud-hypervisor's layout (arch/src/x86_64/layout.rs), shared with the PVH
 * loader, so the ACPI tables, command line and memory map sit where CloudHv-platform guests expect them.
 */
final class LinuxLayout {

    /** layout.rs BOOT_GDT_START. */
    static final long GDT_ADDRESS = 0x500;
    /**
     * The (empty) IDT. Not layout.rs's 0x520: the boot protocol's GDT has five entries (__BOOT_CS is 0x10,
     * __BOOT_DS 0x18, then the TSS), so it runs to 0x528.
     */
    static final long IDT_ADDRESS = 0x530;
    /** layout.rs ZERO_PAGE_START: struct boot_params, passed in RSI/ESI. */
    static final long ZERO_PAGE_ADDRESS = 0x7000;
    /** layout.rs BOOT_STACK_POINTER. */
    static final long BOOT_STACK_POINTER = 0x8FF0;
    /** layout.rs PML4_START / PDPTE_START / PDE_START; four PD pages 0xC000–0xFFFF map 4 GiB with 2 MiB pages. */
    static final long PML4_ADDRESS = 0xA000;
    static final long PDPT_ADDRESS = 0xB000;
    static final long PD_ADDRESS = 0xC000;
    static final int PD_PAGES = 4;
    /** layout.rs CMDLINE_START / CMDLINE_MAX_SIZE. */
    static final long CMDLINE_ADDRESS = 0x20000;
    static final int CMDLINE_MAX_SIZE = 0x10000;
    /** layout.rs RSDP_POINTER: ACPI tables from here to the SMBIOS area, in the legacy hole left out of e820. */
    static final long ACPI_ADDRESS = 0xA0000;
    static final long ACPI_LIMIT = 0xF0000;
    /** layout.rs HIGH_RAM_START: the protected-mode kernel's default load address (boot.rst: 0x100000). */
    static final long HIGH_RAM_START = 0x10_0000;
    /** layout.rs MEM_32BIT_RESERVED_START: RAM below 4 GiB ends here at the latest. */
    static final long LOW_RAM_LIMIT = 0xC000_0000L;
    static final long RAM_64BIT_START = 1L << 32;
    /** layout.rs PCI_MMCONFIG_START / SIZE. */
    static final long ECAM_ADDRESS = 0xE800_0000L;
    static final long ECAM_SIZE = 256L << 20;

    private LinuxLayout() {
    }
}
