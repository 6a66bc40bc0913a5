package dev.vmboot.machine.internal.virtio;

import static dev.vmboot.machine.internal.virtio.VirtioPciTransport.*;

import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.platform.PciFunction;
import dev.vmboot.testkit.FuzzInput;
import dev.vmboot.testkit.LogLineCapture;

/**
 * The virtio-pci transport under a driver that programs it through its BAR (common configuration, ISR, device
 * configuration, notifications, MSI-X table and PBA) and its configuration space (command register, MSI-X control,
 * the VIRTIO_PCI_CAP_PCI_CFG window), with the shared split virtqueue behind it and a device that signals queue and
 * configuration interrupts and asks for resets from its side: mostly the steps of virtio 1.2, 3.1.1 (reset,
 * acknowledge, features, queues, DRIVER_OK) in any order, now and then any access at any offset and width. Nothing
 * may be thrown, and:
 * <ul>
 * <li>FEATURES_OK is never kept for features that were not offered or lack VERSION_1, DRIVER_OK without FEATURES_OK
 * shows DEVICE_NEEDS_RESET, the vector registers read a vector of the table or NO_VECTOR, num_queues and
 * queue_notify_off read what the device has;</li>
 * <li>INTx is driven only on a change, and the PCI status register's Interrupt Status bit shows its level; every MSI
 * sent carries the address and data of an unmasked vector of an enabled, unmasked table;</li>
 * <li>resources are bounded: the refusal counters hold at most 33 kinds, at most one worker thread per queue runs,
 * and after the driver's last reset none does;</li>
 * <li>log output is bounded by {@link LogLineCapture#GUEST_LOG_BUDGET}.</li>
 * </ul>
 * A normal build replays the inputs under {@code VirtioPciFuzzTestInputs/driver} (written by
 * {@link VirtioPciFuzzSeeds}, and {@code features-ok-cleared-while-running}, found by the fuzzer: a status write that
 * cleared FEATURES_OK under a running device); {@code JAZZER_FUZZ=1} fuzzes for real.
 * <p>
 * Input: operations, an opcode byte and its operands each (the {@code OP_} constants).
 */
class VirtioPciFuzzTest {

    static final int MAX_OPERATIONS = 512;
    /** The harness names its transport so; its queue workers are this plus "-q" and the queue. */
    static final String WORKER_PREFIX = "vmboot-test-virtio-blk0-q";

    /** 0x00-0x2F: a common configuration register, {@link #FIELDS}[u8 % n], with a value that suits it (bit 0: raw). */
    static final int OP_COMMON_WRITE = 0x00;
    /** 0x30-0x4F: a common configuration read: offset u8 (mod 0x40), width {@code SIZES8[b & 3]}. */
    static final int OP_COMMON_READ = 0x30;
    /** 0x50-0x5F: a driver step, {@code b & 3}: negotiate (u8 picks the features), set up a queue, DRIVER_OK, reset. */
    static final int OP_DRIVER_STEP = 0x50;
    /** 0x60-0x6F: a notification: u8 the queue (mod 4), width 2 or (bit 0) 4. */
    static final int OP_NOTIFY = 0x60;
    /** 0x70-0x7F: bit 0: the ISR read; else device configuration: bit 1 write, u8 offset, width, value. */
    static final int OP_ISR_OR_CONFIG = 0x70;
    /** 0x80-0x8F: MSI-X: bit 0 write; u8 the vector (mod 4), u8 the dword (mod 4); a write's u32; bit 1 the PBA. */
    static final int OP_MSIX = 0x80;
    /** 0x90-0x9F: configuration space, {@code b & 7}: see {@link Run#config}. */
    static final int OP_CONFIG_SPACE = 0x90;
    /** 0xA0-0xAF: the device, {@code b & 3}: a queue interrupt (u8 queue), a configuration change, a reset request. */
    static final int OP_DEVICE = 0xA0;
    /** 0xB0-0xFF: a raw BAR access: u16 offset (mod 0x9000), width {@code SIZES8[b & 3]}, bit 2 a write. */
    static final int OP_RAW_BAR = 0xB0;

