package dev.vmboot.shell.internal;

import java.util.Map;

/**
 * Checks a configuration as the component configured by it would read it, so that {@code vmboot:config} refuses a
 * value with the component's own sentence before it is stored. A service of the components with a configuration.
 */
interface ConfigurationCheck {
    /** The PID checked. */
    String pid();

    /** @throws IllegalArgumentException naming the setting and what it accepts */
    void check(Map<String, ?> properties);
}
