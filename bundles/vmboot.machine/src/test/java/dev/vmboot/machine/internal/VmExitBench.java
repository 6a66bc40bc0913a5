package dev.vmboot.machine.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;
import dev.vmboot.testkit.PvhElfImage;

/**
 * VM exits per second: a guest doing OUT to port 0x510 in a loop ({@link GuestCode#PORT_LOOP}), each OUT a
 * KVM_EXIT_IO handled by a counting device. Run by bench/vm-exits.sh; arguments: exits per run, runs.
 * <p>
 * With {@code --pvh-elf FILE EXITS} it instead writes {@link GuestCode#EXIT_LOOP_PVH} as a PVH kernel making EXITS
 * exits, the image bench/vm-exits.sh boots under both {@code bin/vmboot boot} and QEMU-KVM.
 */
final class VmExitBench {
    private VmExitBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--pvh-elf")) {
            byte[] code = GuestCode.EXIT_LOOP_PVH.clone();
            ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).putInt(GuestCode.EXIT_LOOP_PVH_COUNT,
                    Integer.parseUnsignedInt(args[2]));
            Files.write(Path.of(args[1]), PvhElfImage.of(GuestCode.EXIT_LOOP_PVH_ADDRESS, code));
            return;
        }
        int exits = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            AtomicLong count = new AtomicLong();
            try (VirtualMachine vm = new KvmHypervisor().create(new MachineSpec("bench", 16L << 20, 1,
                    Personality.CLOUD_HV), new Console(OutputStream.nullOutputStream(), InputStream.nullInputStream()))) {
                vm.addPortIoDevice("counter", 0x510, 1, new PortIoDevice() {
                    @Override
                    public int read(int offset, int size) {
                        return 0;
                    }

                    @Override
                    public void write(int offset, int size, int value) {
                        count.incrementAndGet();
                    }
                });
                GuestCode.flatGdt(vm.memory());
                vm.memory().write(GuestCode.CODE, GuestCode.PORT_LOOP);
                vm.memory().writeInt(GuestCode.PORT_LOOP_COUNT, exits);
                vm.setBootCpuState(GuestCode.flat32(GuestCode.CODE));
                long t0 = System.nanoTime();
                vm.start();
                VmExit exit = vm.awaitExit(Duration.ofMinutes(30)).orElseThrow();
                long ns = System.nanoTime() - t0;
                if (exit.state() != VmState.POWERED_OFF || count.get() != exits) {
                    throw new IllegalStateException("run " + r + ": " + exit + ", " + count.get() + " exits counted");
                }
                rates[r] = exits / (ns / 1e9);
                System.out.printf("run %d: %d port exits in %.3f s = %.0f exits/s%n", r + 1, exits, ns / 1e9,
                        rates[r]);
            }
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
        System.out.printf("median: %.0f exits/s over %d runs (min %.0f, max %.0f)%n", median, runs, sorted[0],
                sorted[runs - 1]);
    }
}
