package dev.vmboot.boottests;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line the test initramfs's /init prints (platforms/qemu/guest/make-initramfs.sh):
 * {@code VMBOOT-GUEST-OK nproc=<CPUs> mem_kib=<MemTotal> kernel=<uname -r> cmdline=<kernel command line>}.
 */
record GuestMarker(int nproc, long memKib, String kernelRelease, String cmdline) {

    static final String PREFIX = "VMBOOT-GUEST-OK";

    /**
     * A complete line; terminal escape sequences may precede the marker (UEFI firmware clears the screen without a
     * newline before the kernel prints).
     */
    private static final Pattern LINE = Pattern.compile(
            "^(?:\\e\\[[0-9;?=]*[A-Za-z])*" + PREFIX + " nproc=(\\d+) mem_kib=(\\d+) kernel=(\\S+) cmdline=([^\\r\\n]*)\\r?$", Pattern.MULTILINE);

    /** The marker in a console transcript, if a complete line of it is there. */
    static Optional<GuestMarker> find(String transcript) {
        Matcher m = LINE.matcher(transcript);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new GuestMarker(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), m.group(3),
                m.group(4)));
    }
}
