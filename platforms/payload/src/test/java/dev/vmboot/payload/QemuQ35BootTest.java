package dev.vmboot.payload;

import java.nio.file.StandardCopyOption;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qemu-q35 payload (built by {@code mvn -Dpayload}) boots in QEMU's q35 machine under TCG
 * (platforms/qemu-q35/run.sh) with scripts/run's demo disk as a virtio disk: Debian's kernel unpacks the initramfs,
 * /init loads the modules (kvm_amd gives /dev/kvm on the emulated AMD CPU) and starts vmboot from the initramfs's own
 * JRE; vmboot's autoboot menu lists the disk's two boot candidates on the serial console, counts down and boots the
 * default, OVMF from the disk, in a KVM VM; OVMF boots GRUB, GRUB Linux from the disk, whose init prints its marker
 * and powers off, and the menu comes back. Tagged "qemu": a minute or more of emulation, needing QEMU but no
 * /dev/kvm; scripts/test runs it.
 */
@Tag("qemu")
class QemuQ35BootTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"), "../..").normalize();
    private static final String MENU = "vmboot autoboot: 2 boot candidates on 1 disk";
    private static final String AGAIN = "The guest powered off; the menu again.";
    /** To the menu 33 s, to the menu again 86 s on this machine (kernel 15 s, then vmboot, OVMF, GRUB, Linux). */
    private static final int TIMEOUT_SECONDS = 900;

    @TempDir
    Path tmp;

    @Test
    void theAutobootMenuAppearsAndBootsOvmfGrubAndLinuxFromTheDisk() throws Exception {
        Path payload = ROOT.resolve("platforms/payload/target/payload-qemu-q35");
        assertTrue(Files.isRegularFile(payload.resolve("initramfs.cpio.xz")),
                "no payload: build it first (mvn -Dpayload -pl platforms/payload install)");
        String guest = run(List.of(ROOT.resolve("platforms/qemu/guest/prepare.sh").toString()), 600).strip();
        guest = guest.substring(guest.lastIndexOf('\n') + 1);
        Path disk = tmp.resolve("demo.img");
        run(List.of(ROOT.resolve("platforms/qemu/guest/make-demo-disk.sh").toString(), guest, disk.toString()), 600);

        Path log = tmp.resolve("console.log");
        Process qemu = new ProcessBuilder(ROOT.resolve("platforms/qemu-q35/run.sh").toString(), "--payload",
                payload.toString(), "--disk", disk.toString(), "--timeout", Integer.toString(TIMEOUT_SECONDS),
                "--expect", AGAIN, "--log", log.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("run.err").toFile())
                .start();
        assertTrue(qemu.waitFor(TIMEOUT_SECONDS + 60, TimeUnit.SECONDS), "run.sh did not end");
        String console = Files.readString(log, StandardCharsets.ISO_8859_1);
        Files.copy(log, ROOT.resolve("platforms/payload/target/qemu-q35-console.log"),
                StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, qemu.exitValue(), Files.readString(tmp.resolve("run.err")) + tail(console));
        assertTrue(console.contains("Run /init as init process"), tail(console));
        assertTrue(console.contains("init: starting vmboot"), tail(console));
        assertTrue(console.contains("SVM: kvm: Nested Paging enabled"), "kvm_amd did not load" + tail(console));
        int menu = console.indexOf(MENU);
        assertTrue(menu > 0, tail(console));
        assertTrue(console.indexOf("/firmware/OVMF.fd", menu) > 0, tail(console));
        int booting = console.indexOf("Booting 1: UEFI flash /dev/vda:1:/firmware/OVMF.fd", menu);
        assertTrue(booting > 0, tail(console));
        int grub = console.indexOf("Booting `Debian GNU/Linux (vmboot demo)'", booting);
        assertTrue(grub > 0, "OVMF did not boot GRUB" + tail(console));
        int marker = console.indexOf("VMBOOT-GUEST-OK", grub);
        assertTrue(marker > 0, "Linux did not reach its init" + tail(console));
        assertTrue(console.indexOf(AGAIN, marker) > 0, tail(console));
        assertTrue(!console.contains("infocmp"), "JLine looked for infocmp" + tail(console));
    }

    private static String tail(String console) {
        return "\n--- console, last 3000 characters ---\n" + console.substring(Math.max(0, console.length() - 3000));
    }

    private String run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), cmd + " did not end");
        assertEquals(0, p.exitValue(), cmd + " failed");
        return out;
    }
}
