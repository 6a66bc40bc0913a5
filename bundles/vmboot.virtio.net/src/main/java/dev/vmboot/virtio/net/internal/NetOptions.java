package dev.vmboot.virtio.net.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The options of a virtio-net device, checked once: {@code tap=NAME[,mac=MAC][,vm=NAME]}.
 *
 * @param tap the TAP interface: 1-15 characters of {@code [A-Za-z0-9_.-]} (IFNAMSIZ, linux/if.h), not {@code .} or
 *            {@code ..}
 * @param mac the guest's address: {@code mac=} if given, else one derived from {@code vm} and the tap name
 */
record NetOptions(String tap, MacAddress mac) {
    static final String TAP = "tap";
    static final String MAC = "mac";
    static final String VM = "vm";
    private static final Set<String> KEYS = Set.of(TAP, MAC, VM);
    private static final String ACCEPTED = "accepted: tap=NAME (required), mac=52:54:00:12:34:56 (default: derived "
            + "from vm= and the tap name), vm=NAME";

    NetOptions {
        Objects.requireNonNull(tap, TAP);
        Objects.requireNonNull(mac, MAC);
    }

    /**
     * @throws IllegalArgumentException for a missing tap, an unknown option or a malformed value, naming the option
     *                                  and what it accepts
     */
    static NetOptions parse(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("net: unknown option '" + key + "'; " + ACCEPTED);
            }
        }
        String tap = options.get(TAP);
        if (tap == null || tap.isEmpty()) {
            throw new IllegalArgumentException("net: option 'tap' is required (a TAP interface name); " + ACCEPTED);
        }
        checkTapName(tap);
        MacAddress mac;
        try {
            mac = options.containsKey(MAC) ? MacAddress.parse(options.get(MAC))
                    : MacAddress.derivedFrom(options.getOrDefault(VM, "") + "/" + tap);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("net: option 'mac': " + e.getMessage());
        }
        return new NetOptions(tap, mac);
    }

    private static void checkTapName(String tap) {
        if (tap.length() > LinuxTap.IFNAMSIZ - 1 || !tap.matches("[A-Za-z0-9_.-]+") || tap.equals(".")
                || tap.equals("..")) {
            throw new IllegalArgumentException("net: option 'tap' must be an interface name of 1-"
                    + (LinuxTap.IFNAMSIZ - 1) + " characters from A-Z a-z 0-9 _ . - (not . or ..), not '"
                    + printable(tap) + "'");
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xFF));
        }
        return b.append(s.length() > 40 ? "..." : "").toString();
    }
}
