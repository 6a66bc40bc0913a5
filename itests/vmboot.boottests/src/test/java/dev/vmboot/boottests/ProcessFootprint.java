package dev.vmboot.boottests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a running process holds, read from procfs (proc(5)): its threads, address space and resident set from
 * {@code /proc/PID/status} ("Threads:", "VmSize:" and "VmRSS:" in kB), its open descriptors from the entries of
 * {@code /proc/PID/fd}. The address space shows mappings never touched (a guest's RAM left mapped) that RSS does not.
 */
record ProcessFootprint(int threads, int descriptors, long vmSizeKib, long rssKib) {

    static ProcessFootprint of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        return parse(Files.readString(proc.resolve("status")), countDescriptors(proc.resolve("fd")));
    }

    /** The footprint from the text of a {@code /proc/PID/status} and a count of descriptors. */
    static ProcessFootprint parse(String status, int descriptors) {
        return new ProcessFootprint((int) field(status, "Threads:"), descriptors, field(status, "VmSize:"),
                field(status, "VmRSS:"));
    }

    private static long field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                String value = line.substring(name.length()).trim();
                int space = value.indexOf(' ');
                return Long.parseLong(space < 0 ? value : value.substring(0, space));
            }
        }
        throw new IllegalArgumentException("no " + name + " line in /proc/PID/status");
    }

    private static int countDescriptors(Path fd) throws IOException {
        try (Stream<Path> entries = Files.list(fd)) {
            return (int) entries.count();
        }
    }

    @Override
    public String toString() {
        return threads + " threads, " + descriptors + " descriptors, address space " + vmSizeKib / 1024 + " MiB, RSS "
                + rssKib / 1024 + " MiB";
    }
}
