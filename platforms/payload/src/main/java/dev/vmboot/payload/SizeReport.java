package dev.vmboot.payload;

import java.util.List;
import java.util.Locale;

/**
 * The size of every part of a platform's payload and of the whole, against the platform's flash budget.
 *
 * @param platform    the platform's name
 * @param parts       every part, in the order they are written (the kernel last)
 * @param xzOverhead  the bytes of the xz stream no part accounts for (stream header, index, footer)
 * @param budget      the platform's flash budget, bytes
 */
public record SizeReport(String platform, List<PartSize> parts, long xzOverhead, long budget) {
    public SizeReport {
        parts = List.copyOf(parts);
    }

    /** Kernel + initramfs, bytes. */
    public long total() {
        return parts.stream().mapToLong(PartSize::packed).sum() + xzOverhead;
    }

    public boolean withinBudget() {
        return total() <= budget;
    }

    /** A table: one line a part, then the total and the budget. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "payload for %s (initramfs parts: their share of the xz stream)%n",
                platform));
        sb.append(String.format(Locale.ROOT, "  %-9s %6s %12s %12s%n", "part", "files", "raw", "in payload"));
        for (PartSize p : parts) {
            sb.append(String.format(Locale.ROOT, "  %-9s %6d %12s %12s%n", p.part(), p.files(), ByteSize.mib(p.raw()),
                    ByteSize.mib(p.packed())));
        }
        long raw = parts.stream().mapToLong(PartSize::raw).sum();
        sb.append(String.format(Locale.ROOT, "  %-9s %6s %12s %12s%n", "total", "", ByteSize.mib(raw),
                ByteSize.mib(total())));
        sb.append(String.format(Locale.ROOT, "  flash budget %s: %s%n", ByteSize.mib(budget),
                withinBudget() ? ByteSize.mib(budget - total()) + " left"
                        : "EXCEEDED by " + ByteSize.mib(total() - budget)));
        return sb.toString();
    }
}
