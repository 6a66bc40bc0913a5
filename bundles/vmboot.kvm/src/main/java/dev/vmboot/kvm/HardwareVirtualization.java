package dev.vmboot.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether this host's {@code /dev/kvm} can run an unmodified guest. KVM's x86 back-ends for unmodified guests,
 * {@code kvm_intel} and {@code kvm_amd}, need VT-x or AMD-V, which Linux shows as the {@code vmx} or {@code svm} flag
 * in /proc/cpuinfo (arch/x86/include/asm/cpufeatures.h: X86_FEATURE_VMX, X86_FEATURE_SVM). A {@code /dev/kvm} on a
 * CPU without either comes from a paravirtualised KVM such as PVM ({@code kvm_pvm}), which runs only guests built for
 * it: there, Debian's OVMF reaches long mode and dies with "KVM internal error, emulation failure" (issue 11, item 6).
 */
final class HardwareVirtualization {
    /** A /proc/cpuinfo flags line naming VT-x or AMD-V as a word. */
    private static final Pattern VMX_OR_SVM = Pattern.compile("^flags\\s*:.*\\b(vmx|svm)\\b", Pattern.MULTILINE);
    private static final Pattern FLAGS_LINE = Pattern.compile("^flags\\s*:", Pattern.MULTILINE);
    /** The PVM module (github.com/virt-pvm/linux, arch/x86/kvm/pvm). */
    static final String PVM_MODULE = "kvm_pvm";

    private HardwareVirtualization() {
    }

    /**
     * Why KVM cannot run an unmodified guest on a host with this /proc/cpuinfo and these loaded modules, or empty when
     * it can or when {@code cpuinfo} has no flags to tell (not x86, or unreadable).
     */
    static Optional<String> missingReason(String cpuinfo, Set<String> modules) {
        if (!FLAGS_LINE.matcher(cpuinfo).find() || VMX_OR_SVM.matcher(cpuinfo).find()) {
            return Optional.empty();
        }
        if (modules.contains(PVM_MODULE)) {
            return Optional.of("/dev/kvm here is PVM's (module kvm_pvm), a paravirtualised KVM that runs only guests "
                    + "built for it, and this CPU has no VT-x/AMD-V (neither vmx nor svm in /proc/cpuinfo), so vmboot "
                    + "cannot run firmware or kernels on it: use a host with hardware virtualisation or the nested lab "
                    + "(platforms/qemu/lab)");
        }
        return Optional.of("this CPU has no VT-x/AMD-V (neither vmx nor svm in /proc/cpuinfo), so the /dev/kvm here "
                + "cannot run unmodified firmware or kernels: use a host with hardware virtualisation or the nested "
                + "lab (platforms/qemu/lab)");
    }

    /** The module names of a /proc/modules text (the first word of each line). */
    static Set<String> modules(String procModules) {
        Set<String> names = new HashSet<>();
        for (String line : procModules.split("\n")) {
            int end = line.indexOf(' ');
            String name = end < 0 ? line.strip() : line.substring(0, end);
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * {@link #missingReason} for this host: /proc/cpuinfo, and the modules of /proc/modules plus a built-in
     * {@value #PVM_MODULE} (a kernel without loadable modules has no /proc/modules, but lists it under /sys/module).
     */
    static Optional<String> ofThisHost() {
        Set<String> modules = new HashSet<>(modules(read(Path.of("/proc/modules"))));
        if (Files.isDirectory(Path.of("/sys/module", PVM_MODULE))) {
            modules.add(PVM_MODULE);
        }
        return missingReason(read(Path.of("/proc/cpuinfo")), modules);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
