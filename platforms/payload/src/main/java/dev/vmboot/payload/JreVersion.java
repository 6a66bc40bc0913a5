package dev.vmboot.payload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenJDK builds a JRE is made of: the class library's, as its {@code release} file names its version (jlink
 * writes JAVA_VERSION, the version number only) and as {@code java -version} prints its build ("Runtime Environment
 * (build ...)", java.lang.VersionProps of java.base), and the VM's ("VM (build ...", which libjvm.so prints). A
 * libjvm of another build than the class library must not be used: the JDK-internal interfaces between them (JVM_*
 * functions, well-known classes, injected fields) change in updates.
 *
 * @param release the release file's JAVA_VERSION ("17.0.19")
 * @param runtime the class library's build as {@code java -version} prints it
 * @param vm      the VM's build as {@code java -version} prints it
 */
public record JreVersion(String release, String runtime, String vm) {
    private static final Pattern RUNTIME = Pattern.compile("Runtime Environment \\(build ([^)\\s]+)\\)");
    private static final Pattern VM = Pattern.compile(" VM \\(build ([^,)\\s]+)");
    private static final Pattern RELEASE = Pattern.compile("(?m)^JAVA_VERSION=\"([^\"]+)\"");
    /** A JVM start that prints its version, on a busy machine. */
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(60);

    /** The builds of the JRE in directory JRE: runs its bin/java -version. */
    public static JreVersion of(Path jre) throws IOException {
        String out = ExternalCommand.run(List.of(jre.resolve("bin/java").toString(), "-version"), VERSION_TIMEOUT);
        Path release = jre.resolve("release");
        if (!Files.isRegularFile(release)) {
            throw new IOException("the JRE " + jre + " has no release file to tell its build");
        }
        return parse(out, Files.readString(release, StandardCharsets.UTF_8));
    }

    /** The builds named in the output of {@code java -version} and in a release file. */
    static JreVersion parse(String javaVersion, String releaseFile) throws IOException {
        return new JreVersion(find(RELEASE, releaseFile, "the release file names no JAVA_VERSION"),
                find(RUNTIME, javaVersion, "java -version names no runtime build: " + javaVersion.strip()),
                find(VM, javaVersion, "java -version names no VM build: " + javaVersion.strip()));
    }

    /** Refuses, with one sentence, a JRE whose parts come from different builds. */
    public JreVersion requireOneBuild() throws IOException {
        if (!vm.equals(runtime) || !sameVersionNumber(runtime, release)) {
            throw new IOException("the JRE mixes OpenJDK builds: libjvm.so is " + vm + ", the class library "
                    + runtime + " (release file: " + release + "); build libjvm.so from the source of the JDK the JRE "
                    + "is linked from");
        }
        return this;
    }

    private static boolean sameVersionNumber(String build, String version) {
        try {
            return Runtime.Version.parse(build).version().equals(Runtime.Version.parse(version).version());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String find(Pattern p, String text, String missing) throws IOException {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IOException(missing);
        }
        return m.group(1);
    }
}
