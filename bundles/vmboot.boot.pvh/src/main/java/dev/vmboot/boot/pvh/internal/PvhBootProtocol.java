package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * PVH, the x86 HVM direct boot ABI (Xen docs/misc/pvh.pandoc; xen/include/public/arch-x86/hvm/start_info.h): an ELF
 * image with a {@code XEN_ELFNOTE_PHYS32_ENTRY} note is loaded at its physical addresses and entered in flat 32-bit
 * protected mode with EBX pointing at {@code hvm_start_info}. Used for EDK2 CloudHv firmware and PVH-capable vmlinux.
 * The machine gets cloud-hypervisor's layout ({@link PvhLayout}) and ACPI tables at 0xA0000.
 */
@Component(service = BootProtocol.class, property = BootProtocol.NAME_PROPERTY + "=" + PvhBootProtocol.NAME)
public final class PvhBootProtocol implements BootProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(PvhBootProtocol.class);

    static final String NAME = "pvh";
    /** What {@link #probe} answers for an ELF with a valid PVH note. */
    static final int PVH_SCORE = 100;
    /** A bzImage can go through PVH (its payload is the vmlinux), but the Linux boot protocol is its own way. */
    static final int BZIMAGE_SCORE = 20;

    /** The last bzImage unpacked, so that machineFor and load of one boot unpack it once. */
    private BootImage lastBzImage;
    private BootImage lastVmlinux;
    /**
     * The least RAM vmboot gives a PVH guest: CloudHv's MEMFD scratch area alone reaches 0x150_0000 (21 MiB;
     * OvmfPkg/CloudHv/CloudHvX64.fdf) and its DXE phase needs tens of MiB of heap on top.
     */
    static final long MIN_MEMORY = 128L << 20;
    /** Room above the image's last byte for the kernel's or firmware's early allocations. */
    static final long HEADROOM = 64L << 20;
    /** Initrd placement alignment (a page). */
    private static final long PAGE = 4096;
    /** Intel SDM Vol. 4, Table 2-2: IA32_MTRR_DEF_TYPE. */
    static final int IA32_MTRR_DEF_TYPE = 0x2FF;
    /** MTRRs enabled (bit 11) + default type write-back (6): what Xen and cloud-hypervisor give PVH guests. */
    static final long MTRR_ENABLE_WRITE_BACK = 0x806;
    /** CR0.PE: protected mode, no paging (pvh.pandoc). */
    static final long CR0_PE = 1;
    /** RFLAGS bit 1 is always set. */
    static final long RFLAGS_RESERVED = 0x2;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int probe(BootImage image) {
        if (!ElfFile.hasMagic(image.contents())) {
            return BzImagePayload.isBzImage(image.contents()) ? BZIMAGE_SCORE : 0;
        }
        try {
            PvhImage.parse(image.contents());
            return PVH_SCORE;
        } catch (BootException e) {
            LOG.debug("{} is not a PVH image: {}", image.name(), e.getMessage());
            return 0;
        }
    }

    @Override
    public MachineSpec machineFor(BootImage requestedImage, MachineSpec requested) throws BootException {
        BootImage image = elf(requestedImage);
        PvhImage pvh = parse(image);
        if (pvh.end() > PvhLayout.LOW_RAM_LIMIT) {
            throw new BootException(String.format("%s: segments end at 0x%x, above the RAM below the 32-bit PCI "
                    + "hole (0x%x)", image.name(), pvh.end(), PvhLayout.LOW_RAM_LIMIT));
        }
        long needed = Math.max(MIN_MEMORY, roundUp(pvh.end() + HEADROOM, 1 << 20));
        long memory = Math.max(requested.memoryBytes(), needed);
        if (memory != requested.memoryBytes()) {
            LOG.info("{}: raising guest memory from {} MiB to {} MiB (PVH images need at least {} MiB)",
                    image.name(), requested.memoryBytes() >> 20, memory >> 20, needed >> 20);
        }
        return requested.withMemory(memory).withPersonality(Personality.CLOUD_HV);
    }

    @Override
    public void load(BootImage requestedImage, BootOptions options, VirtualMachine vm) throws BootException {
        BootImage image = elf(requestedImage);
        PvhImage pvh = parse(image);
        if (options.kernel().isPresent()) {
            throw new BootException(name() + " boots " + image.name() + " itself; --kernel is for UEFI flash images "
                    + "(protocol firmware), which boot the kernel they are given");
        }
        GuestMemory memory = vm.memory();
        List<MemoryMapEntry> memmap = GuestMemoryMap.of(memory.regions());
        checkLowMemory(memory);

        ByteBuffer file = image.contents().duplicate();
        for (ProgramHeader s : pvh.segments()) {
            if (!memory.contains(s.paddr(), s.memsz())) {
                throw new BootException(String.format("%s: segment %d [0x%x, 0x%x) is outside guest RAM",
                        image.name(), s.index(), s.paddr(), s.paddrEnd()));
            }
        }
        for (ProgramHeader s : pvh.segments()) {
            memory.write(s.paddr(), file.slice((int) s.offset(), (int) s.filesz()));
            memory.zero(s.paddr() + s.filesz(), s.memsz() - s.filesz());
        }

        long cmdline = writeCommandLine(memory, options.commandLine());
        int modules = 0;
        Optional<BootImage> initrd = options.initrd();
        if (initrd.isPresent()) {
            long at = placeInitrd(memory, memmap, pvh, initrd.get());
            memory.write(PvhLayout.MODLIST_ADDRESS, StartInfo.modlistEntry(at, initrd.get().size()));
            modules = 1;
        }

        long ramEnd = GuestMemoryMap.ramEnd(memmap);
        AcpiTables acpi = AcpiTables.install(memory, PlatformDescription.cloudHypervisor(vm.spec().vcpus(), ramEnd),
                PvhLayout.ACPI_ADDRESS, PvhLayout.ACPI_LIMIT);

        ByteBuffer map = ByteBuffer.allocate(memmap.size() * MemoryMapEntry.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        memmap.forEach(e -> e.writeTo(map));
        memory.write(PvhLayout.MEMMAP_ADDRESS, map.array());
        StartInfo info = new StartInfo(0, modules, modules == 0 ? 0 : PvhLayout.MODLIST_ADDRESS, cmdline,
                acpi.rsdpAddress(), PvhLayout.MEMMAP_ADDRESS, memmap.size());
        memory.write(PvhLayout.START_INFO_ADDRESS, info.toBytes());

        memory.write(PvhLayout.GDT_ADDRESS, BootGdt.bytes());
        memory.zero(PvhLayout.IDT_ADDRESS, 8);
        vm.setBootCpuState(entryState(pvh.entry()));
        LOG.info("{}: PVH entry 0x{}, {} segments up to 0x{}, {} memory map entries, ACPI at 0x{}{}", image.name(),
                Long.toHexString(pvh.entry()), pvh.segments().size(), Long.toHexString(pvh.end()), memmap.size(),
                Long.toHexString(acpi.rsdpAddress()), modules == 0 ? "" : ", initrd loaded");
    }

    /** The PVH ABI's entry state (pvh.pandoc "x86/HVM direct boot ABI"). */
    static CpuState entryState(long entry) {
        return new CpuState(entry, RFLAGS_RESERVED, 0, PvhLayout.START_INFO_ADDRESS, 0, 0, 0, 0, 0,
                BootGdt.CODE_SEGMENT, BootGdt.DATA_SEGMENT, BootGdt.TSS_SEGMENT, PvhLayout.GDT_ADDRESS,
                BootGdt.LIMIT, PvhLayout.IDT_ADDRESS, 0, CR0_PE, 0, 0, 0,
                Map.of(IA32_MTRR_DEF_TYPE, MTRR_ENABLE_WRITE_BACK));
    }

    /** The ELF to load: the image itself, or the vmlinux inside a bzImage's payload. */
    private synchronized BootImage elf(BootImage image) throws BootException {
        if (ElfFile.hasMagic(image.contents()) || !SetupHeader.hasMagic(image.contents())) {
            return image;
        }
        if (lastBzImage != image) {
            lastVmlinux = BzImagePayload.vmlinux(image);
            lastBzImage = image;
        }
        return lastVmlinux;
    }

    private static PvhImage parse(BootImage image) throws BootException {
        try {
            return PvhImage.parse(image.contents());
        } catch (BootException e) {
            throw new BootException(image.name() + ": " + e.getMessage(), e);
        }
    }

    private static void checkLowMemory(GuestMemory memory) throws BootException {
        long[][] needed = {
            {PvhLayout.GDT_ADDRESS, 0x30},
            {PvhLayout.START_INFO_ADDRESS, PvhLayout.MEMMAP_LIMIT - PvhLayout.START_INFO_ADDRESS},
            {PvhLayout.CMDLINE_ADDRESS, PvhLayout.CMDLINE_MAX_SIZE},
            {PvhLayout.ACPI_ADDRESS, PvhLayout.ACPI_LIMIT - PvhLayout.ACPI_ADDRESS},
        };
        for (long[] range : needed) {
            if (!memory.contains(range[0], range[1])) {
                throw new BootException(String.format("guest RAM does not cover [0x%x, 0x%x), where the PVH boot "
                        + "structures go", range[0], range[0] + range[1]));
            }
        }
    }

    private static long writeCommandLine(GuestMemory memory, String commandLine) throws BootException {
        byte[] bytes = commandLine.getBytes(StandardCharsets.UTF_8);
        if (bytes.length + 1 > PvhLayout.CMDLINE_MAX_SIZE) {
            throw new BootException("the command line has " + bytes.length + " bytes; at most "
                    + (PvhLayout.CMDLINE_MAX_SIZE - 1) + " fit");
        }
        for (byte c : bytes) {
            if (c == 0) {
                throw new BootException("the command line contains a NUL character");
            }
        }
        memory.zero(PvhLayout.CMDLINE_ADDRESS, PvhLayout.CMDLINE_MAX_SIZE);
        memory.write(PvhLayout.CMDLINE_ADDRESS, bytes);
        return PvhLayout.CMDLINE_ADDRESS;
    }

    /** The initrd goes at the top of RAM below the 32-bit hole, page-aligned, above the image (as Xen and CH do). */
    private static long placeInitrd(GuestMemory memory, List<MemoryMapEntry> memmap, PvhImage pvh, BootImage initrd)
            throws BootException {
        long size = initrd.size();
        long top = GuestMemoryMap.lowRamEnd(memmap);
        long at = (top - size) & -PAGE;
        long floor = Math.max(roundUp(pvh.end(), PAGE), PvhLayout.HIGH_RAM_START);
        if (size == 0 || at < floor || !memory.contains(at, size)) {
            throw new BootException(String.format("initrd %s (%d bytes) does not fit between the image end 0x%x and "
                    + "the end of RAM below 4 GiB 0x%x", initrd.name(), size, floor, top));
        }
        memory.write(at, initrd.contents().duplicate().position(0));
        return at;
    }

    private static long roundUp(long v, long align) {
        return (v + align - 1) & -align;
    }
}
