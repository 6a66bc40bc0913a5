package dev.vmboot.virtio.rng.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The host kernel's generator as the device reads it. */
class KernelRandomTest {

    @Test
    void fillsWholeBuffersWithBytesThatDifferFromFillToFill() throws IOException {
        try (KernelRandom random = KernelRandom.open()) {
            byte[] first = new byte[4096];
            byte[] second = new byte[4096];
            random.fill(first);
            random.fill(second);
            assertFalse(Arrays.equals(first, second));
            Set<Byte> values = new HashSet<>();
            for (byte b : first) {
                values.add(b);
            }
            // 4096 uniform bytes miss one of the 256 values with probability below 256 * e^-16
            assertTrue(values.size() == 256, values.size() + " distinct byte values in 4096 random bytes");
        }
    }

    @Test
    void aClosedGeneratorFailsWithAnIOException() throws IOException {
        KernelRandom random = KernelRandom.open();
        random.close();
        assertThrows(IOException.class, () -> random.fill(new byte[16]));
    }
}
