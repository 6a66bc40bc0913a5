package dev.vmboot.payload;

import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The class names a class file can make the JVM load, read from its constant pool (JVMS 17 section 4.4): every
 * {@code CONSTANT_Class} (arrays to their element type), every type in a {@code CONSTANT_Utf8} that is a field or
 * method descriptor or signature ({@code Lname;}, which also covers the descriptors of fields, methods, method
 * handles and annotations), and every {@code CONSTANT_String} and {@code CONSTANT_Utf8} that reads as a class name,
 * dotted or slashed ({@code Class.forName("...")}, factory defaults such as JAXP's): a string that merely looks like
 * one only makes the answer larger, which is the safe side. Names are in internal form ({@code java/lang/String}).
 */
final class ClassReferences {
    /** JVMS 4.1: every class file starts with this magic. */
    private static final int MAGIC = 0xCAFEBABE;
    /** JVMS 4.4: constant pool tags. */
    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int FLOAT = 4;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int CLASS = 7;
    private static final int STRING = 8;
    private static final int FIELDREF = 9;
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_HANDLE = 15;
    private static final int METHOD_TYPE = 16;
    private static final int DYNAMIC = 17;
    private static final int INVOKE_DYNAMIC = 18;
    private static final int MODULE = 19;
    private static final int PACKAGE = 20;
    /** A name longer than this is no class name worth a look (JVMS 4.4.7 allows 65535 bytes). */
    private static final int MAX_NAME = 512;

    private ClassReferences() {
    }

    /**
     * The class names CLASSFILE refers to, unfiltered: the caller keeps those it knows (a JDK class, say).
     *
     * @throws IllegalArgumentException if CLASSFILE is not a class file or its constant pool is cut short
     */
    static Set<String> of(byte[] classFile, String origin) {
        ByteBuffer b = ByteBuffer.wrap(classFile);
        Set<String> out = new TreeSet<>();
        try {
            if (b.getInt() != MAGIC) {
                throw new IllegalArgumentException(origin + " is not a class file (no 0xCAFEBABE)");
            }
            b.getShort(); // minor_version
            b.getShort(); // major_version
            int count = Short.toUnsignedInt(b.getShort());
            for (int i = 1; i < count; i++) {
                int tag = Byte.toUnsignedInt(b.get());
                switch (tag) {
                    case UTF8 -> {
                        int len = Short.toUnsignedInt(b.getShort());
                        byte[] s = new byte[len];
                        b.get(s);
                        // Modified UTF-8 (JVMS 4.4.7) differs from UTF-8 only for NUL and supplementary characters,
                        // neither of which is in a class name.
                        addNames(new String(s, StandardCharsets.UTF_8), out);
                    }
                    case INTEGER, FLOAT, FIELDREF, METHODREF, INTERFACE_METHODREF, NAME_AND_TYPE, DYNAMIC,
                            INVOKE_DYNAMIC -> b.position(b.position() + 4);
                    case LONG, DOUBLE -> {
                        b.position(b.position() + 8);
                        i++; // JVMS 4.4.5: takes two entries
                    }
                    case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> b.position(b.position() + 2);
                    case METHOD_HANDLE -> b.position(b.position() + 3);
                    default -> throw new IllegalArgumentException(origin + ": constant pool entry " + i
                            + " has the unknown tag " + tag);
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith(origin)) {
                throw iae;
            }
            throw new IllegalArgumentException(origin + ": constant pool cut short", e);
        }
        return out;
    }

    /**
     * Adds what S can name: S itself as a class name (slashed, dotted, or an array descriptor), and every
     * {@code Lname;} inside it (descriptors and generic signatures, JVMS 4.3 and 4.7.9.1).
     */
    static void addNames(String s, Set<String> out) {
        if (s.length() <= MAX_NAME && isName(s)) {
            out.add(s.replace('.', '/'));
        }
        // One pass: a run of name characters ended by ';' or '<' holds a type when it is primitive descriptor
        // letters (JVMS 4.3.2: B C D F I J S Z) up to an 'L' and the name after it.
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : 0;
            if (i < s.length() && (Character.isJavaIdentifierPart(c) || c == '/')) {
                continue;
            }
            if ((c == ';' || c == '<') && i - start <= MAX_NAME) {
                int l = start;
                while (l < i && "BCDFIJSZ".indexOf(s.charAt(l)) >= 0) {
                    l++;
                }
                if (l < i - 1 && s.charAt(l) == 'L') {
                    String name = s.substring(l + 1, i);
                    if (isName(name)) {
                        out.add(name);
                    }
                }
            }
            start = i + 1;
        }
    }

    /** Whether S could be a binary class name (JVMS 4.2.1), dotted or slashed: letters, digits, _ $ and separators. */
    private static boolean isName(String s) {
        if (s.isEmpty() || s.charAt(0) == '/' || s.charAt(0) == '.' || s.endsWith("/") || s.endsWith(".")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isJavaIdentifierPart(c) || c == '/' || c == '.')) {
                return false;
            }
        }
        return true;
    }
}
