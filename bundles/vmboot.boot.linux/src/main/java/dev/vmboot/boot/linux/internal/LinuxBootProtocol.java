package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.acpi.AcpiTables;
import dev.vmboot.acpi.PlatformDescription;
import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.boot.BootProtocol;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.linux.image.SetupHeader;

/**
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst) for bzImages with protocol 2.06 or later: the
 * protected-mode kernel is loaded at 0x100000 or its pref_address, the zero page at 0x7000 carries the setup header,
 * e820 map, command line (0x20000), initrd and ACPI RSDP (0xA0000), and the boot vCPU enters the 64-bit entry point
 * (load address + 0x200, identity-mapped long mode) when XLF_KERNEL_64 is set, else the 32-bit one (flat protected
 * mode at the load address). The machine is cloud-hypervisor's platform (personality CLOUD_HV), described by ACPI.
 */
@Component(service = BootProtocol.class, property = BootProtocol.NAME_PROPERTY + "=" + LinuxBootProtocol.NAME)
public final class LinuxBootProtocol implements BootProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxBootProtocol.class);

    static final String NAME = "linux";
    static final int BZIMAGE_SCORE = 100;
    /** Least guest memory: room for the kernel's init_size, an initramfs and early allocations. */
    static final long MIN_MEMORY = 128L << 20;
    static final long HEADROOM = 64L << 20;
    private static final long PAGE = 4096;
    /** boot.rst "64-bit Boot Protocol": the 64-bit entry is 0x200 past the protected-mode kernel's start. */
    static final long ENTRY_64_OFFSET = 0x200;
    static final long CR0_PE = 0x1;
    static final long CR0_PG = 0x8000_0000L;
    static final long CR4_PAE = 0x20;
    /** IA32_EFER: LME (bit 8), LMA (bit 10). */
    static final long EFER_LME_LMA = 0x500;
    static final int IA32_MTRR_DEF_TYPE = 0x2FF;
    static final long MTRR_ENABLE_WRITE_BACK = 0x806;
    static final long RFLAGS_RESERVED = 0x2;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int probe(BootImage image) {
        if (!SetupHeader.hasMagic(image.contents())) {
            return 0;
        }
        try {
            BzImage.parse(image.contents());
            return BZIMAGE_SCORE;
        } catch (BootException e) {
            LOG.debug("{} is not a bootable bzImage: {}", image.name(), e.getMessage());
            return 0;
        }
    }

    @Override
    public MachineSpec machineFor(BootImage image, MachineSpec requested) throws BootException {
        BzImage bz = parse(image);
        long needed = Math.max(MIN_MEMORY,
                roundUp(bz.preferedAddress() + bz.memoryNeeded() + HEADROOM, 1L << 20));
        if (needed > LinuxLayout.LOW_RAM_LIMIT) {
            throw new BootException(String.format("%s: the kernel needs 0x%x bytes from 0x%x, more than fits below "
                    + "the 32-bit PCI hole", image.name(), bz.memoryNeeded(), bz.preferedAddress()));
        }
        long memory = Math.max(requested.memoryBytes(), needed);
        if (memory != requested.memoryBytes()) {
            LOG.info("{}: raising guest memory from {} MiB to {} MiB", image.name(), requested.memoryBytes() >> 20,
                    memory >> 20);
        }
        return requested.withMemory(memory).withPersonality(Personality.CLOUD_HV);
    }

    @Override
    public void load(BootImage image, BootOptions options, VirtualMachine vm) throws BootException {
        BzImage bz = parse(image);
        if (options.kernel().isPresent()) {
            throw new BootException(name() + " boots " + image.name() + " itself; --kernel is for UEFI flash images "
                    + "(protocol firmware), which boot the kernel they are given");
        }
        SetupHeader h = bz.header();
        GuestMemory memory = vm.memory();
        List<E820Entry> e820 = E820Map.of(memory.regions());
        checkLowMemory(memory);
        long lowRamEnd = E820Map.lowRamEnd(e820);

        long load = bz.preferedAddress();
        if (!memory.contains(load, bz.memoryNeeded())) {
            if (load != LinuxLayout.HIGH_RAM_START && memory.contains(LinuxLayout.HIGH_RAM_START,
                    bz.memoryNeeded())) {
                load = LinuxLayout.HIGH_RAM_START; // the kernel is relocatable; it moves itself if it must
            } else {
                throw new BootException(String.format("%s: the kernel needs [0x%x, 0x%x) in guest RAM", image.name(),
                        load, load + bz.memoryNeeded()));
            }
        }
        memory.write(load, image.contents().duplicate().slice((int) bz.kernelOffset(), (int) bz.kernelSize()));

        long cmdline = writeCommandLine(memory, options.commandLine(), h.cmdlineSize());
        long ramdisk = 0;
        long ramdiskSize = 0;
        Optional<BootImage> initrd = options.initrd();
        if (initrd.isPresent()) {
            ramdiskSize = initrd.get().size();
            ramdisk = placeInitrd(memory, h, roundUp(load + bz.memoryNeeded(), PAGE), lowRamEnd, initrd.get());
        }

        AcpiTables acpi = AcpiTables.install(memory,
                PlatformDescription.cloudHypervisor(vm.spec().vcpus(), E820Map.ramEnd(e820)),
                LinuxLayout.ACPI_ADDRESS, LinuxLayout.ACPI_LIMIT);

        memory.write(LinuxLayout.ZERO_PAGE_ADDRESS,
                ZeroPage.build(image.contents(), h, load, cmdline, ramdisk, ramdiskSize, acpi.rsdpAddress(), e820));
        boolean longMode = h.has64BitEntry();
        memory.write(LinuxLayout.GDT_ADDRESS, LinuxGdt.bytes(longMode));
        memory.zero(LinuxLayout.IDT_ADDRESS, 8);
        if (longMode) {
            IdentityPageTables.write(memory);
        }
        CpuState state = longMode ? entry64(load) : entry32(load);
        vm.setBootCpuState(state);
        LOG.info("{}: Linux boot protocol {}, kernel at 0x{}, {}-bit entry 0x{}{}", image.name(), h.protocol(),
                Long.toHexString(load), longMode ? 64 : 32, Long.toHexString(state.rip()),
                ramdiskSize == 0 ? "" : ", initrd at 0x" + Long.toHexString(ramdisk));
    }

    /** boot.rst "64-bit Boot Protocol": long mode, paging on, __BOOT_CS/__BOOT_DS flat, RSI = boot_params. */
    static CpuState entry64(long load) {
        return new CpuState(load + ENTRY_64_OFFSET, RFLAGS_RESERVED, 0, 0, 0, 0, LinuxLayout.ZERO_PAGE_ADDRESS, 0,
                LinuxLayout.BOOT_STACK_POINTER, LinuxGdt.CODE64_SEGMENT, LinuxGdt.DATA_SEGMENT,
                LinuxGdt.TSS_SEGMENT, LinuxLayout.GDT_ADDRESS, LinuxGdt.LIMIT, LinuxLayout.IDT_ADDRESS, 0,
                CR0_PE | CR0_PG, LinuxLayout.PML4_ADDRESS, CR4_PAE, EFER_LME_LMA,
                Map.of(IA32_MTRR_DEF_TYPE, MTRR_ENABLE_WRITE_BACK));
    }

    /**
     * boot.rst "32-bit Boot Protocol": flat protected mode, paging off, __BOOT_CS/__BOOT_DS, ESI = boot_params,
     * EBP/EDI/EBX zero, entry at the protected-mode kernel's load address.
     */
    static CpuState entry32(long load) {
        return new CpuState(load, RFLAGS_RESERVED, 0, 0, 0, 0, LinuxLayout.ZERO_PAGE_ADDRESS, 0,
                LinuxLayout.BOOT_STACK_POINTER, LinuxGdt.CODE32_SEGMENT, LinuxGdt.DATA_SEGMENT,
                LinuxGdt.TSS_SEGMENT, LinuxLayout.GDT_ADDRESS, LinuxGdt.LIMIT, LinuxLayout.IDT_ADDRESS, 0, CR0_PE, 0,
                0, 0, Map.of(IA32_MTRR_DEF_TYPE, MTRR_ENABLE_WRITE_BACK));
    }

    private static BzImage parse(BootImage image) throws BootException {
        try {
            return BzImage.parse(image.contents());
        } catch (BootException e) {
            throw new BootException(image.name() + ": " + e.getMessage(), e);
        }
    }

    private static void checkLowMemory(GuestMemory memory) throws BootException {
        long[][] needed = {
            {LinuxLayout.GDT_ADDRESS, 0x30},
            {LinuxLayout.ZERO_PAGE_ADDRESS, 0x2000}, // zero page and boot stack
            {LinuxLayout.PML4_ADDRESS, 0x6000}, // PML4, PDPT, four PDs
            {LinuxLayout.CMDLINE_ADDRESS, LinuxLayout.CMDLINE_MAX_SIZE},
            {LinuxLayout.ACPI_ADDRESS, LinuxLayout.ACPI_LIMIT - LinuxLayout.ACPI_ADDRESS},
        };
        for (long[] range : needed) {
            if (!memory.contains(range[0], range[1])) {
                throw new BootException(String.format("guest RAM does not cover [0x%x, 0x%x), where the Linux boot "
                        + "structures go", range[0], range[0] + range[1]));
            }
        }
    }

    private static long writeCommandLine(GuestMemory memory, String commandLine, long cmdlineSize)
            throws BootException {
        byte[] bytes = commandLine.getBytes(StandardCharsets.UTF_8);
        long max = Math.min(cmdlineSize, LinuxLayout.CMDLINE_MAX_SIZE - 1);
        if (bytes.length > max) {
            throw new BootException("the command line has " + bytes.length + " bytes; this kernel takes at most "
                    + max + " (cmdline_size)");
        }
        for (byte c : bytes) {
            if (c == 0) {
                throw new BootException("the command line contains a NUL character");
            }
        }
        memory.zero(LinuxLayout.CMDLINE_ADDRESS, LinuxLayout.CMDLINE_MAX_SIZE);
        memory.write(LinuxLayout.CMDLINE_ADDRESS, bytes);
        return LinuxLayout.CMDLINE_ADDRESS;
    }

    /**
     * The initrd goes as high as possible: page-aligned, ending at or below both initrd_addr_max + 1 and the end of
     * RAM below 4 GiB, above the kernel's init_size area (boot.rst: "it is recommended to load the initrd as high as
     * possible").
     */
    private static long placeInitrd(GuestMemory memory, SetupHeader h, long floor, long lowRamEnd, BootImage initrd)
            throws BootException {
        long size = initrd.size();
        long top = Math.min(lowRamEnd, h.initrdAddrMax() + 1);
        long at = (top - size) & -PAGE;
        if (size == 0 || at < floor || !memory.contains(at, size)) {
            throw new BootException(String.format("initrd %s (%d bytes) does not fit between the kernel end 0x%x and "
                    + "0x%x (end of low RAM, initrd_addr_max)", initrd.name(), size, floor, top));
        }
        memory.write(at, initrd.contents().duplicate().position(0));
        return at;
    }

    private static long roundUp(long v, long align) {
        return (v + align - 1) & -align;
    }
}
