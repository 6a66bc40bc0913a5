package dev.vmboot.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * A real GPT disk with an XFS partition, scanned through the commands in Felix; and the XFS reader bundle stopped and
 * started again while the framework runs: its filesystem shows as unknown, then comes back. The partition also holds
 * a zstd-compressed kernel, which only the distribution's zstd-jni bundle lets commons-compress read, and an
 * xz-compressed one, which vmboot.storage reads with the xz bundle it imports optionally itself, and an LZ4-framed one,
 * whose content checksum commons-compress verifies with commons-codec, imported optionally. An ISO hybrid made by
 * xorriso is scanned too.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ScanIT extends VmbootContainer {
    private static Path disk;
    private static byte[] firmware;

    /**
     * GPT disk image, partition 1 = XFS holding /EFI/vmboot/CLOUDHV.fd (a minimal PVH ELF), /boot/vmlinuz.zst and
     * /boot/vmlinuz.xz and /boot/vmlinuz.lz4 (the same ELF compressed by zstd(1), xz(1) and lz4(1), the frame format).
     * Made lazily inside the container: Pax Exam runs the test methods in the probe bundle, whose copy of this class has
     * its own statics.
     */
    private static synchronized Path disk() throws Exception {
        if (disk != null) {
            return disk;
        }
        Path dir = Files.createTempDirectory("vmboot-scan-it");
        disk = dir.resolve("disk.img");
        Path part = dir.resolve("part.xfs");
        Path fw = dir.resolve("CLOUDHV.fd");
        firmware = pvhElf();
        Files.write(fw, firmware);
        Path kernel = dir.resolve("vmlinuz.zst");
        exec("zstd", "-q", "-19", fw.toString(), "-o", kernel.toString());
        exec("xz", "-k", "-9", fw.toString());
        Path xzKernel = dir.resolve("vmlinuz.xz");
        Files.move(dir.resolve("CLOUDHV.fd.xz"), xzKernel);
        Path lz4Kernel = dir.resolve("vmlinuz.lz4");
        exec("lz4", "-q", "-9", "--content-size", fw.toString(), lz4Kernel.toString());
        // mkfs.xfs protofile: root, /EFI, /EFI/vmboot, the firmware file, /boot, the kernel (mkfs.xfs(8), "-p").
        Path proto = dir.resolve("proto");
        Files.writeString(proto, "/dummy\n0 0\nd--755 0 0\nEFI d--755 0 0\nvmboot d--755 0 0\nCLOUDHV.fd ---644 0 0 "
                + fw + "\n$\n$\nboot d--755 0 0\nvmlinuz.zst ---644 0 0 " + kernel + "\nvmlinuz.xz ---644 0 0 "
                + xzKernel + "\nvmlinuz.lz4 ---644 0 0 " + lz4Kernel + "\n$\n$\n");
        exec("truncate", "-s", "300M", part.toString());
        exec("mkfs.xfs", "-q", "-L", "VMBOOTXFS", "-p", proto.toString(), part.toString());
        exec("truncate", "-s", "302M", disk.toString());
        exec("sgdisk", "-n", "1:2048:+300M", "-t", "1:8300", "-c", "1:data", disk.toString());
        exec("dd", "if=" + part, "of=" + disk, "bs=1M", "seek=1", "conv=notrunc,sparse", "status=none");
        Files.delete(part);
        return disk;
    }

    @Test
    public void scanFindsPartitionFilesystemAndFirmware() throws Exception {
        String out = run("vmboot:scan '" + disk() + "'");
        assertTrue(out, out.contains("GPT"));
        assertTrue(out, out.contains("Linux filesystem"));
        assertTrue(out, out.contains("xfs"));
        assertTrue(out, out.contains("VMBOOTXFS"));
        assertTrue(out, out.contains("/EFI/vmboot/CLOUDHV.fd"));
        assertTrue(out, out.contains("PVH_ELF"));
    }

    /** Without zstd-jni installed, commons-compress cannot decompress it and the candidate is left out. */
    @Test
    public void zstdCompressedKernelIsClassified() throws Exception {
        String out = run("vmboot:scan '" + disk() + "'");
        String kernel = out.lines().filter(l -> l.contains("/boot/vmlinuz.zst")).findFirst().orElse("");
        assertTrue(out, kernel.contains(" PVH_ELF ") && kernel.endsWith("(ZSTD)"));
        Bundle zstd = List.of(context.getBundles()).stream()
                .filter(b -> "com.github.luben.zstd-jni".equals(b.getSymbolicName())).findFirst().orElseThrow();
        assertTrue("zstd-jni state " + zstd.getState(), zstd.getState() == Bundle.ACTIVE);
    }

    /** vmboot.storage decodes xz itself, through its optional import of the xz bundle: wired here, it is found. */
    @Test
    public void xzCompressedKernelIsClassified() throws Exception {
        String out = run("vmboot:scan '" + disk() + "'");
        String kernel = out.lines().filter(l -> l.contains("/boot/vmlinuz.xz")).findFirst().orElse("");
        assertTrue(out, kernel.contains(" PVH_ELF ") && kernel.endsWith("(XZ)"));
    }

    /**
     * An LZ4 frame with a content checksum, as lz4(1) writes by default: commons-compress checks it with commons-codec's
     * XXHash32, which it imports optionally; without that bundle the read failed with NoClassDefFoundError.
     */
    @Test
    public void lz4FramedKernelIsClassified() throws Exception {
        String out = run("vmboot:scan '" + disk() + "'");
        String kernel = out.lines().filter(l -> l.contains("/boot/vmlinuz.lz4")).findFirst().orElse("");
        assertTrue(out, kernel.contains(" PVH_ELF ") && kernel.endsWith("(LZ4)"));
    }

    @Test
    public void catReturnsTheExactBytes() throws Exception {
        Path out = Files.createTempFile("vmboot-extract", ".fd");
        run("vmboot:extract '" + disk() + ":1:/EFI/vmboot/CLOUDHV.fd' '" + out + "'");
        assertArrayEquals(firmware, Files.readAllBytes(out));
    }

    @Test
    public void stoppingTheReaderBundleMakesTheFilesystemUnknownUntilItStartsAgain() throws Exception {
        Bundle reader = List.of(context.getBundles()).stream()
                .filter(b -> "vmboot.fs.xfs".equals(b.getSymbolicName())).findFirst().orElseThrow();
        reader.stop();
        try {
            String without = run("vmboot:scan '" + disk() + "'");
            assertTrue(without, !without.contains(" xfs ") && without.contains("unknown"));
        } finally {
            reader.start();
        }
        String again = run("vmboot:scan '" + disk() + "'");
        assertTrue(again, again.contains(" xfs ") && again.contains("CLOUDHV.fd"));
    }

    /**
     * An ISO hybrid as xorriso makes them (Rock Ridge + Joliet, El Torito, an MBR partition at 32 KiB holding a second
     * descriptor set): the ISO9660 reader bundle reads the firmware on it through the partition and the whole disk.
     */
    @Test
    public void isoHybridImageIsScannedAndListed() throws Exception {
        Path dir = Files.createTempDirectory("vmboot-scan-iso");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("EFI/vmboot"));
        Files.write(tree.resolve("EFI/vmboot/CLOUDHV.fd"), pvhElf());
        Files.write(tree.resolve("boot.img"), new byte[2048]);
        Path iso = dir.resolve("live.iso");
        exec("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "VMBOOT ISO", "-b", "boot.img", "-no-emul-boot",
                "-partition_offset", "16", "-o", iso.toString(), tree.toString());
        String out = run("vmboot:scan '" + iso + "'");
        assertTrue(out, out.contains("iso9660") && out.contains("VMBOOT ISO"));
        assertTrue(out, out.lines().filter(l -> l.contains("/EFI/vmboot/CLOUDHV.fd") && l.contains("PVH_ELF"))
                .count() == 2);
        String ls = run("vmboot:ls '" + iso + ":1:/EFI/vmboot'");
        assertTrue(ls, ls.contains("CLOUDHV.fd") && ls.contains(" 4096 "));
        Path copy = dir.resolve("copy.fd");
        run("vmboot:extract '" + iso + ":0:/EFI/vmboot/CLOUDHV.fd' '" + copy + "'");
        assertArrayEquals(pvhElf(), Files.readAllBytes(copy));
    }

    /** The smallest ELF64 a PVH loader accepts: header, one PT_LOAD, one PT_NOTE with XEN_ELFNOTE_PHYS32_ENTRY. */
    static byte[] pvhElf() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header (System V ABI, ELF-64 Object File Format)
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 62).putInt(1); // ET_EXEC, EM_X86_64, EV_CURRENT
        b.putLong(0x100000).putLong(64).putLong(0); // e_entry, e_phoff, e_shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 2); // flags, ehsize, phentsize, phnum
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        // PT_LOAD: the whole file at 1 MiB
        b.putInt(1).putInt(5).putLong(0).putLong(0x100000).putLong(0x100000).putLong(4096).putLong(4096)
                .putLong(0x1000);
        // PT_NOTE at file offset 0x100
        b.putInt(4).putInt(4).putLong(0x100).putLong(0).putLong(0).putLong(20).putLong(20).putLong(4);
        b.position(0x100);
        b.putInt(4).putInt(4).putInt(18); // namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY (xen/include/public/elfnote.h)
        b.put("Xen\0".getBytes(StandardCharsets.US_ASCII)).putInt(0x100000);
        return b.array();
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
