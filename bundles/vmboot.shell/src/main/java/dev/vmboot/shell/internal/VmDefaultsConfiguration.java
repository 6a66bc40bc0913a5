package dev.vmboot.shell.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** ConfigAdmin configuration of the virtual machines the autoboot menu starts, PID {@value #PID}. */
@ObjectClassDefinition(id = VmDefaultsConfiguration.PID, name = "vmboot VM defaults",
        description = "Memory, vCPUs and disks of a VM booted from the autoboot menu (e edits them for one boot).")
public @interface VmDefaultsConfiguration {
    String PID = "dev.vmboot.vm";

    @AttributeDefinition(name = "Memory", description = "Guest memory: a number of bytes or with a unit, 512M, 2G.")
    String memory() default "1G";

    @AttributeDefinition(name = "vCPUs", min = "1", max = "255", description = "Virtual CPUs.")
    int cpus() default 1;

    @AttributeDefinition(name = "Disks", required = false, description = "Disks passed to the VM as virtio disks"
            + " after the one the entry was found on, as boot's --disk takes them and comma-separated:"
            + " /dev/sdb,ro,data.img passes /dev/sdb read-only and data.img writable.")
    String[] disks() default {};
}
