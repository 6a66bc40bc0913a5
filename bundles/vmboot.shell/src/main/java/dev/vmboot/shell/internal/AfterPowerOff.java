package dev.vmboot.shell.internal;

import java.util.Locale;

/** What happens when a guest booted from the autoboot menu powers off. */
enum AfterPowerOff {
    /** The menu is shown again and waits for a key. */
    MENU,
    /** The host is powered off (the configured power-off command). */
    POWEROFF,
    /** The host is rebooted (the configured reboot command). */
    REBOOT;

    static AfterPowerOff parse(String value) {
        for (AfterPowerOff a : values()) {
            if (a.name().toLowerCase(Locale.ROOT).equals(value.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("afterPowerOff must be menu, poweroff or reboot, not "
                + CommandArguments.shown(value));
    }
}
