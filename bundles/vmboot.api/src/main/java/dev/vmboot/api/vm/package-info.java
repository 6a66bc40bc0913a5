/**
 * The hypervisor façade: create a virtual machine, attach devices, set the boot vCPU state, run it.
 */
@Export
@Version("0.7.0")
package dev.vmboot.api.vm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
