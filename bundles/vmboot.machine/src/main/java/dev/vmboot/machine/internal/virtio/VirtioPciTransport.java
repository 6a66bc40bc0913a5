package dev.vmboot.machine.internal.virtio;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.Virtqueue;

/**
 * The device side of the virtio-pci common configuration (virtio 1.2, 4.1.4.3) and of the device status machine
 * (2.1, 3.1.1): feature negotiation, queue set-up, activation of the device with checked queues and one worker thread
 * per queue, reset, and the ISR/INTx and MSI-X routing of the device's interrupts. The PCI side (capabilities, BAR
 * decoding) is {@link VirtioPciFunction}'s.
 *
 * <table>
 * <caption>Common configuration registers (4.1.4.3), all little-endian</caption>
 * <tr><th>offset</th><th>register</th><th>access</th></tr>
 * <tr><td>0x00</td><td>le32 device_feature_select</td><td>RW</td></tr>
 * <tr><td>0x04</td><td>le32 device_feature (the 32 bits selected)</td><td>RO</td></tr>
 * <tr><td>0x08</td><td>le32 driver_feature_select</td><td>RW</td></tr>
 * <tr><td>0x0C</td><td>le32 driver_feature</td><td>RW</td></tr>
 * <tr><td>0x10</td><td>le16 config_msix_vector</td><td>RW</td></tr>
 * <tr><td>0x12</td><td>le16 num_queues</td><td>RO</td></tr>
 * <tr><td>0x14</td><td>u8 device_status</td><td>RW</td></tr>
 * <tr><td>0x15</td><td>u8 config_generation</td><td>RO</td></tr>
 * <tr><td>0x16</td><td>le16 queue_select</td><td>RW</td></tr>
 * <tr><td>0x18</td><td>le16 queue_size</td><td>RW</td></tr>
 * <tr><td>0x1A</td><td>le16 queue_msix_vector</td><td>RW</td></tr>
 * <tr><td>0x1C</td><td>le16 queue_enable</td><td>RW</td></tr>
 * <tr><td>0x1E</td><td>le16 queue_notify_off</td><td>RO</td></tr>
 * <tr><td>0x20</td><td>le64 queue_desc</td><td>RW</td></tr>
 * <tr><td>0x28</td><td>le64 queue_driver</td><td>RW</td></tr>
 * <tr><td>0x30</td><td>le64 queue_device</td><td>RW</td></tr>
 * </table>
 * Registers of the selected queue read as zero and ignore writes when queue_select names no queue. A 64-bit register
 * may be written whole or as two aligned 32-bit halves; other partial writes are ignored.
 * <p>
 * Threads: register accesses come from vCPU threads and are serialised by this transport's lock, which also orders
 * activation and reset; a reset waits (bounded) for the queue workers before it resets the device. Status bits are
 * cleared only by a reset (a write that would clear one is refused), so the device is activated at most once between
 * two resets, with one worker per queue. The interrupt path
 * ({@link #signalQueue}, {@link #signalConfig}) never takes that lock, so a worker that raises an interrupt while a
 * reset waits for it cannot deadlock.
 */
