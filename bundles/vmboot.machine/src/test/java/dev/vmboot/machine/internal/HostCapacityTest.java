package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;

/** Guest memory and vCPUs checked against the host before a machine is created: no KVM needed. */
class HostCapacityTest {
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;
    /** This project's development machine, abridged. */
    private static final String MEMINFO = """
            MemTotal:       24683784 kB
            MemFree:        18184784 kB
            MemAvailable:   21994396 kB
            Buffers:           24744 kB
            Cached:          3931388 kB
            """;

    private static MachineSpec spec(long memory, int vcpus) {
        return new MachineSpec("t", memory, vcpus, Personality.CLOUD_HV);
    }

    private static final Console CONSOLE = new Console(new ByteArrayOutputStream(), InputStream.nullInputStream());

    @Test
    void eightTebibytesAreRefusedBeforeTheMachineIsCreated() {
        IOException e = assertThrows(IOException.class, () -> new KvmHypervisor().create(spec(8 * TIB, 1), CONSOLE));
        assertTrue(e.getMessage().startsWith("8 TiB of guest memory is more than this host can give: "),
                e.getMessage());
    }

    @Test
    void theRefusalNamesWhatIsAvailableTheHeadroomAndTheMostThatFits() {
        KvmHypervisor hv = new KvmHypervisor(() -> MEMINFO);
        IOException e = assertThrows(IOException.class, () -> hv.create(spec(8 * TIB, 1), CONSOLE));
        assertEquals("8 TiB of guest memory is more than this host can give: 21.0 GiB is available (MemAvailable) and "
                + "256 MiB stays for the host (memoryHeadroom of dev.vmboot.machine.kvm), so -m can be at most "
                + "20.7 GiB", e.getMessage());
        hv.setMemoryHeadroom(4 * GIB);
        e = assertThrows(IOException.class, () -> hv.create(spec(18 * GIB, 1), CONSOLE));
        assertTrue(e.getMessage().endsWith("4 GiB stays for the host (memoryHeadroom of dev.vmboot.machine.kvm), so "
                + "-m can be at most 17.0 GiB"), e.getMessage());
    }

    @Test
    void memAvailableIsReadInKibibytes() {
        assertEquals(OptionalLong.of(21_994_396L * 1024), HostCapacity.memAvailable(MEMINFO));
        assertEquals(OptionalLong.empty(), HostCapacity.memAvailable("MemTotal: 1024 kB\nMemFree: 512 kB\n"));
        assertEquals(OptionalLong.empty(), HostCapacity.memAvailable("MemAvailable: 99999999999999999999 kB\n"));
    }

    @Test
    void memoryWithinTheAvailableLessTheHeadroomIsGiven() {
        OptionalLong available = OptionalLong.of(4 * GIB);
        assertEquals(Optional.empty(), HostCapacity.memoryRefusal(spec(3 * GIB, 1), available, GIB));
        assertTrue(HostCapacity.memoryRefusal(spec(3 * GIB + 4096, 1), available, GIB).isPresent());
        assertTrue(HostCapacity.memoryRefusal(spec(16L << 20, 1), OptionalLong.of(GIB), 2 * GIB).isPresent(),
                "a host with less than the headroom gives nothing");
    }

    @Test
    void aHostThatDoesNotSayIsNotChecked() {
        assertEquals(Optional.empty(), HostCapacity.memoryRefusal(spec(8 * TIB, 1), OptionalLong.empty(), GIB));
    }

    @Test
    void vcpusBeyondKvmsMaximumAreRefused() {
        assertEquals(Optional.empty(), HostCapacity.vcpuRefusal(spec(GIB, 8), 8));
        assertEquals(Optional.of("9 vCPUs are more than KVM gives one VM on this host (8, KVM_CAP_MAX_VCPUS): -c can "
                + "be at most 8"), HostCapacity.vcpuRefusal(spec(GIB, 9), 8));
    }

    @Test
    void aNegativeHeadroomIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KvmHypervisor(() -> MEMINFO).setMemoryHeadroom(-1));
        assertEquals("memoryHeadroom of dev.vmboot.machine.kvm must be 0 or more bytes, not -1", e.getMessage());
    }

    @Test
    void sizesReadAsAnOperatorWritesThem() {
        assertEquals("8 TiB", HostCapacity.bytes(8 * TIB));
        assertEquals("20.7 GiB", HostCapacity.bytes(22_253_142_016L));
        assertEquals("256 MiB", HostCapacity.bytes(256L << 20));
        assertEquals("512 bytes", HostCapacity.bytes(512));
    }
}
