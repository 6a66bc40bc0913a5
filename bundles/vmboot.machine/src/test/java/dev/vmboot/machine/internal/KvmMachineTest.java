package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;

/**
 * Guests running on the real /dev/kvm (tag "kvm": run with -Dkvm in the nested lab). The waits are generous upper
 * bounds for a TCG-emulated host, not timings under test.
 */
@Tag("kvm")
class KvmMachineTest {
    private static final Duration WAIT = Duration.ofMinutes(3);

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private VirtualMachine create(long memory) throws Exception {
        return create(memory, 1, Personality.CLOUD_HV);
    }

    private VirtualMachine create(long memory, int vcpus, Personality personality) throws Exception {
        return new KvmHypervisor().create(new MachineSpec("test", memory, vcpus, personality),
                new Console(console, InputStream.nullInputStream()));
    }

    private String consoleText() {
        return console.toString(StandardCharsets.US_ASCII);
    }

    /** A port device that queues every write as (port offset << 32 | value). */
    private static final class Reports implements PortIoDevice {
        final BlockingQueue<Long> writes = new LinkedBlockingQueue<>();

        @Override
        public int read(int offset, int size) {
            return 0;
        }

        @Override
        public void write(int offset, int size, int value) {
            writes.add(((long) offset << 32) | (value & 0xFFFF_FFFFL));
        }

        long next() throws InterruptedException {
            Long v = writes.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(v, "the guest did not report in time");
            return v;
        }
    }

    /** Starts {@code vm}'s vCPU on {@link GuestCode#HALT} and waits for the report it makes at port 0x500 and halts. */
    private static void startHaltingGuest(VirtualMachine vm) throws InterruptedException {
        Reports reports = new Reports();
        vm.addPortIoDevice("reports", 0x500, 4, reports);
        GuestCode.flatGdt(vm.memory());
        vm.memory().write(GuestCode.CODE, GuestCode.HALT);
        vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
        vm.start();
        assertEquals(1, reports.next());
    }

    private static VmExit awaitExit(VirtualMachine vm) throws InterruptedException {
        return vm.awaitExit(WAIT).orElseThrow(() -> new AssertionError("the VM did not end; state " + vm.state()));
    }