    /** The common configuration registers: offset and width (virtio 1.2, 4.1.4.3). */
    static final int[][] FIELDS = { { DEVICE_FEATURE_SELECT, 4 }, { DRIVER_FEATURE_SELECT, 4 }, { DRIVER_FEATURE, 4 },
        { CONFIG_MSIX_VECTOR, 2 }, { DEVICE_STATUS, 1 }, { QUEUE_SELECT, 2 }, { QUEUE_SIZE, 2 },
        { QUEUE_MSIX_VECTOR, 2 }, { QUEUE_ENABLE, 2 }, { QUEUE_DESC, 8 }, { QUEUE_DRIVER, 8 }, { QUEUE_DEVICE, 8 } };
    /** Status values of the initialisation sequence (3.1.1), FAILED, and everything at once. */
    static final int[] STATUS_STEPS = { 0, STATUS_ACKNOWLEDGE, STATUS_ACKNOWLEDGE | STATUS_DRIVER,
        STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK,
        STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK, STATUS_FAILED, 0xFF };

    private static final int[] SIZES8 = { 1, 2, 4, 8 };
    private static final int VECTORS = 3;
    private static final int QUEUES = 2;
    private static final long RAM = 1 << 20;
    private static final int COMMAND_MEMORY = 0x0002;
    private static final int STATUS_INTERRUPT = 0x0008;
    private static final int MSIX_CONTROL = VirtioPciFunction.CAP_MSIX + 2;
    private static final int WINDOW = VirtioPciFunction.CAP_PCI_WINDOW;

    @FuzzTest(maxDuration = "60s")
    void driver(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        TransportHarness h = new TransportHarness(true);
        try (LogLineCapture log = LogLineCapture.start("dev.vmboot.machine")) {
            try {
                new Run(in, h).run();
            } finally {
                h.write(DEVICE_STATUS, 1, 0); // the driver's last reset: it joins the workers
            }
            check(workers() == 0, "queue workers still running after the reset");
            check(log.count() <= LogLineCapture.GUEST_LOG_BUDGET, log.count() + " log records: " + log.firstRecords());
        }
    }

