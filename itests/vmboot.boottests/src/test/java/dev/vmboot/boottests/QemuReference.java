package dev.vmboot.boottests;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The reference the virtio-blk tests are checked against: with {@code -Dvmboot.reference=qemu} they run the same
 * {@code boot} arguments through QEMU-KVM instead of bin/vmboot, so that their assertions are known to hold for a VMM
 * that does it right (QEMU's virtio-blk-pci, modern only like vmboot's) and only vmboot can be at fault when they fail
 * under it. The machine is QEMU's {@code pc} (i440FX), the chipset of vmboot's OVMF personality; a guest power-off
 * ends QEMU with status 0, as it ends bin/vmboot boot.
 * <p>
 * Translated: {@code -p firmware|linux|pvh}, {@code -m}, {@code -c}, {@code -a}, {@code -i}, {@code -k},
 * {@code --disk PATH[,ro]} (repeatable, in order) and the image; any other option is refused, so a test cannot
 * silently lose one.
 */
final class QemuReference {

    static final String PROPERTY = "vmboot.reference";

    private QemuReference() {
    }

    /** True when the tests are to boot through QEMU-KVM ({@code -Dvmboot.reference=qemu}). */
    static boolean selected() {
        String value = System.getProperty(PROPERTY, "");
        if (value.isEmpty()) {
            return false;
        }
        if (!value.equals("qemu")) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be 'qemu', not '" + value + "'");
        }
        return true;
    }

    /** bin/vmboot boot ARGS, or QEMU-KVM with the same machine when {@link #selected()}. */
    static VmbootProcess boot(BootTestEnvironment env, String name, List<String> args) throws IOException {
        if (!selected()) {
            return VmbootProcess.boot(env, name, args);
        }
        return VmbootProcess.run(command(args), env.transcriptDir(), "qemu-" + name);
    }

    /** The QEMU command line for vmboot's {@code boot} arguments (without the word "boot"). */
    static List<String> command(List<String> bootArgs) {
        String protocol = "";
        String memory = "1G";
        String cpus = "1";
        String append = null;
        String initrd = null;
        String kernel = null;
        String image = null;
        List<String> disks = new ArrayList<>();
        for (Iterator<String> it = bootArgs.iterator(); it.hasNext();) {
            String arg = it.next();
            switch (arg) {
                case "-p", "--protocol" -> protocol = value(arg, it);
                case "-m", "--memory" -> memory = value(arg, it);
                case "-c", "--cpus" -> cpus = value(arg, it);
                case "-a", "--append" -> append = value(arg, it);
                case "-i", "--initrd" -> initrd = value(arg, it);
                case "-k", "--kernel" -> kernel = value(arg, it);
                case "--disk" -> disks.add(value(arg, it));
                default -> {
                    if (arg.startsWith("-") || image != null) {
                        throw new IllegalArgumentException("no QEMU translation for boot argument '" + arg + "'");
                    }
                    image = arg;
                }
            }
        }
        if (image == null) {
            throw new IllegalArgumentException("no image among " + bootArgs);
        }
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "kvm", "-machine", "pc",
                "-cpu", "host", "-m", memory, "-smp", cpus, "-nodefaults", "-no-user-config", "-display", "none",
                "-serial", "stdio", "-no-reboot"));
        switch (protocol) {
            case "firmware" -> {
                cmd.addAll(List.of("-bios", image));
                if (kernel != null) {
                    cmd.addAll(List.of("-kernel", kernel));
                }
            }
            case "linux", "pvh" -> {
                if (kernel != null) {
                    throw new IllegalArgumentException("-k is for firmware, not " + protocol);
                }
                cmd.addAll(List.of("-kernel", image));
            }
            default -> throw new IllegalArgumentException("name the protocol (-p firmware|linux|pvh) for QEMU");
        }
        if (initrd != null) {
            cmd.addAll(List.of("-initrd", initrd));
        }
        if (append != null) {
            cmd.addAll(List.of("-append", append));
        }
        for (int i = 0; i < disks.size(); i++) {
            String disk = disks.get(i);
            boolean ro = disk.endsWith(",ro");
            String path = ro ? disk.substring(0, disk.length() - 3) : disk;
            cmd.addAll(List.of("-drive", "file=" + path.replace(",", ",,") + ",if=none,id=disk" + i + ",format=raw"
                    + (ro ? ",readonly=on" : ""), "-device", "virtio-blk-pci,drive=disk" + i + ",disable-legacy=on"));
        }
        return cmd;
    }

    private static String value(String option, Iterator<String> it) {
        if (!it.hasNext()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return it.next();
    }
}
