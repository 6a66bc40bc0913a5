package dev.vmboot.shell.internal;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;

/**
 * A configuration's properties seen through its Metatype annotation type, as Declarative Services would hand it over,
 * but with one sentence for a value that is not of the setting's type ({@code timeout=abc}) where DS would fall back to
 * a default without a word. An absent property is the annotation's default. Strings from a {@code .cfg} file are
 * converted; a single value stands for a one-element array.
 */
final class ConfigurationView {

    private ConfigurationView() {
    }

    static <A> A of(Class<A> type, Map<String, ?> properties) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            switch (method.getName()) {
            case "toString":
                return type.getSimpleName() + properties;
            case "hashCode":
                return System.identityHashCode(self);
            case "equals":
                return self == args[0];
            case "annotationType":
                return type;
            default:
                return value(method, properties.get(method.getName()));
            }
        });
        return type.cast(proxy);
    }

    private static Object value(Method setting, Object value) {
        Class<?> type = setting.getReturnType();
        if (value == null) {
            return setting.getDefaultValue();
        }
        String name = setting.getName();
        if (type == String[].class) {
            if (value instanceof String[] a) {
                return a.clone();
            }
            if (value instanceof Collection<?> c) {
                return c.stream().map(String::valueOf).toArray(String[]::new);
            }
            if (value.getClass().isArray()) {
                String[] out = new String[Array.getLength(value)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = String.valueOf(Array.get(value, i));
                }
                return out;
            }
            return new String[] {String.valueOf(value)};
        }
        Object single = value.getClass().isArray() ? (Array.getLength(value) == 0 ? null : Array.get(value, 0))
                : value instanceof Collection<?> c ? c.stream().findFirst().orElse(null) : value;
        if (single == null) {
            return setting.getDefaultValue();
        }
        if (type == String.class) {
            return String.valueOf(single);
        }
        if (type == int.class || type == long.class) {
            long n;
            if (single instanceof Number number) {
                n = number.longValue();
            } else {
                String text = String.valueOf(single).trim();
                if (!text.matches("-?[0-9]{1,18}")) {
                    throw new IllegalArgumentException(name + " must be a whole number, not "
                            + CommandArguments.shown(text));
                }
                n = Long.parseLong(text);
            }
            if (type == int.class) {
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(name + " is out of range: " + n);
                }
                return (int) n;
            }
            return n;
        }
        if (type == boolean.class) {
            String text = String.valueOf(single).trim();
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException(name + " must be true or false, not "
                        + CommandArguments.shown(text));
            }
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(name + ": settings of type " + type.getSimpleName() + " are not read");
    }
}
