package dev.vmboot.api.scan;

import java.util.Optional;

/**
 * A parsed location {@code <disk>[:<partition>][:<path>]} (see the package documentation).
 *
 * @param disk      image file or device node
 * @param partition partition number, empty for the whole disk
 * @param path      absolute path inside the filesystem, empty for none
 */
public record Location(String disk, Optional<Integer> partition, Optional<String> path) {

    /**
     * Parses a location. The path is what follows the first {@code ":/"}; a partition is a number between the disk
     * and the path.
     *
     * @throws IllegalArgumentException for an empty disk or a partition that is not a number
     */
    public static Location parse(String text) {
        String rest = text;
        Optional<String> path = Optional.empty();
        int pathStart = rest.indexOf(":/");
        if (pathStart >= 0) {
            path = Optional.of(rest.substring(pathStart + 1));
            rest = rest.substring(0, pathStart);
        }
        Optional<Integer> partition = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            String number = rest.substring(colon + 1);
            if (!number.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("'" + text + "': partition must be a number, not '" + number + "'");
            }
            partition = Optional.of(Integer.parseInt(number));
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': no disk or image named");
        }
        return new Location(rest, partition, path);
    }

    /** The location without its path: what {@link VolumeReport#location()} holds. */
    public String volume() {
        return disk + partition.map(p -> ":" + p).orElse("");
    }

    @Override
    public String toString() {
        return volume() + path.map(p -> ":" + p).orElse("");
    }
}
