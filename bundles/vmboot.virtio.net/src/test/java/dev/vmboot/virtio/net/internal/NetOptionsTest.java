package dev.vmboot.virtio.net.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The device's options and its MAC address, checked once, each refusal naming what is accepted. */
class NetOptionsTest {

    @Test
    void aGivenMacIsTakenAsItIs() {
        NetOptions o = NetOptions.parse(Map.of("tap", "tap0", "mac", "52:54:00:AB:cd:0f"));
        assertEquals("tap0", o.tap());
        assertEquals("52:54:00:ab:cd:0f", o.mac().toString());
        assertEquals(0x525400abcd0fL, o.mac().value());
    }

    @Test
    void theDefaultMacIsLocallyAdministeredUnicastAndStablePerVmAndTap() {
        MacAddress a = NetOptions.parse(Map.of("tap", "tap0", "vm", "OVMF.fd")).mac();
        assertEquals(a, NetOptions.parse(Map.of("tap", "tap0", "vm", "OVMF.fd")).mac(), "the same on every run");
        assertNotEquals(a, NetOptions.parse(Map.of("tap", "tap1", "vm", "OVMF.fd")).mac(), "a second NIC differs");
        assertNotEquals(a, NetOptions.parse(Map.of("tap", "tap0", "vm", "vmlinuz")).mac(), "another VM differs");
        int first = Byte.toUnsignedInt(a.octets()[0]);
        assertEquals(2, first & 3, "IEEE 802: locally administered (bit 1), unicast (bit 0 clear): " + a);
        assertEquals(MacAddress.derivedFrom("OVMF.fd/tap0"), a);
    }

    @Test
    void badOptionsNameWhatIsWrong() {
        assertEquals("net: option 'tap' is required (a TAP interface name); accepted: tap=NAME (required), "
                + "mac=52:54:00:12:34:56 (default: derived from vm= and the tap name), vm=NAME",
                error(Map.of("mac", "52:54:00:12:34:56")));
        assertEquals("net: unknown option 'queues'; accepted: tap=NAME (required), mac=52:54:00:12:34:56 (default: "
                + "derived from vm= and the tap name), vm=NAME", error(Map.of("tap", "t", "queues", "2")));
        assertEquals("net: option 'tap' must be an interface name of 1-15 characters from A-Z a-z 0-9 _ . - (not . "
                + "or ..), not 'tap%d'", error(Map.of("tap", "tap%d")));
        assertEquals("net: option 'tap' must be an interface name of 1-15 characters from A-Z a-z 0-9 _ . - (not . "
                + "or ..), not 'sixteen-chars-xx'", error(Map.of("tap", "sixteen-chars-xx")));
        assertEquals("net: option 'mac': 01:00:5e:00:00:01 is a multicast address (the first octet is odd); a NIC "
                + "needs a unicast one", error(Map.of("tap", "t", "mac", "01:00:5e:00:00:01")));
        assertEquals("net: option 'mac': '52-54-00-12-34-56' is not a MAC address like 52:54:00:12:34:56",
                error(Map.of("tap", "t", "mac", "52-54-00-12-34-56")));
        assertEquals("net: option 'mac': 00:00:00:00:00:00 is not a usable MAC address",
                error(Map.of("tap", "t", "mac", "00:00:00:00:00:00")));
    }

    private static String error(Map<String, String> options) {
        return assertThrows(IllegalArgumentException.class, () -> NetOptions.parse(options)).getMessage();
    }
}
