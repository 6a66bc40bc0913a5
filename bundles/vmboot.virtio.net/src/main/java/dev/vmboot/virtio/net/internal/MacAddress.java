package dev.vmboot.virtio.net.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * A unicast Ethernet address (IEEE 802: bit 0 of the first octet is the group bit, bit 1 the locally administered
 * bit), as the 48 low bits of {@code value}, first octet highest.
 */
record MacAddress(long value) {
    private static final long GROUP_BIT = 1L << 40;
    private static final long LOCAL_BIT = 1L << 41;

    MacAddress {
        if (value <= 0 || value >>> 48 != 0 || (value & GROUP_BIT) != 0) {
            throw new IllegalArgumentException("not a unicast MAC address: " + String.format("%012x", value));
        }
    }

    /**
     * Parses {@code 52:54:00:12:34:56}: six pairs of hex digits separated by colons; not a group (multicast) address
     * and not all zeros.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static MacAddress parse(String text) {
        if (!text.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address like 52:54:00:12:34:56");
        }
        long v = Long.parseLong(text.replace(":", ""), 16);
        if ((v & GROUP_BIT) != 0) {
            throw new IllegalArgumentException(text + " is a multicast address (the first octet is odd); a NIC needs "
                    + "a unicast one");
        }
        if (v == 0) {
            throw new IllegalArgumentException("00:00:00:00:00:00 is not a usable MAC address");
        }
        return new MacAddress(v);
    }

    /**
     * A locally administered unicast address derived from {@code seed} (the VM and tap names): the same seed gives
     * the same address on every run, so the guest's network configuration keeps working across boots.
     */
    static MacAddress derivedFrom(String seed) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | Byte.toUnsignedLong(digest[i]);
        }
        return new MacAddress((v & ~GROUP_BIT) | LOCAL_BIT);
    }

    /** The six octets, first one first (the order of the config space's {@code mac} field, 5.1.4). */
    byte[] octets() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(17);
        for (byte b : octets()) {
            if (s.length() > 0) {
                s.append(':');
            }
            s.append(String.format(Locale.ROOT, "%02x", b));
        }
        return s.toString();
    }
}
