package dev.vmboot.testkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;

/**
 * What a driver that breaks the rules does between its good chains, for the devices' Jazzer targets (console, net,
 * entropy): each move is made rarely, one time in 16, so that most of what a fuzzer builds stays good and the
 * device's own paths are reached. The fuzzer's bytes are read in a fixed order, on which the committed inputs of those
 * targets depend: change it and they exercise other paths.
 */
public final class HostileDriverMoves {
    private HostileDriverMoves() {
    }

    /**
     * After a chain was added: rarely a descriptor of the table overwritten with any address, length, flags and next,
     * then rarely any head offered (it may lie past the table, 2.7.6).
     *
     * @return whether a move was made: the driver then no longer keeps the rules
     */
    public static boolean afterChain(FuzzedDataProvider data, MockDriverQueue driver) {
        boolean broke = false;
        if (rarely(data)) {
            driver.writeDescriptor(data.consumeInt(0, driver.size() - 1), new RawDescriptor(data.consumeLong(),
                    data.consumeInt(), data.consumeInt(0, 0xFFFF), data.consumeInt(0, 0xFFFF)));
            broke = true;
        }
        if (rarely(data)) {
            driver.offer(data.consumeInt(0, 0xFFFF));
            broke = true;
        }
        return broke;
    }

    /**
     * After the available index was published: rarely a jump of it to any value (more than a queue size ahead of
     * the device, or behind it).
     *
     * @return whether the move was made
     */
    public static boolean afterPublish(FuzzedDataProvider data, MockDriverQueue driver) {
        if (rarely(data)) {
            driver.setAvailIndex(data.consumeInt(0, 0xFFFF));
            return true;
        }
        return false;
    }

    /** One time in 16. */
    public static boolean rarely(FuzzedDataProvider data) {
        return data.consumeInt(0, 15) == 0;
    }
}
