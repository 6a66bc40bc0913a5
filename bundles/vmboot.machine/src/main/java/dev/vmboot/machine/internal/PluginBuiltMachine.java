package dev.vmboot.machine.internal;

import java.time.Duration;
import java.util.List;

import dev.vmboot.api.vm.DevicePlugin;

/** What {@link DevicePluginWatch} needs of a machine built with devices of plug-in bundles. */
interface PluginBuiltMachine {

    String name();

    /** The plug-in of each of its devices, as it was when the machine was built. */
    List<DevicePlugin> devicePlugins();

    /**
     * Ends the machine as stopped, with REASON as its exit's detail, and waits up to WAIT for its owner to close it
     * (which ends its device threads). A machine that had started and is not closed by then is closed here; one still
     * being set up is left to its owner, which finds it ended.
     *
     * @return whether the machine is closed
     */
    boolean stopAndRelease(String reason, Duration wait) throws InterruptedException;
}