final class VirtioPciTransport {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioPciTransport.class);

    // virtio 1.2, 4.1.4.3 "Common configuration structure layout"
    static final int DEVICE_FEATURE_SELECT = 0x00;
    static final int DEVICE_FEATURE = 0x04;
    static final int DRIVER_FEATURE_SELECT = 0x08;
    static final int DRIVER_FEATURE = 0x0C;
    static final int CONFIG_MSIX_VECTOR = 0x10;
    static final int NUM_QUEUES = 0x12;
    static final int DEVICE_STATUS = 0x14;
    static final int CONFIG_GENERATION = 0x15;
    static final int QUEUE_SELECT = 0x16;
    static final int QUEUE_SIZE = 0x18;
    static final int QUEUE_MSIX_VECTOR = 0x1A;
    static final int QUEUE_ENABLE = 0x1C;
    static final int QUEUE_NOTIFY_OFF = 0x1E;
    static final int QUEUE_DESC = 0x20;
    static final int QUEUE_DRIVER = 0x28;
    static final int QUEUE_DEVICE = 0x30;
    /** Bytes of the structure (without the 1.2 notify-data and queue-reset fields, whose features are not offered). */
    static final int COMMON_CONFIG_SIZE = 0x38;

    // virtio 1.2, 2.1 "Device Status Field"
    static final int STATUS_ACKNOWLEDGE = 1;
    static final int STATUS_DRIVER = 2;
    static final int STATUS_DRIVER_OK = 4;
    static final int STATUS_FEATURES_OK = 8;
    static final int STATUS_DEVICE_NEEDS_RESET = 0x40;
    static final int STATUS_FAILED = 0x80;

    /** virtio 1.2, 4.1.5.1.2: VIRTIO_MSI_NO_VECTOR, "no vector" for an event. */
    static final int NO_VECTOR = 0xFFFF;
    /** virtio 1.2, 4.1.4.5: ISR bit 0 a queue interrupt, bit 1 a configuration change. */
    static final int ISR_QUEUE = 1;
    static final int ISR_CONFIG = 2;

    /** Feature bits the transport itself offers: the shared queue implements them. */
    static final long TRANSPORT_FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
    private static final int REFUSAL_KINDS = 32;
    /** How long a reset waits for a queue worker to finish the request it is serving. */
    static final long WORKER_STOP_MILLIS = 30_000;

    /** Where the transport gets what it needs from the machine. */
    interface Environment {
        /** The doorbell of queue {@code index} (created once per function, kept across resets). */
        Doorbell doorbell(int index);

        /** The function's INTx line (its _PRT-routed GSI). */
        dev.vmboot.api.device.InterruptLine intx();
    }

    private final String name;
    private final VirtioDevice device;
    private final GuestMemory memory;
    private final VirtqueueFactory queues;
    private final MsixTable msix;
    private final GuestLogLimiter guestLog;
    private final Environment environment;
    private final int[] maxSizes;
    private final long offeredFeatures;

    // Guarded by this.
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private long driverFeatures;
    private int status;
    private int queueSelect;
    private final int[] queueSize;
    private final boolean[] queueEnabled;
    private final long[] queueDesc;
    private final long[] queueDriver;
    private final long[] queueDevice;
    private List<QueueWorker> workers = List.of();
    private Activation activation;
    private boolean wedged;
    /** DEVICE_NEEDS_RESET, set by the device's threads too, so not under this transport's lock. */
    private volatile boolean deviceNeedsReset;
    private final Map<String, Long> refusals = new LinkedHashMap<>(); // guarded by itself
    private volatile boolean failureTraced;

    /** MSI-X vector per queue and for configuration changes: read by device threads, written under this lock. */
    private final int[] queueVector;
    private volatile int configVector = NO_VECTOR;
    private volatile int configGeneration;

    // The ISR and the INTx line, guarded by isrLock (never held while taking this transport's lock).
    private final Object isrLock = new Object();
    private int isr;
    private boolean intxAsserted;
    private boolean intxDisabled;

    /** @param guestLog the machine's budget for the log lines its guest causes */
    VirtioPciTransport(String name, VirtioDevice device, GuestMemory memory, VirtqueueFactory queues, MsixTable msix,
            GuestLogLimiter guestLog, Environment environment) {
        this.name = Objects.requireNonNull(name, "name");
        this.device = Objects.requireNonNull(device, "device");
        this.memory = Objects.requireNonNull(memory, "memory");
        this.queues = Objects.requireNonNull(queues, "queues");
        this.msix = Objects.requireNonNull(msix, "msix");
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.maxSizes = device.queueMaxSizes().clone();
        for (int s : maxSizes) {
            if (s < 1 || s > 32768 || Integer.bitCount(s) != 1) {
                throw new IllegalArgumentException(name + ": queue sizes must be powers of two up to 32768: "
                        + Arrays.toString(maxSizes));
            }
        }
        this.offeredFeatures = device.deviceFeatures() | TRANSPORT_FEATURES;
        int n = maxSizes.length;
        queueSize = maxSizes.clone();
        queueEnabled = new boolean[n];
        queueDesc = new long[n];
        queueDriver = new long[n];
        queueDevice = new long[n];
        queueVector = new int[n];
        Arrays.fill(queueVector, NO_VECTOR);
    }

    String name() {
        return name;
    }

    VirtioDevice device() {
        return device;
    }

    int queueCount() {
        return maxSizes.length;
    }

    /** The feature bits offered to the driver: the device's and the transport's. */
    long offeredFeatures() {
        return offeredFeatures;
    }

    synchronized int status() {
        return status | (deviceNeedsReset ? STATUS_DEVICE_NEEDS_RESET : 0);
    }

    // ---- common configuration -------------------------------------------------------------------------------------

    /** A guest read of {@code size} bytes at {@code offset} of the common configuration; unknown bytes read 0. */
    synchronized long readCommon(int offset, int size) {
        if (offset < 0 || size < 1 || size > 8 || offset + size > COMMON_CONFIG_SIZE) {
            return 0;
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (commonByte(offset + i) & 0xFFL) << (8 * i);
        }
        return value;
    }

    private int commonByte(int at) {
        int field = fieldStart(at);
        long v = fieldValue(field);
        return (int) (v >>> (8 * (at - field))) & 0xFF;
    }

    /** The first offset of the register that holds byte {@code at}. */
    private static int fieldStart(int at) {
        if (at >= QUEUE_DESC) {
            return QUEUE_DESC + (at - QUEUE_DESC) / 8 * 8;
        }
        if (at < CONFIG_MSIX_VECTOR) {
            return at & ~3;
        }
        if (at == DEVICE_STATUS || at == CONFIG_GENERATION) {
            return at;
        }
        return at & ~1;
    }

    private long fieldValue(int field) {
        int q = queueSelect;
        boolean queue = q < maxSizes.length;
        switch (field) {
        case DEVICE_FEATURE_SELECT:
            return deviceFeatureSelect & 0xFFFF_FFFFL;
        case DEVICE_FEATURE:
            return featureWord(offeredFeatures, deviceFeatureSelect);
        case DRIVER_FEATURE_SELECT:
            return driverFeatureSelect & 0xFFFF_FFFFL;
        case DRIVER_FEATURE:
            return featureWord(driverFeatures, driverFeatureSelect);
        case CONFIG_MSIX_VECTOR:
            return configVector;
        case NUM_QUEUES:
            return maxSizes.length;
        case DEVICE_STATUS:
            return status | (deviceNeedsReset ? STATUS_DEVICE_NEEDS_RESET : 0);
        case CONFIG_GENERATION:
            return configGeneration & 0xFF;
        case QUEUE_SELECT:
            return queueSelect;
        case QUEUE_SIZE:
            return queue ? queueSize[q] : 0;
        case QUEUE_MSIX_VECTOR:
            return queue ? queueVector[q] : NO_VECTOR;
        case QUEUE_ENABLE:
            return queue && queueEnabled[q] ? 1 : 0;
        case QUEUE_NOTIFY_OFF:
            return queue ? q : 0; // notify address = notify base + queue_notify_off * multiplier (4.1.4.4)
        case QUEUE_DESC:
            return queue ? queueDesc[q] : 0;
        case QUEUE_DRIVER:
            return queue ? queueDriver[q] : 0;
        case QUEUE_DEVICE:
            return queue ? queueDevice[q] : 0;
        default:
            return 0;
        }
    }

    private static long featureWord(long features, int select) {
        return select == 0 ? features & 0xFFFF_FFFFL : select == 1 ? features >>> 32 : 0;
    }

    /** A guest write of the low {@code size} bytes of {@code value} at {@code offset} of the common configuration. */
    void writeCommon(int offset, int size, long value) {
        Runnable after;
        synchronized (this) {
            after = writeCommonLocked(offset, size, value);
        }
        if (after != null) {
            after.run();
        }
    }

    /** Returns work to do after the lock is released (starting workers), or null. */
    private Runnable writeCommonLocked(int offset, int size, long value) {
        if (offset < 0 || offset >= COMMON_CONFIG_SIZE) {
            return null;
        }
        int field = fieldStart(offset);
        int width = fieldWidth(field);
        boolean whole = offset == field && size == width;
        boolean half = width == 8 && size == 4 && (offset - field) % 4 == 0;
        if (!whole && !half) {
            refuse("partial register write");
            return null;
        }
        int q = queueSelect;
        boolean queueWritable = q < maxSizes.length && !queueEnabled[q] && (status & STATUS_DRIVER_OK) == 0;
        long v = value & (size == 8 ? -1L : (1L << (8 * size)) - 1);
        switch (field) {
        case DEVICE_FEATURE_SELECT:
            deviceFeatureSelect = (int) v;
            return null;
        case DRIVER_FEATURE_SELECT:
            driverFeatureSelect = (int) v;
            return null;
        case DRIVER_FEATURE:
            if ((status & STATUS_FEATURES_OK) == 0 && (driverFeatureSelect == 0 || driverFeatureSelect == 1)) {
                int shift = 32 * driverFeatureSelect;
                driverFeatures = (driverFeatures & ~(0xFFFF_FFFFL << shift)) | (v << shift);
            }
            return null;
        case CONFIG_MSIX_VECTOR:
            configVector = vectorOrNone((int) v);
            return null;
        case DEVICE_STATUS:
            return writeStatus((int) v);
        case QUEUE_SELECT:
            queueSelect = (int) v;
            return null;
        case QUEUE_SIZE:
            if (queueWritable) {
                queueSize[q] = (int) v;
            }
            return null;
        case QUEUE_MSIX_VECTOR:
            if (q < maxSizes.length) {
                queueVector[q] = vectorOrNone((int) v);
            }
            return null;
        case QUEUE_ENABLE:
            if (queueWritable && v == 1) {
                enableQueue(q);
            }
            return null; // 4.1.4.3.2: the driver MUST NOT write 0; such writes are ignored
        case QUEUE_DESC:
        case QUEUE_DRIVER:
        case QUEUE_DEVICE:
            if (queueWritable) {
                long[] target = field == QUEUE_DESC ? queueDesc : field == QUEUE_DRIVER ? queueDriver : queueDevice;
                if (whole) {
                    target[q] = v;
                } else {
                    int shift = 8 * (offset - field);
                    target[q] = (target[q] & ~(0xFFFF_FFFFL << shift)) | (v << shift);
                }
            }
            return null;
        default:
            return null; // read-only registers
        }
    }

    private static int fieldWidth(int field) {
        if (field >= QUEUE_DESC) {
            return 8;
        }
        if (field < CONFIG_MSIX_VECTOR) {
            return 4;
        }
        return field == DEVICE_STATUS || field == CONFIG_GENERATION ? 1 : 2;
    }

    /** 4.1.5.1.2: a vector the table does not have reads back as NO_VECTOR, which tells the driver it failed. */
    private int vectorOrNone(int vector) {
        return vector >= 0 && vector < msix.vectors() ? vector : NO_VECTOR;
    }

    private void enableQueue(int q) {
        try {
            queues.create(q, registers(q), memory, driverFeatures);
            queueEnabled[q] = true;
        } catch (IllegalArgumentException e) {
            refuse("queue " + q + " refused: " + e.getMessage());
        }
    }

    private QueueRegisters registers(int q) {
        return new QueueRegisters(queueSize[q], queueDesc[q], queueDriver[q], queueDevice[q]);
    }

    private Runnable writeStatus(int value) {
        if (value == 0) {
            reset(); // a worker that does not end leaves the device out of service (NEEDS_RESET)
            return null;
        }
        int v = value & 0xFF & ~STATUS_DEVICE_NEEDS_RESET; // the device's bit; the driver cannot set it
        if ((status & ~v) != 0) {
            // 2.1.2: the driver must not clear a status bit. Taking such a write would let it rewrite the features
            // or set DRIVER_OK again (a second activation) under a running device: only a reset clears the status.
            refuse("a status write that clears bits (only a reset may) is ignored");
            return null;
        }
        if ((v & STATUS_FEATURES_OK) != 0 && (status & STATUS_FEATURES_OK) == 0 && !featuresAcceptable()) {
            v &= ~STATUS_FEATURES_OK; // 3.1.1 step 6: the driver re-reads the status and sees it was refused
        }
        int previous = status;
        status = v;
        if ((v & STATUS_DRIVER_OK) != 0 && (previous & STATUS_DRIVER_OK) == 0) {
            return activate();
        }
        return null;
    }

    /** 2.2.1 and 6.1: every acknowledged bit was offered, and the driver speaks virtio 1 (no legacy interface here). */
    private boolean featuresAcceptable() {
        if ((driverFeatures & ~offeredFeatures) != 0) {
            refuse(String.format("driver features 0x%x include bits not offered (0x%x)", driverFeatures,
                    offeredFeatures));
            return false;
        }
        if (!VirtioFeatures.has(driverFeatures, VirtioFeatures.VERSION_1)) {
            refuse("driver without VIRTIO_F_VERSION_1 (legacy drivers are not served)");
            return false;
        }
        return true;
    }

    private Runnable activate() {
        if ((status & STATUS_FEATURES_OK) == 0 || wedged) {
            failLocked(wedged ? "a worker of the last activation never ended" : "DRIVER_OK without FEATURES_OK");
            return null;
        }
        List<Virtqueue> list = new ArrayList<>(maxSizes.length);
        for (int q = 0; q < maxSizes.length; q++) {
            if (!queueEnabled[q]) {
                list.add(null);
                continue;
            }
            try {
                list.add(queues.create(q, registers(q), memory, driverFeatures));
            } catch (IllegalArgumentException e) {
                failLocked("queue " + q + ": " + e.getMessage());
                return null;
            }
        }
        Activation a = new Activation();
        try {
            device.activate(new VirtioActivation(driverFeatures, list, a, memory));
        } catch (IOException | RuntimeException e) {
            guestLog.warn(LOG, "{}: the device could not start: {}", name, e.toString());
            failLocked("activation failed");
            return null;
        }
        activation = a;
        List<QueueWorker> started = new ArrayList<>();
        for (int q = 0; q < list.size(); q++) {
            if (list.get(q) != null) {
                started.add(new QueueWorker(name + "-q" + q, device, q, environment.doorbell(q), a));
            }
        }
        workers = started;
        return () -> started.forEach(QueueWorker::start);
    }

    /** A driver notification for queue {@code index} (a notify write that KVM did not take itself). */
    void notifyQueue(int index) {
        if (index >= 0 && index < maxSizes.length) {
            environment.doorbell(index).ring();
        }
    }

    /**
     * Device reset (status 0, 4.1.4.3.2): stops and joins the workers, resets the device, and returns every register
     * to its initial value. Also what the machine does when it ends.
     *
     * @return false if a worker did not end in time: the device was left alone (and is out of service)
     */
    synchronized boolean reset() {
        boolean stopped = true;
        for (QueueWorker w : workers) {
            stopped &= w.stop(WORKER_STOP_MILLIS);
        }
        workers = List.of();
        if (activation != null) {
            activation.end();
            activation = null;
        }
        if (!stopped) {
            // A worker still inside the device: resetting it now could let that thread touch memory after reset.
            wedged = true;
            deviceNeedsReset = true;
            LOG.error("{}: a queue worker did not stop within {} ms; the device stays out of service", name,
                    WORKER_STOP_MILLIS);
            return false;
        }
        device.reset();
        deviceFeatureSelect = 0;
        driverFeatureSelect = 0;
        driverFeatures = 0;
        status = 0;
        deviceNeedsReset = false;
        queueSelect = 0;
        System.arraycopy(maxSizes, 0, queueSize, 0, maxSizes.length);
        Arrays.fill(queueEnabled, false);
        Arrays.fill(queueDesc, 0);
        Arrays.fill(queueDriver, 0);
        Arrays.fill(queueDevice, 0);
        Arrays.fill(queueVector, NO_VECTOR);
        configVector = NO_VECTOR;
        synchronized (isrLock) {
            isr = 0;
            updateIntx();
        }
        return true;
    }

    private void failLocked(String reason) {
        needsReset(reason);
    }

    /**
     * Counts a refusal by its reason and logs the first of each kind: at most {@value #REFUSAL_KINDS} kinds are told
     * apart, the rest count as "other", so a guest cannot grow the map or the log without bound.
     */
    private void refuse(String reason) {
        synchronized (refusals) {
            String key = reason.length() > 60 ? reason.substring(0, 60) : reason;
            Long before = refusals.get(key);
            if (before == null && refusals.size() >= REFUSAL_KINDS) {
                key = "other";
                before = refusals.get(key);
            }
            if (before == null) {
                guestLog.info(LOG, "{}: {} (logged once)", name, reason);
            }
            refusals.put(key, before == null ? 1 : before + 1);
        }
    }

    /** What the driver did that the transport refused, and how often. */
    Map<String, Long> refusals() {
        synchronized (refusals) {
            return Map.copyOf(refusals);
        }
    }

    // ---- device configuration -------------------------------------------------------------------------------------

    /**
     * A guest read of the device-specific configuration (4.1.4.6), from the device's current bytes; bytes past their
     * end read as zero.
     */
    synchronized long readDeviceConfig(int offset, int size) {
        if (offset < 0 || size < 1 || size > 8) {
            return 0;
        }
        byte[] bytes = device.configSpace();
        long value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            if (at < bytes.length) {
                value |= (bytes[at] & 0xFFL) << (8 * i);
            }
        }
        return value;
    }

    /** A guest write of the device-specific configuration, handed to the device as bytes. */
    synchronized void writeDeviceConfig(int offset, int size, long value) {
        if (offset < 0 || size < 1 || size > 8) {
            return;
        }
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (value >>> (8 * i));
        }
        device.writeConfig(offset, data);
    }

    // ---- ISR, INTx, MSI-X ---------------------------------------------------------------------------------------

    /** Reading the ISR (4.1.4.5) returns its bits, clears them and deasserts INTx. */
    int readIsr() {
        synchronized (isrLock) {
            int v = isr;
            isr = 0;
            updateIntx();
            return v;
        }
    }

    /** Whether INTx is asserted now (the PCI status register's Interrupt Status bit, PCI 3.0, 6.2.3). */
    boolean intxAsserted() {
        synchronized (isrLock) {
            return intxAsserted;
        }
    }

    /** The command register's Interrupt Disable bit (PCI 3.0, 6.2.2) changed, or MSI-X was switched. */
    void intxMasked(boolean disabled) {
        synchronized (isrLock) {
            intxDisabled = disabled;
            updateIntx();
        }
    }

    /** Called with isrLock held: drives the line only on a change, as a level-triggered input wants. */
    private void updateIntx() {
        boolean asserted = isr != 0 && !intxDisabled && !msix.enabled();
        if (asserted != intxAsserted) {
            intxAsserted = asserted;
            environment.intx().set(asserted);
        }
    }

    void signalQueue(int index) {
        int vector = index >= 0 && index < queueVector.length ? queueVector[index] : NO_VECTOR;
        if (!msix.trigger(vector)) {
            raiseIsr(ISR_QUEUE);
        }
    }

    void signalConfig() {
        configGeneration++;
        if (!msix.trigger(configVector)) {
            raiseIsr(ISR_CONFIG);
        }
    }

    private void raiseIsr(int bit) {
        synchronized (isrLock) {
            isr |= bit;
            updateIntx();
        }
    }

    /**
     * A device bug met while serving a queue: the guest can reach it again after every reset, so its stack trace is
     * logged once per device and the later failures in a line each, all in the guest's budget.
     */
    private void deviceFailed(String worker, int queue, RuntimeException e) {
        String line = "{}: serving queue {} failed; it stops until the driver resets the device";
        if (!failureTraced && guestLog.admit()) {
            failureTraced = true;
            LOG.warn(line, worker, queue, e);
        } else {
            guestLog.warn(LOG, line + ": {}", worker, queue, e.toString());
        }
    }

    /** 2.1.2: sets DEVICE_NEEDS_RESET and tells the driver with a configuration interrupt. Any thread. */
    private void needsReset(String reason) {
        deviceNeedsReset = true;
        refuse(reason);
        signalConfig();
    }

    /**
     * The {@link dev.vmboot.api.virtio.VirtioInterrupt} of one activation: after the reset that ends it, calls are
     * dropped, so a late signal of a device cannot reach the next activation's driver.
     */
    private final class Activation implements dev.vmboot.api.virtio.VirtioInterrupt, QueueWorker.Failure {
        private volatile boolean ended;

        void end() {
            ended = true;
        }

        @Override
        public void queue(int index) {
            if (!ended) {
                signalQueue(index);
            }
        }

        @Override
        public void config() {
            if (!ended) {
                signalConfig();
            }
        }

        @Override
        public void needsReset() {
            if (!ended) {
                VirtioPciTransport.this.needsReset("the device asked for a reset");
            }
        }

        @Override
        public void queueFailed(int queue, String reason) {
            if (!ended) {
                VirtioPciTransport.this.needsReset("queue " + queue + ": " + reason);
            }
        }

        @Override
        public void deviceFailed(int queue, String worker, RuntimeException e) {
            VirtioPciTransport.this.deviceFailed(worker, queue, e);
            queueFailed(queue, "device failure: " + e);
        }
    }
}
