package dev.vmboot.storage.internal.scan;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Locale;

/**
 * The scanner's settings, checked: {@link ScanConfiguration} as plain values.
 *
 * @param places              directories searched; a trailing {@code /**} means recursively
 * @param maxDepth            levels below a recursive place
 * @param maxFilesPerVolume   files examined per filesystem
 * @param maxPeekBytes        bytes decompressed to classify a file
 * @param maxImageBytes       largest image loaded
 * @param progressAfterMillis delay before progress messages
 * @param excludedPciIds      {@code vendor:device} IDs left out of a scan of all disks, lower case
 */
public record ScanSettings(List<String> places, int maxDepth, int maxFilesPerVolume, long maxPeekBytes,
        long maxImageBytes, long progressAfterMillis, List<String> excludedPciIds) {

    public ScanSettings {
        places = List.copyOf(places);
        excludedPciIds = excludedPciIds.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
        for (String p : places) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("place '" + p + "' is not an absolute path");
            }
        }
        if (maxDepth < 0 || maxDepth > 64) {
            throw new IllegalArgumentException("maxDepth " + maxDepth + " is not between 0 and 64");
        }
        if (maxFilesPerVolume < 1 || maxPeekBytes < BootFileClassifier.HEAD || maxImageBytes < 1
                || maxImageBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("limits must be positive and maxImageBytes below 2 GiB");
        }
    }

    public static ScanSettings from(ScanConfiguration c) {
        return new ScanSettings(List.of(c.places()), c.maxDepth(), c.maxFilesPerVolume(), c.maxPeekBytes(),
                c.maxImageBytes(), c.progressAfterMillis(), List.of(c.excludedPciIds()));
    }

    /** The defaults declared on {@link ScanConfiguration}. */
    public static ScanSettings defaults() {
        ScanConfiguration c = (ScanConfiguration) Proxy.newProxyInstance(ScanConfiguration.class.getClassLoader(),
                new Class<?>[] {ScanConfiguration.class}, (proxy, method, args) -> method.getDefaultValue());
        return from(c);
    }

    public ScanSettings withPlaces(List<String> newPlaces) {
        return new ScanSettings(newPlaces, maxDepth, maxFilesPerVolume, maxPeekBytes, maxImageBytes,
                progressAfterMillis, excludedPciIds);
    }

    public ScanSettings withLimits(int newMaxFiles, long newMaxImageBytes, long newProgressAfterMillis) {
        return new ScanSettings(places, maxDepth, newMaxFiles, maxPeekBytes, newMaxImageBytes, newProgressAfterMillis,
                excludedPciIds);
    }

    public ScanSettings withExcludedPciIds(List<String> ids) {
        return new ScanSettings(places, maxDepth, maxFilesPerVolume, maxPeekBytes, maxImageBytes,
                progressAfterMillis, ids);
    }
}
