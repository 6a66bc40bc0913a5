package dev.vmboot.boot.firmware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.testkit.HeapGuestMemory;
import dev.vmboot.testkit.RecordingMachine;

class FirmwareBootProtocolTest {
    /** Debian's OVMF (package ovmf, installed by scripts/install-deps): the image this protocol exists for. */
    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");
    private final FirmwareBootProtocol protocol = new FirmwareBootProtocol();
    private final MachineSpec requested = new MachineSpec("t", 512L << 20, 2, Personality.CLOUD_HV);

    private static BootImage ovmf() throws Exception {
        return new BootImage(OVMF.toString(), ByteBuffer.wrap(Files.readAllBytes(OVMF)));
    }

    private static BootImage flashLike(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(40, FlashImage.FVH_SIGNATURE);
        return new BootImage("flash", b);
    }

    @Test
    void debiansOvmfIsRecognisedAndNeedsTheI440fxPersonality() throws Exception {
        BootImage image = ovmf();
        assertTrue(protocol.probe(image) > 0);
        MachineSpec spec = protocol.machineFor(image, requested);
        assertEquals(Personality.I440FX, spec.personality());
        assertEquals(requested.memoryBytes(), spec.memoryBytes());
    }

    @Test
    void loadMapsTheFlashToEndAt4GiBAndAddsFwCfg() throws Exception {
        BootImage image = ovmf();
        MachineSpec spec = protocol.machineFor(image, requested);
        RecordingMachine vm = new RecordingMachine(spec, new HeapGuestMemory(1 << 20));
        protocol.load(image, BootOptions.none(), vm);
        assertEquals(1, vm.mappings().size());
        assertEquals((1L << 32) - image.size(), vm.mappings().get(0).address());
        assertEquals(image.size(), vm.mappings().get(0).image().remaining());
        assertEquals(1, vm.ports().size());
        assertEquals(0x510, vm.ports().get(0).base());
        assertNull(vm.cpuState(), "the vCPU starts at the reset vector: no state is set");
        FwCfgDevice fwcfg = (FwCfgDevice) vm.ports().get(0).device();
        fwcfg.write(0, 2, FwCfgItems.NB_CPUS);
        assertEquals(2, fwcfg.read(1, 1));
    }

    @Test
    void otherImagesAreNotFlash() {
        assertEquals(0, protocol.probe(new BootImage("elf", ByteBuffer.wrap(new byte[] {0x7F, 'E', 'L', 'F'}))));
        assertEquals(0, protocol.probe(flashLike(4096)), "too small");
        assertEquals(0, protocol.probe(flashLike(17 << 20)), "too large to map below 4 GiB");
        assertTrue(protocol.probe(flashLike(1 << 20)) > 0);
        BootException e = assertThrows(BootException.class,
                () -> protocol.machineFor(new BootImage("x.bin", ByteBuffer.allocate(8192)), requested));
        assertTrue(e.getMessage().startsWith("x.bin: not a UEFI flash image"), e.getMessage());
    }

    @Test
    void tooLittleMemoryIsRefused() throws Exception {
        MachineSpec small = requested.withMemory(64L << 20);
        BootException e = assertThrows(BootException.class, () -> protocol.machineFor(ovmf(), small));
        assertEquals("UEFI firmware needs at least 128 MiB of guest memory", e.getMessage());
    }
}
