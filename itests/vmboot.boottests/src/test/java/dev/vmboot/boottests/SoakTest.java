package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.vmboot.testkit.PvhElfImage;

/**
 * One vmboot process boots and stops a small guest {@value #CYCLES} times in a row, as a resident boot manager boots
 * entry after entry: nothing a finished VM held (vCPU, console and device threads, the /dev/kvm, VM, vCPU and event
 * descriptors, guest RAM, native buffers) may stay behind. At each guest's marker, while that guest waits for a key,
 * the JVM's threads, descriptors, address space and resident set are read from procfs; the last cycle's must be within
 * {@link #EXTRA_THREADS} threads, {@link #EXTRA_DESCRIPTORS} descriptors, {@link #EXTRA_ADDRESS_SPACE_MIB} MiB of
 * address space and {@link #EXTRA_RSS_MIB} MiB of RSS of those of
 * cycle {@value #WARM_UP} (the first cycles load classes and compile code). All samples are kept as
 * {@code soak-footprint.csv} with the transcripts.
 */
@Tag("kvm")
class SoakTest {

    static final int CYCLES = 100;
    static final int WARM_UP = 10;
    /** A leaked vCPU or console thread per cycle would add 90. */
    static final int EXTRA_THREADS = 2;
    /** A leaked VM (vm, vcpu, eventfds: at least 3 descriptors) per cycle would add 270. */
    static final int EXTRA_DESCRIPTORS = 2;
    /** The guest's 128 MiB of RAM left mapped per cycle would add 11 GiB of address space. */
    static final long EXTRA_ADDRESS_SPACE_MIB = 256;
    /**
     * A 1 MiB native buffer kept per cycle would add 90 MiB. What is allowed is the heap's old generation filling
     * between collections: about 2 MiB over 90 cycles in the nested lab.
     */
    static final long EXTRA_RSS_MIB = 16;

    static final String MARKER = "VMBOOT-SOAK-READY";
    /** Where the guest is loaded and entered (PVH: 32-bit protected mode, paging off). */
    private static final int LOAD_ADDRESS = 0x10_0000;
    private static final int MESSAGE_OFFSET = 0x40;

    /**
     * The guest, 32-bit code: prints {@link #MARKER} on COM1, polls the line status register (16550: LSR bit 0, data
     * ready) until a key arrives, reads it, and powers off through the ACPI sleep control register at 0x600 that
     * vmboot's cloud-hypervisor-like platform has for PVH guests (SLP_EN | SLP_TYP 5 = 0x34).
     */
    private static final byte[] CODE = {
            (byte) 0xBE, 0, 0, 0, 0,                    // 0000  mov $message, %esi (patched)
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03,       // 0005  mov $0x3f8, %dx
            (byte) 0xAC,                                // 0009  1: lodsb
            (byte) 0x84, (byte) 0xC0,                   // 000a  test %al, %al
            0x74, 0x03,                                 // 000c  jz 2f
            (byte) 0xEE,                                // 000e  out %al, %dx
            (byte) 0xEB, (byte) 0xF8,                   // 000f  jmp 1b
            0x66, (byte) 0xBA, (byte) 0xFD, 0x03,       // 0011  2: mov $0x3fd, %dx
            (byte) 0xEC,                                // 0015  3: in %dx, %al
            (byte) 0xA8, 0x01,                          // 0016  test $1, %al
            0x74, (byte) 0xFB,                          // 0018  jz 3b
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03,       // 001a  mov $0x3f8, %dx
            (byte) 0xEC,                                // 001e  in %dx, %al
            0x66, (byte) 0xBA, 0x00, 0x06,              // 001f  mov $0x600, %dx
            (byte) 0xB0, 0x34,                          // 0023  mov $0x34, %al
            (byte) 0xEE,                                // 0025  out %al, %dx
            (byte) 0xF4,                                // 0026  4: hlt
            (byte) 0xEB, (byte) 0xFD,                   // 0027  jmp 4b
    };

    private static final Duration FIRST_MARKER = Duration.ofMinutes(3);
    private static final Duration NEXT_MARKER = Duration.ofMinutes(1);
    private static final Duration TO_EXIT = Duration.ofMinutes(1);

    static byte[] guestImage() {
        byte[] message = (MARKER + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer code = ByteBuffer.allocate(MESSAGE_OFFSET + message.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        code.put(CODE).putInt(1, LOAD_ADDRESS + MESSAGE_OFFSET);
        code.position(MESSAGE_OFFSET);
        code.put(message).put((byte) 0);
        return PvhElfImage.of(LOAD_ADDRESS, code.array());
    }

    @Test
    void bootingAndStoppingAHundredGuestsLeavesNothingBehind() throws Exception {
        BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();
        Path guest = env.transcriptDir().resolve("soak-guest.elf");
        Files.createDirectories(env.transcriptDir());
        Files.write(guest, guestImage());
        Path disk = env.transcriptDir().resolve("soak-disk.img");
        Files.write(disk, new byte[1 << 20]);
        // With a virtio disk, so that each machine opens its image and builds its PCI function and transport too.
        String boot = "boot -p pvh -m 128M -c 1 --disk " + disk + " " + guest;
        String commands = String.join("; ", Collections.nCopies(CYCLES, boot));

        List<ProcessFootprint> samples = new ArrayList<>();
        try (VmbootProcess vmboot = VmbootProcess.start(env.launcher(), env.transcriptDir(), "soak",
                List.of("-c", commands))) {
            int from = 0;
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                int at = vmboot.awaitOutput(MARKER, from, cycle == 1 ? FIRST_MARKER : NEXT_MARKER);
                samples.add(ProcessFootprint.of(vmboot.pid()));
                from = at + MARKER.length();
                vmboot.type("\n");
            }
            assertEquals(0, vmboot.awaitExit(TO_EXIT), "vmboot ends after the last guest powers off"
                    + vmboot.diagnostics());
        } finally {
            writeSamples(env.transcriptDir().resolve("soak-footprint.csv"), samples);
        }

        ProcessFootprint first = samples.get(0);
        ProcessFootprint warm = samples.get(WARM_UP - 1);
        ProcessFootprint last = samples.get(CYCLES - 1);
        long maxRss = samples.stream().mapToLong(ProcessFootprint::rssKib).max().orElseThrow();
        String summary = String.format("soak: cycle 1: %s; cycle %d: %s; cycle %d: %s; largest RSS %d MiB",
                first, WARM_UP, warm, CYCLES, last, maxRss / 1024);
        System.out.println(summary);
        assertTrue(last.threads() <= warm.threads() + EXTRA_THREADS, summary);
        assertTrue(last.descriptors() <= warm.descriptors() + EXTRA_DESCRIPTORS, summary);
        assertTrue(last.vmSizeKib() <= warm.vmSizeKib() + EXTRA_ADDRESS_SPACE_MIB * 1024, summary);
        assertTrue(last.rssKib() <= warm.rssKib() + EXTRA_RSS_MIB * 1024, summary);
    }

    private static void writeSamples(Path csv, List<ProcessFootprint> samples) throws Exception {
        StringBuilder s = new StringBuilder("cycle,threads,descriptors,vm_size_kib,rss_kib\n");
        for (int i = 0; i < samples.size(); i++) {
            ProcessFootprint f = samples.get(i);
            s.append(i + 1).append(',').append(f.threads()).append(',').append(f.descriptors()).append(',')
                    .append(f.vmSizeKib()).append(',').append(f.rssKib()).append('\n');
        }
        Files.writeString(csv, s);
    }
}
