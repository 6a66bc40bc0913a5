package dev.vmboot.shell.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vmboot.api.scan.Location;
import dev.vmboot.api.vm.DeviceSpec;

/**
 * The arguments of {@code vmboot:boot}, parsed here rather than by gogo, whose options cannot repeat ({@code --disk}
 * does) and whose coercion errors name no option. Every bad argument is an {@link IllegalArgumentException} that
 * names the option and what it accepts.
 *
 * @param protocol   a boot protocol to use instead of the best match, or empty
 * @param memory     guest RAM in bytes
 * @param cpus       vCPUs
 * @param cmdline    kernel command line
 * @param initrd     initial ramdisk location, or empty
 * @param kernel     kernel for UEFI firmware to boot over fw_cfg, or empty
 * @param detach     return at once and leave the VM running
 * @param onReset    what a guest reset does
 * @param disks      disks given with {@code --disk}, in order
 * @param nics       network interfaces given with {@code --net}, in order
 * @param console    where the guest's console is ({@code --console})
 * @param entropy    the virtio entropy device ({@code --rng}, {@code --no-rng})
 * @param image      what to boot: a location or a host file
 */
record BootArguments(Optional<String> protocol, long memory, int cpus, String cmdline, Optional<String> initrd,
        Optional<String> kernel, boolean detach, BootSession.ResetPolicy onReset, List<Disk> disks, List<Nic> nics,
        ConsoleChoice console, EntropyChoice entropy, String image) {

    static final String USAGE = String.join("\n",
            "usage: boot [OPTIONS] IMAGE",
            "  IMAGE                       a location (disk.img:1:/EFI/CLOUDHV.fd) or a host file",
            "  -p, --protocol NAME         boot protocol to use instead of the best match",
            "  -m, --memory SIZE           guest memory, e.g. 512M, 2G (default 1G)",
            "  -c, --cpus N                vCPUs, 1-255 (default 1)",
            "  -a, --append CMDLINE        kernel command line",
            "  -i, --initrd LOCATION       initial ramdisk (location or host file)",
            "  -k, --kernel LOCATION       a bzImage for UEFI firmware to boot, over fw_cfg",
            "      --disk PATH[,ro]        pass an image file or block device as a virtio disk, writable unless ,ro;",
            "                              repeatable. The disk an IMAGE location names is passed read-only unless",
            "                              it is given here too",
            "      --net TAP[,mac=MAC]     a virtio network interface on host TAP interface TAP (created, until the VM",
            "                              ends, if it does not exist and vmboot runs as root); MAC defaults to a",
            "                              locally administered one derived from the VM and TAP names; repeatable",
            "      --console serial|virtio[,COLSxROWS]",
            "                              the guest's console on this terminal: the serial port (default), or a",
            "                              virtio console (hvc0: console=hvc0) that takes the keys while the serial",
            "                              port keeps writing here; COLSxROWS tells the guest the terminal's size",
            "      --rng RATE              the virtio entropy device's bound, bytes a second (default 1M)",
            "      --no-rng                no virtio entropy device (one is there by default)",
            "  -d, --detach                return at once and leave the VM running",
            "  -r, --on-reset stop|reboot  what a guest reset does (default stop); reboot boots a fresh VM, after",
            "                              5 quick reboots at most one every 2 seconds",
            "  -h, --help                  this text");

    static final long DEFAULT_MEMORY = 1L << 30;

    /** A disk to pass through: a host path, read-only or writable. */
    record Disk(String path, boolean readOnly) {
        /** The virtio-blk device of this disk ({@code vmboot.virtio.blk}'s options). */
        DeviceSpec device() {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("path", Path.of(path).toAbsolutePath().normalize().toString());
            options.put("readonly", Boolean.toString(readOnly));
            return new DeviceSpec("blk", options);
        }

        /**
         * Parses {@code PATH[,ro|,rw]}: writable unless {@code ,ro}. A path that itself ends in {@code ,ro} is given
         * as {@code PATH,rw}.
         */
        static Disk parse(String text) {
            String path = text;
            boolean readOnly = false;
            int comma = text.lastIndexOf(',');
            if (comma >= 0) {
                String mode = text.substring(comma + 1);
                if (mode.equals("ro") || mode.equals("rw")) {
                    path = text.substring(0, comma);
                    readOnly = mode.equals("ro");
                } // any other comma belongs to the path
            }
            if (path.isEmpty()) {
                throw new IllegalArgumentException("--disk needs a path: PATH[,ro]");
            }
            return new Disk(path, readOnly);
        }
    }

    /** A network interface: a host TAP interface, and the guest's MAC address if given. */
    record Nic(String tap, Optional<String> mac) {
        /** The virtio-net device of this interface ({@code vmboot.virtio.net}'s options); vm seeds the MAC. */
        DeviceSpec device(String vmName) {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("tap", tap);
            mac.ifPresentOrElse(m -> options.put("mac", m), () -> options.put("vm", vmName));
            return new DeviceSpec("net", options);
        }

        /**
         * Parses {@code TAP[,mac=MAC]}: an interface name (1-15 characters of {@code A-Za-z0-9_.-}, linux/if.h
         * IFNAMSIZ) and a unicast MAC address of six hex pairs. The device plug-in checks both again.
         */
        static Nic parse(String text) {
            int comma = text.indexOf(',');
            String tap = comma < 0 ? text : text.substring(0, comma);
            if (!tap.matches("[A-Za-z0-9_.-]{1,15}") || tap.equals(".") || tap.equals("..")) {
                throw new IllegalArgumentException("--net " + CommandArguments.shown(text) + ": TAP must be an "
                        + "interface name of 1-15 characters from A-Z a-z 0-9 _ . - (TAP[,mac=MAC])");
            }
            if (comma < 0) {
                return new Nic(tap, Optional.empty());
            }
            String rest = text.substring(comma + 1);
            if (!rest.startsWith("mac=")) {
                throw new IllegalArgumentException("--net " + CommandArguments.shown(text)
                        + ": after the TAP name only ,mac=MAC is accepted (e.g. tap0,mac=52:54:00:12:34:56)");
            }
            String mac = rest.substring(4);
            if (!mac.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}") || mac.equals("00:00:00:00:00:00")
                    || (Character.digit(mac.charAt(1), 16) & 1) != 0) {
                throw new IllegalArgumentException("--net " + CommandArguments.shown(text) + ": MAC must be a "
                        + "unicast address like 52:54:00:12:34:56 (six hex pairs, the first one even, not all zero)");
            }
            return new Nic(tap, Optional.of(mac));
        }
    }

    static BootArguments parse(List<String> args) {
        Optional<String> protocol = Optional.empty();
        long memory = DEFAULT_MEMORY;
        int cpus = 1;
        String cmdline = "";
        Optional<String> initrd = Optional.empty();
        Optional<String> kernel = Optional.empty();
        boolean detach = false;
        BootSession.ResetPolicy onReset = BootSession.ResetPolicy.STOP;
        List<Disk> disks = new ArrayList<>();
        List<Nic> nics = new ArrayList<>();
        ConsoleChoice console = ConsoleChoice.SERIAL;
        EntropyChoice entropy = EntropyChoice.DEFAULT;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!positional.isEmpty() || !a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            switch (a) {
            case "--":
                positional.addAll(args.subList(i + 1, args.size()));
                i = args.size();
                break;
            case "-h":
            case "--help":
                throw new CommandArguments.HelpRequested(USAGE);
            case "-p":
            case "--protocol":
                protocol = Optional.of(value(args, i++, a));
                break;
            case "-m":
            case "--memory":
                memory = memory(value(args, i++, a), a);
                break;
            case "-c":
            case "--cpus":
                cpus = cpus(value(args, i++, a), a);
                break;
            case "-a":
            case "--append":
                cmdline = value(args, i++, a);
                break;
            case "-i":
            case "--initrd":
                initrd = Optional.of(value(args, i++, a));
                break;
            case "-k":
            case "--kernel":
                kernel = Optional.of(value(args, i++, a));
                break;
            case "--disk":
                disks.add(Disk.parse(value(args, i++, a)));
                break;
            case "--net":
                nics.add(Nic.parse(value(args, i++, a)));
                break;
            case "--console":
                console = ConsoleChoice.parse(value(args, i++, a));
                break;
            case "--rng":
                entropy = EntropyChoice.rate(value(args, i++, a));
                break;
            case "--no-rng":
                entropy = EntropyChoice.NONE;
                break;
            case "-d":
            case "--detach":
                detach = true;
                break;
            case "-r":
            case "--on-reset":
                onReset = BootSession.ResetPolicy.parse(value(args, i++, a));
                break;
            default:
                throw new IllegalArgumentException("boot: unknown option " + CommandArguments.shown(a)
                        + " (boot --help lists them)");
            }
        }
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "boot: what to boot? name an IMAGE (boot --help)"
                    : "boot: one IMAGE only, not " + CommandArguments.shown(positional));
        }
        return new BootArguments(protocol, memory, cpus, cmdline, initrd, kernel, detach, onReset,
                List.copyOf(disks), List.copyOf(nics), console, entropy, positional.get(0));
    }

    private static String value(List<String> args, int at, String option) {
        if (at + 1 >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value (boot --help)");
        }
        return args.get(at + 1);
    }

    private static long memory(String text, String option) {
        try {
            return ByteSize.parse(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": " + CommandArguments.shown(text) + " is too large a size");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static int cpus(String text, String option) {
        if (!text.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException(option + ": " + CommandArguments.shown(text)
                    + " is not a number of vCPUs (1-255)");
        }
        int n = Integer.parseInt(text);
        if (n < 1 || n > 255) {
            throw new IllegalArgumentException(option + ": " + n + " vCPUs; 1-255 are possible");
        }
        return n;
    }

    /**
     * The virtio devices of this boot: the {@code --disk}s in order, and first the disk that IMAGE was found on (a
     * location with a path inside a disk), read-only, unless that disk is among the {@code --disk}s; then the
     * {@code --net}s in order, their default MAC addresses derived from {@code vmName}; then the virtio console and
     * the entropy device, if chosen.
     */
    List<DeviceSpec> devices(String vmName) {
        List<Disk> all = new ArrayList<>();
        sourceDisk().filter(source -> disks.stream().noneMatch(d -> sameFile(d.path(), source)))
                .ifPresent(source -> all.add(new Disk(source, true)));
        all.addAll(disks);
        List<DeviceSpec> devices = new ArrayList<>(all.stream().map(Disk::device).toList());
        nics.forEach(n -> devices.add(n.device(vmName)));
        console.device().ifPresent(devices::add);
        entropy.device().ifPresent(devices::add);
        return List.copyOf(devices);
    }

    /** The disk IMAGE lies on, if it is a location inside a disk rather than a host file. */
    Optional<String> sourceDisk() {
        Location location;
        try {
            location = Location.parse(image);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return location.path().isPresent() ? Optional.of(location.disk()) : Optional.empty();
    }

    private static boolean sameFile(String a, String b) {
        Path pa = Path.of(a).toAbsolutePath().normalize();
        Path pb = Path.of(b).toAbsolutePath().normalize();
        try {
            return pa.equals(pb) || java.nio.file.Files.isSameFile(pa, pb);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
