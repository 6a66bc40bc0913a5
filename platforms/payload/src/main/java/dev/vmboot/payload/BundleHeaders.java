package dev.vmboot.payload;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the OSGi manifest headers the payload changes. {@code Bundle-NativeCode} (OSGi Core 8, 3.10 "Loading Native Code Libraries"): clauses are
 * separated by commas, each lists paths and then {@code ;}-separated parameters, and a lone {@code *} at the end
 * makes the header optional. Quoted strings (version ranges hold commas) are kept whole.
 */
final class BundleHeaders {
    private BundleHeaders() {
    }

    /**
     * An {@code Import-Package} HEADER (OSGi Core 8, 3.6.4) with the packages in MISSING imported with
     * {@code resolution:=optional}: packages of the JDK that the payload's JRE leaves out (java.beans, in
     * java.desktop), which the system bundle cannot export. The bundle resolves; only code that uses them would fail.
     * Clauses naming several packages are split so that only the missing ones change.
     */
    static String optionalImports(String header, Set<String> missing) {
        List<String> out = new ArrayList<>();
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause.strip(), ';');
            List<String> packages = new ArrayList<>();
            List<String> params = new ArrayList<>();
            for (String p : parts) {
                (p.contains("=") || !params.isEmpty() ? params : packages).add(p.strip());
            }
            List<String> present = packages.stream().filter(p -> !missing.contains(p)).toList();
            List<String> absent = packages.stream().filter(missing::contains).toList();
            if (!present.isEmpty()) {
                out.add(join(present, params));
            }
            if (!absent.isEmpty()) {
                List<String> optional = new ArrayList<>(params.stream()
                        .filter(p -> !p.replace(" ", "").startsWith("resolution:=")).toList());
                optional.add("resolution:=optional");
                out.add(join(absent, optional));
            }
        }
        return String.join(",", out);
    }

    /**
     * An {@code Export-Package} HEADER (OSGi Core 8, 3.6.5) without the packages in GONE (a slimmed library's
     * packages left without a class: a bundle importing one then fails to resolve, with Felix's message naming the
     * package, instead of failing when it loads a class); null when no package is left.
     */
    static String withoutExports(String header, Set<String> gone) {
        List<String> out = new ArrayList<>();
        for (String clause : split(header, ',')) {
            List<String> packages = new ArrayList<>();
            List<String> params = new ArrayList<>();
            for (String p : split(clause.strip(), ';')) {
                (p.contains("=") || !params.isEmpty() ? params : packages).add(p.strip());
            }
            List<String> left = packages.stream().filter(p -> !gone.contains(p)).toList();
            if (!left.isEmpty()) {
                out.add(join(left, params));
            }
        }
        return out.isEmpty() ? null : String.join(",", out);
    }

    private static String join(List<String> packages, List<String> params) {
        List<String> all = new ArrayList<>(packages);
        all.addAll(params);
        return String.join(";", all);
    }

    /**
     * HEADER without the clauses none of whose paths is in KEPT; null when no clause is left (the header is to be
     * removed).
     */
    static String retain(String header, Set<String> kept) {
        List<String> out = new ArrayList<>();
        for (String clause : split(header, ',')) {
            String c = clause.strip();
            if (c.equals("*")) {
                out.add(c);
                continue;
            }
            boolean any = false;
            for (String part : split(c, ';')) {
                String p = part.strip();
                if (p.contains("=")) {
                    break; // the parameters begin
                }
                any |= kept.contains(p.startsWith("/") ? p.substring(1) : p);
            }
            if (any) {
                out.add(c);
            }
        }
        if (out.isEmpty() || out.equals(List.of("*"))) {
            return null;
        }
        return String.join(",", out);
    }

    /** S split at SEP outside double quotes. */
    static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            }
            if (ch == sep && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        parts.add(cur.toString());
        return parts;
    }
}
