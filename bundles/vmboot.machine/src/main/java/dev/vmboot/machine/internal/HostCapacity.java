package dev.vmboot.machine.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vmboot.api.vm.MachineSpec;

/**
 * What this host can give a machine, checked before the machine is created: guest RAM within the memory the kernel
 * says is available less a headroom left to the host, and vCPUs within what KVM gives one VM. Without the check,
 * {@code boot -m 8T} spent 36 s inside KVM_SET_USER_MEMORY_REGION and took MemAvailable from 20.0 to 5.9 GiB (issue
 * 11, item 5).
 */
final class HostCapacity {
    /** proc(5), /proc/meminfo: "MemAvailable: ... kB", an estimate of the memory available without swapping. */
    private static final Pattern MEM_AVAILABLE = Pattern.compile("^MemAvailable:\\s+(\\d{1,15})\\s+kB$",
            Pattern.MULTILINE);

    private HostCapacity() {
    }

    /** MemAvailable of a /proc/meminfo text, in bytes; empty when it has none. */
    static OptionalLong memAvailable(String meminfo) {
        Matcher m = MEM_AVAILABLE.matcher(meminfo);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
    }

    /**
     * Why this host cannot give {@code spec}'s guest memory, in one sentence; empty when it can, or cannot tell.
     *
     * @param memAvailable bytes the host can give without swapping, empty when the kernel does not say (before 3.14)
     * @param headroom     bytes that stay for the host and the VMM itself
     */
    static Optional<String> memoryRefusal(MachineSpec spec, OptionalLong memAvailable, long headroom) {
        if (memAvailable.isEmpty()) {
            return Optional.empty();
        }
        long available = memAvailable.getAsLong();
        long most = Math.max(0, available - headroom);
        if (spec.memoryBytes() <= most) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s of guest memory is more than this host can give: %s is available "
                + "(MemAvailable) and %s stays for the host (memoryHeadroom of %s), so -m can be at most %s",
                bytes(spec.memoryBytes()), bytes(available), bytes(headroom), HypervisorConfiguration.PID,
                bytes(most)));
    }

    /** Why KVM cannot give {@code spec} its vCPUs, in one sentence; empty when it can. */
    static Optional<String> vcpuRefusal(MachineSpec spec, int maxVcpus) {
        if (spec.vcpus() <= maxVcpus) {
            return Optional.empty();
        }
        return Optional.of(spec.vcpus() + " vCPUs are more than KVM gives one VM on this host (" + maxVcpus
                + ", KVM_CAP_MAX_VCPUS): -c can be at most " + maxVcpus);
    }

    /** "8 TiB", "20.9 GiB", "256 MiB": what an operator types with -m, to one decimal. */
    static String bytes(long n) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        if (n < 1024) {
            return n + " bytes";
        }
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }
}
