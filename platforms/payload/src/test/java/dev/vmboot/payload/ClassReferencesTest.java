package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ClassReferencesTest {
    static byte[] classBytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void findsFieldTypesGenericArgumentsSuperclassAndNamesInStrings() throws IOException {
        Set<String> refs = ClassReferences.of(classBytes(ReferenceFixture.class), "fixture");
        assertTrue(refs.contains("java/util/zip/CRC32"), refs::toString);
        assertTrue(refs.contains("java/util/concurrent/ConcurrentHashMap"), refs::toString); // only in a signature
        assertTrue(refs.contains("java/lang/Object"), refs::toString);
        assertTrue(refs.contains("sun/security/tools/keytool/Main"), refs::toString); // a string constant
    }

    @Test
    void readsTypesOutOfDescriptorsAndSignatures() {
        Set<String> out = new TreeSet<>();
        ClassReferences.addNames("(IJ[Ljava/lang/String;Ljava/util/Map<TK;Ljava/net/URI;>;)Ljava/io/File;", out);
        ClassReferences.addNames("<T:Ljava/lang/Object;>(TT;)V", out);
        ClassReferences.addNames("javax.xml.parsers.SAXParserFactory", out);
        ClassReferences.addNames("a sentence, not Lname; of anything", out);
        assertTrue(out.containsAll(Set.of("java/lang/String", "java/util/Map", "java/net/URI", "java/io/File",
                "java/lang/Object", "javax/xml/parsers/SAXParserFactory", "name")), out::toString);
        assertFalse(out.contains("K"), out::toString);
        assertFalse(out.contains("T"), out::toString);
    }

    @Test
    void refusesWhatIsNoClassFileInOneSentence() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassReferences.of("not a class".getBytes(), "x.jar!a.class"));
        assertTrue(e.getMessage().startsWith("x.jar!a.class"), e.getMessage());
        byte[] b = classBytes(ReferenceFixture.class);
        e = assertThrows(IllegalArgumentException.class,
                () -> ClassReferences.of(Arrays.copyOf(b, b.length / 3), "cut.class"));
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }
}
