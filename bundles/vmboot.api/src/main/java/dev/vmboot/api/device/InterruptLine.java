package dev.vmboot.api.device;

import org.osgi.annotation.versioning.ProviderType;

/** An interrupt input of the guest's interrupt controller (an IOAPIC pin / ISA IRQ). */
@ProviderType
public interface InterruptLine {

    /** Drives a level-triggered line high or low. */
    void set(boolean asserted);

    /** An edge: raise, then lower. */
    default void pulse() {
        set(true);
        set(false);
    }
}
