package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.api.storage.Partition;

/** Renders scan results as a table for people and as JSON for scripts. */
final class ScanReportFormat {

    private ScanReportFormat() {
    }

    static String table(List<DiskReport> disks) {
        StringBuilder sb = new StringBuilder();
        if (disks.isEmpty()) {
            return "no disks found\n";
        }
        for (DiskReport disk : disks) {
            sb.append(String.format("%s  %s  sector %d", disk.name(), ByteSize.format(disk.size()),
                    disk.logicalSectorSize()));
            disk.table().ifPresent(t -> sb.append("  ").append(t.scheme())
                    .append(t.diskId().isEmpty() ? "" : " " + t.diskId()));
            sb.append('\n');
            disk.error().ifPresent(e -> sb.append("  error: ").append(e).append('\n'));
            disk.table().ifPresent(t -> t.warnings().forEach(w -> sb.append("  warning: ").append(w).append('\n')));
            if (disk.volumes().isEmpty()) {
                continue;
            }
            sb.append(String.format("  %-3s %-22s %10s  %-12s %-8s %-12s %s%n", "#", "TYPE", "SIZE", "LABEL", "FS",
                    "FS-LABEL", "UUID"));
            for (VolumeReport v : disk.volumes()) {
                Partition p = v.partition().orElse(null);
                sb.append(String.format("  %-3s %-22s %10s  %-12s %-8s %-12s %s%n",
                        p == null ? "-" : Integer.toString(p.number()),
                        clip(p == null ? "(whole disk)" : p.typeName(), 22),
                        ByteSize.format(p == null ? disk.size() : p.length()),
                        clip(p == null ? "" : p.label(), 12),
                        v.fsType().orElse("unknown"), clip(v.label(), 12), v.uuid()));
                v.error().ifPresent(e -> sb.append("      error: ").append(e).append('\n'));
                for (BootCandidate c : v.candidates()) {
                    sb.append(String.format("      boot: %-40s %-10s %s%s%n", c.path(), c.kind(),
                            ByteSize.format(c.size()),
                            c.compression().name().equals("NONE") ? "" : " (" + c.compression() + ")"));
                }
            }
            long unread = unreadVolumes(disk);
            if (unread > 0) {
                sb.append("  partial: ").append(unread).append(" of ").append(disk.volumes().size())
                        .append(disk.volumes().size() == 1 ? " volume" : " volumes")
                        .append(" could not be read (error: above)\n");
            }
        }
        return sb.toString();
    }

    static String json(List<DiskReport> disks) {
        List<Object> out = new ArrayList<>();
        for (DiskReport disk : disks) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("disk", disk.name());
            d.put("size", disk.size());
            d.put("logicalSectorSize", disk.logicalSectorSize());
            d.put("scheme", disk.table().map(t -> t.scheme().name()));
            d.put("diskId", disk.table().map(t -> t.diskId()));
            d.put("warnings", disk.table().map(t -> t.warnings()).orElse(List.of()));
            d.put("error", disk.error());
            d.put("unreadVolumes", unreadVolumes(disk));
            List<Object> volumes = new ArrayList<>();
            for (VolumeReport v : disk.volumes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("location", v.location());
                v.partition().ifPresent(p -> {
                    m.put("partition", p.number());
                    m.put("type", p.type());
                    m.put("typeName", p.typeName());
                    m.put("offset", p.offset());
                    m.put("size", p.length());
                    m.put("label", p.label());
                    m.put("uniqueId", p.uniqueId());
                });
                m.put("filesystem", v.fsType());
                m.put("fsLabel", v.label());
                m.put("fsUuid", v.uuid());
                m.put("error", v.error());
                List<Object> candidates = new ArrayList<>();
                for (BootCandidate c : v.candidates()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("location", c.location() + ":" + c.path());
                    cm.put("path", c.path());
                    cm.put("kind", c.kind().name());
                    cm.put("compression", c.compression().name());
                    cm.put("size", c.size());
                    cm.put("rank", c.rank());
                    candidates.add(cm);
                }
                m.put("candidates", candidates);
                volumes.add(m);
            }
            d.put("volumes", volumes);
            out.add(d);
        }
        return JsonWriter.write(out) + "\n";
    }

    /** Volumes of DISK that could not be read: a scan that keeps its exit status 0 but is partial. */
    static long unreadVolumes(DiskReport disk) {
        return disk.volumes().stream().filter(v -> v.error().isPresent()).count();
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
