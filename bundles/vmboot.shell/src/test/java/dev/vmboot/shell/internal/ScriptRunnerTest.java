package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/** The one-shot script's end: the framework is stopped with the script's status, whatever ended the script. */
class ScriptRunnerTest {
    private final AtomicInteger frameworkStops = new AtomicInteger();

    @AfterEach
    void forgetTheStatus() {
        System.clearProperty(ScriptRunner.EXIT_STATUS_PROPERTY);
    }

    /** A runner in a framework with no script to run (its own thread does not start); counts system bundle stops. */
    private ScriptRunner runner() {
        Bundle systemBundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Bundle.class}, (proxy, method, args) -> {
                    if (method.getName().equals("stop")) {
                        frameworkStops.incrementAndGet();
                    }
                    return null;
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> method.getName().equals("getBundle")
                        ? systemBundle : null);
        return new ScriptRunner(context, (CommandProcessor) null, new VmbootCommands(),
                (ConfigurationAdmin) null);
    }

    @Test
    void theScriptsStatusIsLeftAndTheFrameworkStopped() {
        runner().runThenStop(() -> 7);
        assertEquals("7", System.getProperty(ScriptRunner.EXIT_STATUS_PROPERTY));
        assertEquals(1, frameworkStops.get());
    }

    /** Before, an Error in the script left the framework running and bin/vmboot waiting for ever. */
    @Test
    void aScriptEndingInAnErrorStillStopsTheFrameworkWithStatusOne() {
        assertThrows(OutOfMemoryError.class, () -> runner().runThenStop(() -> {
            throw new OutOfMemoryError("a test's");
        }));
        assertEquals("1", System.getProperty(ScriptRunner.EXIT_STATUS_PROPERTY));
        assertEquals(1, frameworkStops.get());
    }
}