    @Test
    void resetVectorToLongModeWritesToTheUartAndPowersOff() throws Exception {
        try (VirtualMachine vm = create(64L << 20)) {
            ByteBuffer rom = ByteBuffer.allocate(0x10000);
            rom.put(GuestCode.LONG_MODE_ROM);
            rom.position(0xFFF0);
            rom.put(GuestCode.RESET_VECTOR);
            rom.clear();
            vm.mapReadOnly("test rom", 0xFFFF_0000L, rom);
            GuestCode.identityPaging(vm.memory());
            vm.start();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail());
            assertEquals("Hello from long mode\n", console.toString(StandardCharsets.US_ASCII));
            assertEquals(VmState.POWERED_OFF, vm.state());
        }
    }

    @Test
    void mmioRoundTripUnhandledReadsAndReadOnlyMemory() throws Exception {
        BlockingQueue<String> mmioLog = new LinkedBlockingQueue<>();
        Reports reports = new Reports();
        try (VirtualMachine vm = create(32L << 20)) {
            vm.addMmioDevice("test", 0xD000_0000L, 0x1000, new MmioDevice() {
                @Override
                public long read(long offset, int size) {
                    mmioLog.add("r " + offset + " " + size);
                    return 0xCAFE_BABEL;
                }

                @Override
                public void write(long offset, int size, long value) {
                    mmioLog.add("w " + offset + " " + size + " " + Long.toHexString(value));
                }
            });
            vm.addPortIoDevice("reports", 0x500, 4, reports);
            ByteBuffer rom = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x1122_3344);
            vm.mapReadOnly("rom", 0xFFFF_0000L, rom);
            GuestCode.flatGdt(vm.memory());
            vm.memory().write(GuestCode.CODE, GuestCode.MMIO);
            vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
            vm.start();
            assertEquals(0xCAFE_BABEL, reports.next());
            assertEquals(0xFFFF_FFFFL, reports.next());
            assertEquals(0x1122_3344L, reports.next());
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail());
            assertEquals(List.of("w 0 4 12345678", "w 8 2 beef", "r 4 4"), List.copyOf(mmioLog));
            assertEquals(0x1122_3344, vm.memory().readInt(0xFFFF_0000L));
        }
    }

    @Test
    void haltedVcpuIsStoppedFromOutside() throws Exception {
        try (VirtualMachine vm = create(16L << 20)) {
            startHaltingGuest(vm);
            assertEquals(VmState.RUNNING, vm.state());
            vm.stop();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.STOPPED, exit.state());
            assertTrue(exit.detail().contains("vCPU 0 at rip="), exit.detail());
            assertTrue(exit.detail().endsWith("HALTED") || exit.detail().endsWith("RUNNABLE"), exit.detail());
        }
    }

    @Test
    void tripleFaultIsReportedWithRegisters() throws Exception {
        Reports reports = new Reports();
        try (VirtualMachine vm = create(16L << 20)) {
            vm.addPortIoDevice("reports", 0x500, 4, reports);
            GuestCode.flatGdt(vm.memory());
            vm.memory().write(GuestCode.CODE, GuestCode.TRIPLE_FAULT);
            vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
            vm.start();
            assertEquals(1, reports.next());
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.TRIPLE_FAULT, exit.state(), exit.detail());
            assertTrue(exit.detail().startsWith("triple fault on vCPU 0\nrip="), exit.detail());
            assertTrue(exit.detail().contains("cr0="), exit.detail());
            // On AMD hosts KVM has re-initialised the vCPU by the time it reports the shutdown: the dump says so.
            assertEquals(hostVendor().equals("AuthenticAMD") || hostVendor().equals("HygonGenuine"),
                    exit.detail().endsWith(KvmVirtualMachine.SVM_SHUTDOWN_NOTE), exit.detail());
            assertEquals(1, exit.exitStatus());
        }
    }

    @Test
    void interruptLineReachesTheGuestThroughThePic() throws Exception {
        Reports reports = new Reports();
        try (VirtualMachine vm = create(16L << 20)) {
            vm.addPortIoDevice("reports", 0x500, 2, reports);
            vm.memory().write(GuestCode.CODE, GuestCode.IRQ);
            vm.memory().writeShort(0x25 * 4, (short) (GuestCode.CODE + GuestCode.IRQ_HANDLER)); // IVT[0x25]
            vm.memory().writeShort(0x25 * 4 + 2, (short) 0);
            vm.setBootCpuState(GuestCode.realMode(GuestCode.CODE));
            vm.start();
            assertEquals(1, reports.next());
            vm.interruptLine(5).pulse();
            assertEquals((1L << 32) | 0x42, reports.next());
            vm.stop();
            assertEquals(VmState.STOPPED, awaitExit(vm).state());
        }
    }

    @Test
    void uartTransmitsOnItsThrEmptyInterruptThroughThePic() throws Exception {
        try (VirtualMachine vm = create(16L << 20)) {
            vm.memory().write(GuestCode.CODE, GuestCode.UART_IRQ_PIC);
            vm.setBootCpuState(GuestCode.realMode(GuestCode.CODE));
            vm.start();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail() + "; console: " + consoleText());
            assertEquals("IRQ 4 via 8259\n", consoleText());
        }
    }

    @Test
    void uartTransmitsOnItsThrEmptyInterruptThroughTheIoapic() throws Exception {
        try (VirtualMachine vm = create(16L << 20)) {
            GuestCode.flatGdt(vm.memory());
            vm.memory().write(GuestCode.CODE, GuestCode.UART_IRQ_IOAPIC);
            vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
            vm.start();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail() + "; console: " + consoleText());
            assertEquals("IRQ 4 via IOAPIC\n", consoleText());
        }
    }

    @Test
    void pitChannel0TicksReachTheGuest() throws Exception {
        try (VirtualMachine vm = create(16L << 20)) {
            vm.memory().write(GuestCode.CODE, GuestCode.PIT_TICKS);
            vm.setBootCpuState(GuestCode.realMode(GuestCode.CODE));
            vm.start();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail() + "; console: " + consoleText());
            assertEquals("PIT 12345\n", consoleText());
        }
    }

    @Test
    void bootVcpuStartsTheSecondByInitSipiSipi() throws Exception {
        try (VirtualMachine vm = create(16L << 20, 2, Personality.CLOUD_HV)) {
            GuestCode.flatGdt(vm.memory());
            vm.memory().write(GuestCode.CODE, GuestCode.SMP_BSP);
            vm.memory().write(GuestCode.AP_TRAMPOLINE, GuestCode.SMP_AP);
            vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
            vm.start();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail() + "; console: " + consoleText());
            assertEquals("AP 1 up\nBSP 0 saw AP 1\n", consoleText());
        }
    }

    @Test
    void everyResetRequestStopsTheMachineByPolicy() throws Exception {
        int[][] scripts = {
            {0x64, 1, 0xFE}, // i8042: pulse the reset line
            {0xCF9, 1, 0x06}, // PIIX reset control: RCPU | SRST (EDK2 ResetCold)
            {0x92, 1, 0x01}, // system control port A: fast reset
            {0x600, 1, 0x01}, // cloud-hypervisor ACPI reset register, FADT RESET_VALUE 1
        };
        for (int[] script : scripts) {
            try (VirtualMachine vm = create(16L << 20)) {
                GuestCode.flatGdt(vm.memory());
                vm.memory().write(GuestCode.CODE, GuestCode.PORT_SCRIPT_RUNNER);
                GuestCode.portScript(vm.memory(), script);
                vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
                vm.start();
                VmExit exit = awaitExit(vm);
                String port = "port 0x" + Integer.toHexString(script[0]);
                assertEquals(VmState.RESET, exit.state(), port + ": " + exit.detail());
                assertEquals("the guest asked for a reset; the policy is to stop", exit.detail(), port);
                assertEquals(1, exit.exitStatus(), port);
            }
        }
    }

    @Test
    void piix4PowerManagementShutdownIsACleanExit() throws Exception {
        // PCI config mechanism #1 address of 00:01.3 (the PIIX4 PM function) register r: 0x8000_0B00 | r.
        try (VirtualMachine vm = create(16L << 20, 1, Personality.I440FX)) {
            GuestCode.flatGdt(vm.memory());
            vm.memory().write(GuestCode.CODE, GuestCode.PORT_SCRIPT_RUNNER);
            GuestCode.portScript(vm.memory(),
                    0xCF8, 4, 0x8000_0B40, 0xCFC, 4, 0xB001, // PMBA = 0xB000 (OVMF's)
                    0xCF8, 4, 0x8000_0B80, 0xCFC, 1, 0x01, // PMREGMISC: PMIOSE
                    0xB004, 2, 0x2000); // PM1 control: SLP_TYP 0 (\_S5 of QEMU's i440FX DSDT) | SLP_EN
            vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
            vm.start();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail());
            assertEquals(0, exit.exitStatus());
        }
    }

    @Test
    void portExitsAllocateNothingOnTheVcpuThread() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported());
        mx.setThreadAllocatedMemoryEnabled(true);
        int warmUp = 20_000;
        int measured = 50_000;
        long[] allocated = new long[2];
        int[] exits = new int[1];
        try (VirtualMachine vm = create(16L << 20)) {
            vm.addPortIoDevice("counter", 0x510, 1, new PortIoDevice() {
                @Override
                public int read(int offset, int size) {
                    return 0;
                }

                @Override
                public void write(int offset, int size, int value) {
                    // Runs on the vCPU thread, inside its exit loop.
                    int n = ++exits[0];
                    if (n == warmUp) {
                        allocated[0] = mx.getCurrentThreadAllocatedBytes();
                    } else if (n == warmUp + measured) {
                        allocated[1] = mx.getCurrentThreadAllocatedBytes();
                    }
                }
            });
            GuestCode.flatGdt(vm.memory());
            vm.memory().write(GuestCode.CODE, GuestCode.PORT_LOOP);
            vm.memory().writeInt(GuestCode.PORT_LOOP_COUNT, warmUp + measured);
            vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
            vm.start();
            VmExit exit = awaitExit(vm);
            assertEquals(VmState.POWERED_OFF, exit.state(), exit.detail());
        }
        assertEquals(warmUp + measured, exits[0]);
        long bytes = allocated[1] - allocated[0];
        // Any object per exit would be at least 16 bytes each: 800 KB. Allow a little for one-off JIT/runtime work.
        assertTrue(bytes < measured, bytes + " bytes allocated on the vCPU thread over " + measured + " port exits");
    }

    @Test
    void closeEndsTheConsoleInputThreadBeforeItFreesTheVm() throws Exception {
        // Keys always ready: the console thread keeps COM1's FIFO full and raises its interrupt through the VM.
        InputStream typing = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }

            @Override
            public int available() {
                return 64;
            }
        };
        VirtualMachine vm = new KvmHypervisor().create(new MachineSpec("typing", 16L << 20, 1, Personality.CLOUD_HV),
                new Console(console, typing));
        startHaltingGuest(vm);
        vm.close();
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(
                "vmboot-console-typing") && t.isAlive()), "the console thread outlived close");
        assertThrows(IllegalStateException.class, () -> vm.interruptLine(4).set(true),
                "an interrupt after close is refused, not written through freed memory");
    }

    @Test
    void hundredMachinesLeaveNoDescriptorOrThreadBehind() throws Exception {
        cycle(); // loads JNA and classes, whose descriptors stay open
        int fds = openDescriptors();
        long threads = vmbootThreads();
        for (int i = 0; i < 100; i++) {
            cycle();
        }
        assertEquals(fds, openDescriptors());
        assertEquals(threads, vmbootThreads());
    }

    private void cycle() throws Exception {
        try (VirtualMachine vm = create(16L << 20)) {
            GuestCode.flatGdt(vm.memory());
            vm.memory().write(GuestCode.CODE, GuestCode.PORT_LOOP);
            vm.memory().writeInt(GuestCode.PORT_LOOP_COUNT, 10);
            vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
            vm.start();
            assertEquals(VmState.POWERED_OFF, awaitExit(vm).state());
        }
    }

    private static String hostVendor() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("vendor_id")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                .orElse("");
    }

    private static int openDescriptors() {
        return Objects.requireNonNull(new File("/proc/self/fd").list()).length;
    }

    private static long vmbootThreads() throws InterruptedException {
        // A thread that has ended may need a moment to leave the thread table after join().
        for (int i = 0; i < 50; i++) {
            long n = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("vmboot-"))
                    .count();
            if (n == 0) {
                return 0;
            }
            Thread.sleep(100);
        }
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("vmboot-")).count();
    }
}
