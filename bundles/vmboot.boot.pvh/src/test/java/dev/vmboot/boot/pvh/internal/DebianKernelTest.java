package dev.vmboot.boot.pvh.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.testkit.DebianKernelImages;
import dev.vmboot.testkit.RecordingMachine;

/**
 * The Debian kernel's vmlinux (ELF with a PVH note), as platforms/qemu/guest/prepare.sh extracts it under
 * /var/cache/vmboot-lab/guest/ (scripts/test runs it first); fails, saying what to run, where it has not been prepared.
 */
class DebianKernelTest {

    private static ByteBuffer map(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }

    /** The PVH entry as binutils' readelf prints it, if readelf is installed. */
    private static Optional<Long> readelfEntry(Path p) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/readelf"))) {
            return Optional.empty();
        }
        Process proc = new ProcessBuilder("readelf", "-n", p.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        proc.waitFor(60, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("Xen\\s+0x0000000[48]\\s+Unknown note type: \\(0x00000012\\)\\s*\\n\\s*"
                + "description data: ([0-9a-f ]+)").matcher(out);
        if (!m.find()) {
            return Optional.empty();
        }
        String[] bytes = m.group(1).trim().split(" ");
        long v = 0;
        for (int i = bytes.length - 1; i >= 0; i--) {
            v = v << 8 | Integer.parseInt(bytes[i], 16);
        }
        return Optional.of(v);
    }

    @Test
    void debianVmlinuxLoadsWithItsPvhEntry() throws IOException, InterruptedException, BootException {
        Path path = DebianKernelImages.onThisMachine().vmlinux();
        ByteBuffer contents = map(path);
        BootImage image = new BootImage("vmlinux", contents);
        PvhBootProtocol pvh = new PvhBootProtocol();
        assertEquals(PvhBootProtocol.PVH_SCORE, pvh.probe(image));

        PvhImage parsed = PvhImage.parse(image.contents());
        Optional<Long> expected = readelfEntry(path);
        expected.ifPresent(e -> assertEquals(e, parsed.entry(), "entry as readelf shows it"));

        RecordingMachine vm = PvhBootProtocolTest.machine(1L << 30, 2);
        pvh.load(image, new BootOptions("console=ttyS0", Optional.empty()), vm);
        assertEquals(parsed.entry(), vm.cpuState().rip());
        ByteBuffer le = contents.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (ProgramHeader s : parsed.segments()) {
            int n = (int) Math.min(4096, s.filesz());
            byte[] want = new byte[n];
            le.get((int) s.offset(), want);
            assertArrayEquals(want, vm.memory().read(s.paddr(), n), "segment " + s.index());
            if (s.memsz() > s.filesz()) {
                assertEquals(0, vm.memory().readByte(s.paddr() + s.memsz() - 1));
            }
        }
        assertEquals(0x336E_C578, vm.memory().readInt(0x6000));
    }
}
