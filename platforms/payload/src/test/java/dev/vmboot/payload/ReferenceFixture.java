package dev.vmboot.payload;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/** A class whose references ClassReferencesTest and JdkClassClosureTest look for: a field, a generic, a string. */
final class ReferenceFixture {
    /** Names keytool's entry point only in a string, as Class.forName would. */
    static final String BY_NAME = "sun.security.tools.keytool.Main";
    private final CRC32 crc = new CRC32();
    private final List<ConcurrentHashMap<String, Integer>> maps = List.of();

    long check(byte[] b) throws ClassNotFoundException {
        crc.update(b);
        return crc.getValue() + maps.size() + Class.forName(BY_NAME).getName().length();
    }
}
