package dev.vmboot.shell.internal;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Chooses the autoboot menu's default entry: the first entry matching the first preferred path pattern that any entry
 * matches; else the first entry on the first preferred partition (GPT name or unique GUID, either case) found; else
 * the entry booted last; else the first firmware; else the first entry.
 */
final class BootPolicy {
    private final List<PathPattern> preferredPaths;
    private final List<String> preferredPartitions;

    BootPolicy(List<String> preferredPaths, List<String> preferredPartitions) {
        this.preferredPaths = preferredPaths.stream().map(PathPattern::compile).toList();
        this.preferredPartitions = List.copyOf(preferredPartitions);
    }

    /** The default of a menu. */
    record Choice(int index, String reason) {
    }

    /**
     * The default among ENTRIES (not empty), given the entry booted last.
     *
     * @param lastBooted what {@link LastBootedState} remembered, if anything
     */
    Choice choose(List<MenuEntry> entries, Optional<LastBootedState.Booted> lastBooted) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no entries to choose from");
        }
        for (PathPattern pattern : preferredPaths) {
            Optional<Integer> i = first(entries, e -> pattern.matches(e.path()));
            if (i.isPresent()) {
                return new Choice(i.get(), "preferred path " + pattern);
            }
        }
        for (String partition : preferredPartitions) {
            Optional<Integer> i = first(entries, e -> e.partition().filter(p -> p.label().equalsIgnoreCase(partition)
                    || p.uniqueId().equalsIgnoreCase(partition)).isPresent());
            if (i.isPresent()) {
                return new Choice(i.get(), "preferred partition " + partition);
            }
        }
        if (lastBooted.isPresent()) {
            Optional<Integer> i = first(entries, lastBooted.get()::matches);
            if (i.isPresent()) {
                return new Choice(i.get(), "booted last");
            }
        }
        return first(entries, e -> e.kind().firmware()).map(i -> new Choice(i, "first firmware"))
                .orElse(new Choice(0, "first entry"));
    }

    private static Optional<Integer> first(List<MenuEntry> entries, Predicate<MenuEntry> test) {
        for (int i = 0; i < entries.size(); i++) {
            if (test.test(entries.get(i))) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
