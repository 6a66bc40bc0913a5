package dev.vmboot.api.virtio;

import org.osgi.annotation.versioning.ProviderType;

import dev.vmboot.api.vm.Console;

/**
 * What the machine offers a device it creates beyond the device's options: today its console, the operator's terminal.
 * One context per machine; its devices are created one at a time.
 */
@ProviderType
public interface VirtioDeviceContext {

    /**
     * Hands the machine's console to the device being created (a virtio console port). From then on the keys typed
     * go to that device and no longer to the serial port; the serial port keeps writing to the same output, since
     * firmware and boot loaders know only it. One device of a machine may take the console.
     *
     * @throws IllegalStateException if another device of this machine took it already
     */
    Console takeConsole();
}
