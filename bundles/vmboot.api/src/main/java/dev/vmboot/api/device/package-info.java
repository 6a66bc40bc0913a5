/**
 * Port-I/O and MMIO device models, the interrupt lines they raise, and the budget of log lines a guest can cause
 * through them ({@link dev.vmboot.api.device.GuestLogLimiter}).
 */
@Export
@Version("0.2.0")
package dev.vmboot.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
