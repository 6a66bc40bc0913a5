package dev.vmboot.storage.internal.scan;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** ConfigAdmin configuration of the disk scanner, PID {@value #PID}. */
@ObjectClassDefinition(id = ScanConfiguration.PID, name = "vmboot disk scanner",
        description = "Where the scanner looks for boot images and how much it reads.")
public @interface ScanConfiguration {
    String PID = "dev.vmboot.storage.scan";

    @AttributeDefinition(name = "Places", description = "Directories searched in each filesystem. A directory"
            + " ending in /** is searched recursively (up to the maximum depth below it), others only directly.")
    String[] places() default {"/", "/boot", "/firmware", "/EFI/**"};

    @AttributeDefinition(name = "Maximum depth", description = "Directory levels searched below a /** place.")
    int maxDepth() default 4;

    @AttributeDefinition(name = "Files per volume", description = "Most files whose content is examined in one"
            + " filesystem.")
    int maxFilesPerVolume() default 512;

    @AttributeDefinition(name = "Decompressed peek", description = "Most bytes decompressed to classify one"
            + " compressed file.")
    long maxPeekBytes() default 33_554_432L;

    @AttributeDefinition(name = "Image size limit", description = "Largest boot image loaded, after decompression.")
    long maxImageBytes() default 536_870_912L;

    @AttributeDefinition(name = "Progress delay", description = "Milliseconds a scan runs before it reports"
            + " progress.")
    int progressAfterMillis() default 1000;

    @AttributeDefinition(name = "Excluded PCI devices", description = "vendor:device IDs (8086:a352) whose disks a"
            + " scan of all disks leaves out.", required = false)
    String[] excludedPciIds() default {};
}
