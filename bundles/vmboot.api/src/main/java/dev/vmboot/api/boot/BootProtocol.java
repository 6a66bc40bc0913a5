package dev.vmboot.api.boot;

import org.osgi.annotation.versioning.ConsumerType;

import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.VirtualMachine;

/**
 * A way to start an image in a virtual machine (PVH, reset-vector firmware, the Linux boot protocol). Registered as an
 * OSGi service with the property {@value #NAME_PROPERTY}; the best {@link #probe} wins unless the user forces one.
 */
@ConsumerType
public interface BootProtocol {

    /** Service property naming the protocol, e.g. {@code vmboot.boot.protocol=pvh}. */
    String NAME_PROPERTY = "vmboot.boot.protocol";

    String name();

    /** How well this protocol can boot {@code image}: 0 = not at all, higher is better. */
    int probe(BootImage image);

    /** The platform the image needs (personality, minimum memory), given what the user asked for. */
    MachineSpec machineFor(BootImage image, MachineSpec requested) throws BootException;

    /** Lays the image into the (not yet started) machine and sets the boot vCPU's state. */
    void load(BootImage image, BootOptions options, VirtualMachine vm) throws BootException;
}