    /** Live queue worker threads of the harness's transport. */
    static int workers() {
        Thread[] threads = new Thread[Thread.activeCount() + 16];
        int n = Thread.enumerate(threads);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (threads[i].getName().startsWith(WORKER_PREFIX) && threads[i].isAlive()) {
                count++;
            }
        }
        return count;
    }

    /** The driver's program and the checks after each step. */
    private static final class Run {
        private final FuzzInput in;
        private final TransportHarness h;
        private int msisSeen;
        private int intxSeen;

        Run(FuzzInput in, TransportHarness h) {
            this.in = in;
            this.h = h;
        }

        void run() {
            for (int op = 0; op < MAX_OPERATIONS && !in.exhausted(); op++) {
                int code = in.u8();
                if (code < OP_COMMON_READ) {
                    commonWrite(FIELDS[in.u8() % FIELDS.length], (code & 1) != 0);
                } else if (code < OP_DRIVER_STEP) {
                    commonRead(in.u8() % 0x40, SIZES8[code & 3]);
                } else if (code < OP_NOTIFY) {
                    driverStep(code & 3);
                } else if (code < OP_ISR_OR_CONFIG) {
                    h.write(VirtioPciFunction.NOTIFY_OFFSET + 4 * (in.u8() % 4), (code & 1) != 0 ? 4 : 2, 0);
                } else if (code < OP_MSIX) {
                    isrOrDeviceConfig(code);
                } else if (code < OP_CONFIG_SPACE) {
                    msix(code);
                } else if (code < OP_DEVICE) {
                    config(code & 7);
                } else if (code < OP_RAW_BAR) {
                    device(code & 3);
                } else {
                    int offset = in.u16() % 0x9000;
                    int size = SIZES8[code & 3];
                    if ((code & 4) != 0) {
                        h.function.bar().write(offset, size, in.bytes(size));
                    } else {
                        h.function.bar().read(offset, size);
                    }
                }
                checkState();
            }
        }

        // ---- the driver ----------------------------------------------------------------------------------------

        private void commonWrite(int[] field, boolean raw) {
            int offset = field[0];
            int width = field[1];
            long value = raw ? in.bytes(width) : suitable(offset);
            if (width == 8 && (in.u8() & 1) != 0) { // as Linux writes 64-bit registers: two halves
                h.write(offset, 4, value & 0xFFFF_FFFFL);
                h.write(offset + 4, 4, value >>> 32);
            } else {
                h.write(offset, width, value);
            }
        }

        /** A value a driver would write to the register at {@code offset}, mostly. */
        private long suitable(int offset) {
            int b = in.u8();
            return switch (offset) {
            case DEVICE_FEATURE_SELECT, DRIVER_FEATURE_SELECT -> b % 3;
            case DRIVER_FEATURE -> featureWord(b);
            case CONFIG_MSIX_VECTOR, QUEUE_MSIX_VECTOR -> b % 5 == 4 ? NO_VECTOR : b % 5;
            case DEVICE_STATUS -> STATUS_STEPS[b % STATUS_STEPS.length];
            case QUEUE_SELECT -> b % 3;
            case QUEUE_SIZE -> 1 << (b % 17);
            case QUEUE_ENABLE -> b % 2;
            default -> (in.u16() * 16L) % RAM; // a ring address in RAM, 16-aligned
            };
        }

        /** The word of offered features the driver's select names, some bits cleared, now and then one too many. */
        private long featureWord(int b) {
            long word = (h.acceptable() >>> (32 * (b & 1))) & 0xFFFF_FFFFL;
            word &= in.u32() | ((b & 2) != 0 ? 1 : 0); // bit 1 keeps VERSION_1, bit 0 of the high word
            return (b & 4) != 0 ? word | 1L << (b >>> 3) : word;
        }

        private void commonRead(int offset, int size) {
            long value = h.read(offset, size);
            if (offset == NUM_QUEUES && size == 2) {
                check(value == QUEUES, "num_queues " + value);
            } else if ((offset == QUEUE_MSIX_VECTOR || offset == CONFIG_MSIX_VECTOR) && size == 2) {
                check(value == NO_VECTOR || value < VECTORS, "vector register reads " + value);
            } else if (offset == QUEUE_NOTIFY_OFF && size == 2) {
                long q = h.read(QUEUE_SELECT, 2);
                check(value == (q < QUEUES ? q : 0), "queue_notify_off " + value + " for queue " + q);
            }
        }

        private void driverStep(int step) {
            switch (step) {
            case 0 -> {
                int b = in.u8();
                long features = (b & 1) != 0 ? h.acceptable() & in.u64() : in.u64();
                h.negotiate((b & 2) != 0 ? features | VirtioFeatures.bit(VirtioFeatures.VERSION_1) : features);
            }
            case 1 -> {
                int q = in.u8() % 3;
                int size = 1 << (in.u8() % 9);
                long base = (in.u16() * 4096L) % (RAM - 0x8000);
                h.setUpQueue(q, size, base, base + 0x2000, base + 0x4000);
            }
            case 2 -> h.driverOk();
            default -> h.write(DEVICE_STATUS, 1, 0);
            }
        }

        private void isrOrDeviceConfig(int code) {
            if ((code & 1) != 0) {
                h.read(VirtioPciFunction.ISR_OFFSET, 1);
                return;
            }
            int offset = in.u8() % 16;
            int size = SIZES8[in.u8() & 3];
            if ((code & 2) != 0) {
                h.write(VirtioPciFunction.DEVICE_OFFSET + offset, size, in.bytes(size));
            } else {
                h.read(VirtioPciFunction.DEVICE_OFFSET + offset, size);
            }
        }

        private void msix(int code) {
            int vector = in.u8() % 4;
            int dword = in.u8() % 4;
            long at = ((code & 2) != 0 ? VirtioPciFunction.MSIX_PBA_OFFSET : VirtioPciFunction.MSIX_TABLE_OFFSET)
                    + 16L * vector + 4L * dword;
            if ((code & 1) != 0) {
                long value = dword == 3 ? in.u8() & 1 : dword == 0 ? 0xFEE0_0000L | in.u8() << 12 : in.u32();
                h.write((int) at, 4, value);
            } else {
                h.read((int) at, 4);
            }
        }

        /**
         * {@code 0}: command (memory and INTx disable bits, or any); {@code 1}: MSI-X control; {@code 2}: the window's
         * bar, offset, length; {@code 3}: a write of the window's data; {@code 4}: a read of it; {@code 5}: a raw
         * write anywhere (u8 offset, width, value); {@code 6}: a raw read; {@code 7}: the BAR programmed.
         */
        private void config(int what) {
            PciFunction f = h.function;
            switch (what) {
            case 0 -> {
                int b = in.u8();
                f.writeConfig(PciFunction.COMMAND, 2, (b & 0x80) != 0 ? in.u16() : COMMAND_MEMORY | (b & 1) << 10);
            }
            case 1 -> f.writeConfig(MSIX_CONTROL, 2, (in.u8() & 3) << 14);
            case 2 -> {
                f.writeConfig(WINDOW + 4, 1, in.u8() % 2);
                f.writeConfig(WINDOW + 8, 4, in.u8() % 2 == 0 ? in.u16() % 0x6000 : (int) in.u32());
                f.writeConfig(WINDOW + 12, 4, SIZES8[in.u8() & 3] % 8);
            }
            case 3 -> f.writeConfig(WINDOW + 16, 4, (int) in.u32());
            case 4 -> f.readConfig(WINDOW + 16 + in.u8() % 4, 1 << (in.u8() % 3));
            case 5 -> {
                int size = 1 << (in.u8() % 3);
                f.writeConfig(in.u8(), size, (int) in.bytes(size));
            }
            case 6 -> f.readConfig(in.u8(), 1 << (in.u8() % 3));
            default -> f.assignBar(VirtioPciFunction.BAR_INDEX, 0xE000_0000L);
            }
        }

        /** What a device thread does: signals through the interrupt of its current activation, ended or not. */
        private void device(int what) {
            VirtioActivation a = h.device.activation;
            if (a == null) {
                return;
            }
            switch (what) {
            case 0 -> a.interrupt().queue(in.u8() % 3);
            case 1 -> a.interrupt().config();
            case 2 -> a.interrupt().needsReset();
            default -> a.interrupt().queue(0);
            }
        }

        // ---- the invariants --------------------------------------------------------------------------------------

        private void checkState() {
            check(h.transport.refusals().size() <= 33, "refusal kinds: " + h.transport.refusals().size());
            int status = (int) h.read(DEVICE_STATUS, 1);
            if ((status & STATUS_FEATURES_OK) != 0) {
                long features = driverFeatures();
                check((features & ~h.acceptable()) == 0 && VirtioFeatures.has(features, VirtioFeatures.VERSION_1),
                        String.format("FEATURES_OK kept for driver features 0x%x", features));
            }
            if ((status & STATUS_DRIVER_OK) != 0 && (status & STATUS_FEATURES_OK) == 0) {
                check((status & STATUS_DEVICE_NEEDS_RESET) != 0, "DRIVER_OK without FEATURES_OK, and no NEEDS_RESET");
            }
            List<Boolean> intx = List.copyOf(h.intx);
            for (int i = intxSeen; i < intx.size(); i++) {
                boolean before = i > 0 && intx.get(i - 1);
                check(intx.get(i) != before, "INTx driven to the level it had: " + intx);
            }
            intxSeen = intx.size();
            boolean level = !intx.isEmpty() && intx.get(intx.size() - 1);
            int pciStatus = h.function.readConfig(PciFunction.STATUS, 2);
            check(((pciStatus & STATUS_INTERRUPT) != 0) == level, "Interrupt Status " + pciStatus + ", INTx " + level);
            List<String> msis = List.copyOf(h.msis);
            for (int i = msisSeen; i < msis.size(); i++) {
                check(h.msix.enabled() && !functionMasked() && sentByAnUnmaskedVector(msis.get(i)),
                        "MSI " + msis.get(i) + " not from an unmasked vector of an enabled table");
            }
            msisSeen = msis.size();
            check(workers() <= QUEUES, workers() + " queue workers for " + QUEUES + " queues");
        }

        /** DRIVER_FEATURE through its select, which is put back. */
        private long driverFeatures() {
            long select = h.read(DRIVER_FEATURE_SELECT, 4);
            h.write(DRIVER_FEATURE_SELECT, 4, 0);
            long low = h.read(DRIVER_FEATURE, 4);
            h.write(DRIVER_FEATURE_SELECT, 4, 1);
            long high = h.read(DRIVER_FEATURE, 4);
            h.write(DRIVER_FEATURE_SELECT, 4, select);
            return high << 32 | low;
        }

        private boolean functionMasked() {
            return (h.function.readConfig(MSIX_CONTROL, 2) & 0x4000) != 0;
        }

        private boolean sentByAnUnmaskedVector(String msi) {
            for (int v = 0; v < VECTORS; v++) {
                long address = h.msix.readTable(16L * v, 4) | h.msix.readTable(16L * v + 4, 4) << 32;
                long data = h.msix.readTable(16L * v + 8, 4);
                boolean masked = (h.msix.readTable(16L * v + 12, 4) & 1) != 0;
                if (!masked && msi.equals(Long.toHexString(address) + ":" + Long.toHexString(data))) {
                    return true;
                }
            }
            return false;
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
