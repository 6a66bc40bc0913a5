package dev.vmboot.payload;

/**
 * The payload's {@code /init} (busybox sh): mounts proc, sys, devtmpfs, devpts and a tmpfs on /tmp, loads the
 * platform's kernel modules in dependency order, and runs {@code vmboot --autoboot} on the console as a session
 * leader with a controlling terminal (busybox cttyhack), so that the menu and the shell get keys and Ctrl-C. When
 * vmboot ends, a rescue shell follows if the platform asks for one, else the machine powers off.
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
                + "while read -r m; do\n"
                + "    insmod /" + MODULE_DIR + "/$m.ko || echo \"init: kernel module $m did not load\"\n"
                + "done </" + MODULE_ORDER + "\n"
                // The payload holds no class-data archive of vmboot's classes (bin/vmboot would make one at every boot,
                // a whole start more, or fail to without the JRE's own); off uses the JRE's archive where it has one.
                + "export JAVA_HOME=/" + JRE_DIR + " VMBOOT_CDS=off\n"
                + "echo 'init: starting vmboot'\n"
                + "setsid cttyhack /" + VMBOOT_DIR + "/bin/vmboot --autoboot\n"
                + "echo \"init: vmboot ended with status $?\"\n"
                + after;
    }
}
