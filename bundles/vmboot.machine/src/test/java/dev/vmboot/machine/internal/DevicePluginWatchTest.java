package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.vm.DevicePlugin;

class DevicePluginWatchTest {
    private static final long RNG = 31;
    private static final long BLK = 29;

    private final DevicePluginWatch watch = new DevicePluginWatch(Duration.ofMillis(50));

    /** A machine that records how it was stopped; closed by its owner at once, or never. */
    private static final class FakeMachine implements PluginBuiltMachine {
        private final String name;
        private final List<DevicePlugin> plugins;
        private final boolean ownerCloses;
        String stoppedBecause;
        Duration waited;

        FakeMachine(String name, boolean ownerCloses, long... bundles) {
            this.name = name;
            this.ownerCloses = ownerCloses;
            this.plugins = java.util.Arrays.stream(bundles).mapToObj(id -> new DevicePlugin(id == RNG ? "rng" : "blk",
                    id, id == RNG ? "vmboot.virtio.rng" : "vmboot.virtio.blk", "0.1.0", Instant.EPOCH)).toList();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<DevicePlugin> devicePlugins() {
            return plugins;
        }

        @Override
        public boolean stopAndRelease(String reason, Duration wait) {
            stoppedBecause = reason;
            waited = wait;
            return ownerCloses;
        }
    }

    @Test
    void onlyTheMachinesWithADeviceOfTheStoppingPluginAreStoppedWithTheReason() {
        FakeMachine withRng = new FakeMachine("a", true, BLK, RNG);
        FakeMachine withoutRng = new FakeMachine("b", true, BLK);
        watch.watch(withRng);
        watch.watch(withoutRng);

        assertEquals(1, watch.pluginStopping(RNG, "vmboot.virtio.rng 0.1.0"));

        assertTrue(withRng.stoppedBecause.startsWith("its rng device plug-in vmboot.virtio.rng 0.1.0 (bundle 31) is "
                + "being stopped"), withRng.stoppedBecause);
        assertEquals(Duration.ofMillis(50), withRng.waited);
        assertNull(withoutRng.stoppedBecause);
    }

    @Test
    void aForgottenMachineIsNotStoppedAndAMachineNobodyClosesDoesNotHoldThePluginUp() {
        FakeMachine closed = new FakeMachine("closed", true, RNG);
        FakeMachine stuck = new FakeMachine("stuck", false, RNG);
        watch.watch(closed);
        watch.watch(stuck);
        watch.forget(closed);

        assertEquals(1, watch.pluginStopping(RNG, "vmboot.virtio.rng 0.1.0"));
        assertNull(closed.stoppedBecause);
        assertTrue(stuck.stoppedBecause != null);
        assertEquals(1, watch.size());
        assertEquals(0, watch.pluginStopping(77, "vmboot.virtio.other 1.0.0"));
    }
}
