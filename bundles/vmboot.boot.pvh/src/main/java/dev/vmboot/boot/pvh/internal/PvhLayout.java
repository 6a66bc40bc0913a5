package dev.vmboot.boot.pvh.internal;

/**
 * Where the PVH loader puts things in guest memory: cloud-hypervisor's layout (arch/src/x86_64/layout.rs), which
 * EDK2 CloudHv is developed against.
 */
final class PvhLayout {

    /** layout.rs BOOT_GDT_START / BOOT_IDT_START. */
    static final long GDT_ADDRESS = 0x500;
    static final long IDT_ADDRESS = 0x520;
    /** layout.rs PVH_INFO_START: hvm_start_info, passed in EBX. */
    static final long START_INFO_ADDRESS = 0x6000;
    /** layout.rs MODLIST_START: the hvm_modlist_entry array (one entry: the initrd). */
    static final long MODLIST_ADDRESS = 0x6040;
    /** layout.rs MEMMAP_START: the hvm_memmap_table_entry array. */
    static final long MEMMAP_ADDRESS = 0x7000;
    /** The memory map may fill the page at 0x7000 (170 entries; vmboot writes at most 4). */
    static final long MEMMAP_LIMIT = 0x8000;
    /** layout.rs CMDLINE_START / CMDLINE_MAX_SIZE (including the NUL). */
    static final long CMDLINE_ADDRESS = 0x20000;
    static final int CMDLINE_MAX_SIZE = 0x10000;
    /**
     * layout.rs EBDA_START = RSDP_POINTER: the RSDP, and after it the other ACPI tables, up to the SMBIOS area at
     * 0xF0000. This range lies in the legacy hole [0xA0000, 1 MiB), which the memory map leaves out (not RAM), as
     * cloud-hypervisor does.
     */
    static final long ACPI_ADDRESS = 0xA0000;
    static final long ACPI_LIMIT = 0xF0000;
    /** layout.rs HIGH_RAM_START: images load at or above 1 MiB; everything of the loader's lives below. */
    static final long HIGH_RAM_START = 0x10_0000;
    /** layout.rs MEM_32BIT_RESERVED_START: RAM below 4 GiB ends here at the latest. */
    static final long LOW_RAM_LIMIT = 0xC000_0000L;
    static final long RAM_64BIT_START = 1L << 32;
    /** layout.rs PCI_MMCONFIG_START / SIZE. */
    static final long ECAM_ADDRESS = 0xE800_0000L;
    static final long ECAM_SIZE = 256L << 20;
    /** The largest physical address width x86-64 defines (52 bits, Intel SDM Vol. 3A 4.1.4). */
    static final long MAX_PHYSICAL_ADDRESS = 1L << 52;

    private PvhLayout() {
    }
}
