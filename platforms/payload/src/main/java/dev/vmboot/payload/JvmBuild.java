package dev.vmboot.payload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A purpose-built libjvm.so (and libjimage.so, linked with libstdc++ built in like it) and the Debian JDK of the same
 * OpenJDK build they belong to, as platforms/jvm/build-libjvm.sh leaves them in one directory: {@code libjvm.so},
 * {@code libjimage.so} and {@code jdk/} (that JDK's home, whose jlink and jmods make the payload's JRE).
 *
 * @param jdk       the JDK home the JRE is jlinked from
 * @param libjvm    the libjvm.so that replaces the JRE's lib/server/libjvm.so
 * @param libjimage the libjimage.so that replaces the JRE's lib/libjimage.so
 */
public record JvmBuild(Path jdk, Path libjvm, Path libjimage) {
    /** The JVM variant directory of the JRE the launcher loads libjvm.so from (jlink --vm=server, lib/jvm.cfg). */
    static final String SERVER_LIBJVM = "lib/server/libjvm.so";
    /** java.base's reader of lib/modules, which the VM loads at start (ClassLoader::load_jimage_library). */
    static final String LIBJIMAGE = "lib/libjimage.so";

    /** The build in DIR, refused with one sentence when DIR is not what build-libjvm.sh prints. */
    public static JvmBuild in(Path dir) throws IOException {
        JvmBuild b = new JvmBuild(dir.resolve("jdk"), dir.resolve("libjvm.so"), dir.resolve("libjimage.so"));
        for (Path p : new Path[] {b.libjvm, b.libjimage, b.jlink(), b.jdk.resolve("jmods/java.base.jmod")}) {
            if (!Files.isRegularFile(p)) {
                throw new IOException(dir + " is not a libjvm build of platforms/jvm/build-libjvm.sh (no " + p + ")");
            }
        }
        return b;
    }

    /** That JDK's own jlink: it links its own jmods, of the libjvm's build. */
    public Path jlink() {
        return jdk.resolve("bin/jlink");
    }
}
