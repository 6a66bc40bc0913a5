package dev.vmboot.shell.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Writes maps, collections, strings, numbers and booleans as JSON (RFC 8259), for {@code --json} output. */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();

    static String write(Object value) {
        JsonWriter w = new JsonWriter();
        w.value(value, 0);
        return w.out.toString();
    }

    private void value(Object v, int indent) {
        if (v instanceof Optional<?> o) {
            value(o.orElse(null), indent);
        } else if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            out.append(v);
        } else if (v instanceof Map<?, ?> m) {
            object(m, indent);
        } else if (v instanceof Collection<?> c) {
            array(c, indent);
        } else {
            string(v.toString());
        }
    }

    private void object(Map<?, ?> map, int indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            pad(indent + 1);
            string(e.getKey().toString());
            out.append(": ");
            value(e.getValue(), indent + 1);
            out.append(++i < map.size() ? ",\n" : "\n");
        }
        pad(indent);
        out.append('}');
    }

    private void array(Collection<?> items, int indent) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append("[\n");
        int i = 0;
        for (Object item : items) {
            pad(indent + 1);
            value(item, indent + 1);
            out.append(++i < items.size() ? ",\n" : "\n");
        }
        pad(indent);
        out.append(']');
    }

    private void pad(int indent) {
        out.append("  ".repeat(indent));
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
