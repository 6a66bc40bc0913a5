package dev.vmboot.virtio.rng.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RngOptionsTest {

    @Test
    void defaultsAreOneMebibytePerSecondInBurstsOf64KiB() {
        assertEquals(new RngOptions(1 << 20, 64 << 10), RngOptions.parse(Map.of()));
    }

    @Test
    void rateAndBurstAreBytes() {
        assertEquals(new RngOptions(4096, 512), RngOptions.parse(Map.of("rate", "4096", "burst", "512")));
    }

    @Test
    void badOptionsAreNamedWithWhatIsAccepted() {
        assertEquals("rng: unknown option 'speed'; accepted: rate=BYTES_PER_SECOND (default 1048576), burst=BYTES "
                + "(default 65536), each 1..1073741824", assertThrows(IllegalArgumentException.class,
                        () -> RngOptions.parse(Map.of("speed", "1"))).getMessage());
        for (String bad : new String[] { "0", "-1", "1M", "", "1073741825", "99999999999999999999" }) {
            assertEquals("rng: option 'rate' must be a number of bytes from 1 to 1073741824, not '" + bad + "'",
                    assertThrows(IllegalArgumentException.class, () -> RngOptions.parse(Map.of("rate", bad)))
                            .getMessage());
        }
    }
}
