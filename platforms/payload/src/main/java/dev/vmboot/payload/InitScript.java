package dev.vmboot.payload;

/**
 * The payload's {@code /init} (busybox sh): mounts proc, sys, devtmpfs, devpts and a tmpfs on /tmp, sets transparent
 * huge pages to {@code madvise} (guest RAM only), loads the platform's kernel modules in dependency order, and runs
 * {@code vmboot --autoboot} on the console as a session leader with a controlling terminal (busybox cttyhack), so that
 * the menu and the shell get keys and Ctrl-C. When vmboot ends, a rescue shell follows if the platform asks for one,
 * else the machine powers off.
 */
final class InitScript {
    /** Where the payload's parts live inside the initramfs. */
    static final String JRE_DIR = "opt/jre";
    static final String VMBOOT_DIR = "opt/vmboot";
    static final String MODULE_DIR = "lib/modules";
    static final String MODULE_ORDER = MODULE_DIR + "/load-order";

    private InitScript() {
    }

    static String text(String platform, boolean rescueShell) {
        String after = rescueShell
                ? "echo 'init: rescue shell (busybox); vmboot is /" + VMBOOT_DIR + "/bin/vmboot'\n"
                  + "exec setsid cttyhack /bin/sh -l\n"
                : "echo 'init: powering off'\nsync\nexec poweroff -f\n";
        return "#!/bin/sh\n"
                + "# /init of the vmboot LinuxBoot payload for " + platform + " (made by platforms/payload).\n"
                + "/bin/busybox mkdir -p /proc /sys /dev /tmp /run /root /sbin /usr/bin /usr/sbin\n"
                + "/bin/busybox --install -s\n"
                + "export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=${TERM:-linux}\n"
                // The kernel gives init TERM=linux; JLine knows xterm's capabilities itself but asks infocmp (not in
                // the payload) for any other, printing a stack trace when it is missing.
                + "[ \"$TERM\" = linux ] && TERM=xterm\n"
                + "mount -t proc proc /proc\n"
                + "mount -t sysfs sysfs /sys\n"
                + "mount -t devtmpfs devtmpfs /dev\n"
                + "mkdir -p /dev/pts && mount -t devpts devpts /dev/pts\n"
                + "mount -t tmpfs -o mode=1777 tmpfs /tmp\n"
                // Transparent huge pages only where asked for: vmboot asks for them on guest RAM (MADV_HUGEPAGE);
                // under "always" (Debian's kernels) the JVM's own heap, code cache and malloc arenas would be faulted
                // in 2 MiB pages as well, memory a boot manager pays for nothing (bench/disk.sh (c)). The X11SCH-F
                // kernel defaults to madvise already; a kernel without THP has no such file.
                + "thp=/sys/kernel/mm/transparent_hugepage/enabled\n"
                + "[ -w $thp ] && echo madvise >$thp\n"
                + "while read -r m; do\n"
                + "    insmod /" + MODULE_DIR + "/$m.ko || echo \"init: kernel module $m did not load\"\n"
                + "done </" + MODULE_ORDER + "\n"
                + "export JAVA_HOME=/" + JRE_DIR + "\n"
                // No class data sharing archives: the payload carries none made for its paths, and bin/vmboot would
                // otherwise make them in lib/ (tmpfs, gone at power-off) before every boot's one start: three training
                // JVM runs, more than the archives save that one start.
                + "export VMBOOT_CDS=off\n"
                + "echo 'init: starting vmboot'\n"
                + "setsid cttyhack /" + VMBOOT_DIR + "/bin/vmboot --autoboot\n"
                + "echo \"init: vmboot ended with status $?\"\n"
                + after;
    }
}
