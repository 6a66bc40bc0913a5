package dev.vmboot.boot.firmware.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.acpi.PlatformDescription;
import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.boot.BootProtocol;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.api.vm.VirtualMachine;

/**
 * Boots a raw UEFI flash image (Debian's OVMF.fd) the way a real machine does: the image is mapped read-only so that it
 * ends at 4 GiB and the boot vCPU starts at the architectural reset vector (KVM's reset state). The firmware sees the
 * i440FX personality it requires and QEMU's fw_cfg interface for memory size, CPU count and boot order. Guest writes to
 * the flash are dropped, so EDK2 falls back to its RAM-backed variable store.
 */
@Component(property = BootProtocol.NAME_PROPERTY + "=firmware")
public class FirmwareBootProtocol implements BootProtocol {
    /** OVMF needs its MEMFD scratch area (8–21 MiB) and a DXE heap: less than this does not reach the shell. */
    static final long MIN_MEMORY = 128L << 20;
    private static final long FOUR_GIB = 1L << 32;

    @Override
    public String name() {
        return "firmware";
    }

    @Override
    public int probe(BootImage image) {
        return FlashImage.looksLikeFlash(image) ? 80 : 0;
    }

    @Override
    public MachineSpec machineFor(BootImage image, MachineSpec requested) throws BootException {
        FlashImage.of(image);
        if (requested.memoryBytes() < MIN_MEMORY) {
            throw new BootException("UEFI firmware needs at least " + (MIN_MEMORY >> 20) + " MiB of guest memory");
        }
        return requested.withPersonality(Personality.I440FX);
    }

    @Override
    public void load(BootImage image, BootOptions options, VirtualMachine vm) throws BootException {
        FlashImage flash = FlashImage.of(image);
        MachineSpec spec = vm.spec();
        UUID uuid = UUID.nameUUIDFromBytes(spec.name().getBytes(StandardCharsets.UTF_8));
        FwCfgItems items = new FwCfgItems(spec.memoryBytes(), spec.vcpus(), uuidBytes(uuid));
        LinuxKernelItems.add(items, options);
        vm.mapReadOnly("flash " + image.name(), flash.base(), flash.image());
        items.addFile("etc/e820", E820Table.of(vm.memory().regions()));
        // S3 and S4 disabled (etc/system-states: one byte per S-state 0..5, bit 7 = enabled).
        items.addFile("etc/system-states", new byte[] {(byte) 0x80, 0, 0, 0, 0, (byte) 0x80});
        items.addFile("bootorder", new byte[0]);
        addAcpiTables(items, vm);
        vm.addPortIoDevice("fw_cfg", FwCfgDevice.BASE, FwCfgDevice.LENGTH, new FwCfgDevice(items, vm.memory(),
                vm.guestLog()));
    }

    /**
     * The PC's ACPI tables through the table loader. They name the PIIX4 PM block where the firmware put it, so they are
     * made when the firmware first reads them (their sizes do not depend on the PM base and are announced at once).
     */
    private static void addAcpiTables(FwCfgItems items, VirtualMachine vm) {
        List<MemoryRegion> ram = vm.memory().regions().stream().filter(r -> !r.readOnly()).toList();
        long ramBelow4GiB = ram.stream().filter(r -> r.guestAddress() < FOUR_GIB)
                .mapToLong(r -> Math.min(r.guestAddress() + r.size(), FOUR_GIB)).max().orElse(0);
        long ramEnd = ram.stream().mapToLong(r -> r.guestAddress() + r.size()).max().orElse(0);
        int vcpus = vm.spec().vcpus();
        IntFunction<AcpiLoaderFiles> forPmBase = pmBase -> AcpiLoaderFiles.build(
                PlatformDescription.i440fx(vcpus, ramBelow4GiB, ramEnd, pmBase));
        AcpiLoaderFiles announced = forPmBase.apply(Piix4PmBase.OVMF_VALUE);
        Supplier<AcpiLoaderFiles> made = new Supplier<>() {
            private AcpiLoaderFiles files;

            @Override
            public synchronized AcpiLoaderFiles get() {
                if (files == null) {
                    files = forPmBase.apply(Piix4PmBase.programmed(vm));
                }
                return files;
            }
        };
        items.addLazyFile(AcpiLoaderFiles.RSDP, announced.rsdp().length, () -> made.get().rsdp());
        items.addLazyFile(AcpiLoaderFiles.TABLES, announced.tables().length, () -> made.get().tables());
        items.addLazyFile(AcpiLoaderFiles.LOADER, announced.loader().length, () -> made.get().loader());
    }

    /** SMBIOS/fw_cfg byte order: the UUID's fields as big-endian (RFC 4122 layout). */
    private static byte[] uuidBytes(UUID uuid) {
        byte[] b = new byte[16];
        long hi = uuid.getMostSignificantBits();
        long lo = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }
}
