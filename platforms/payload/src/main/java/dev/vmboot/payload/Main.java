package dev.vmboot.payload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code Main --platform FILE --distribution DIR (--kernel-tree DIR | --lab-cache DIR) [--module-override KO]...
 * [--busybox FILE] [--jvm DIR] --output DIR}: builds the payload, prints its size report, and exits with status 1 when it exceeds the platform's
 * flash budget (the Maven build fails then), 2 on bad arguments. {@code --jvm}: the directory
 * platforms/jvm/build-libjvm.sh printed, whose JDK makes the JRE and whose libjvm.so replaces the JDK's.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Path platform = null;
        Path distribution = null;
        Path kernelTree = null;
        Path labCache = null;
        Path output = null;
        Path jvm = null;
        Path busybox = Path.of("/bin/busybox");
        List<Path> overrides = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                Path v = Path.of(args[++i]);
                switch (a) {
                    case "--platform" -> platform = v;
                    case "--distribution" -> distribution = v;
                    case "--kernel-tree" -> kernelTree = v;
                    case "--lab-cache" -> labCache = v;
                    case "--output" -> output = v;
                    case "--busybox" -> busybox = v;
                    case "--module-override" -> overrides.add(v);
                    case "--jvm" -> jvm = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (platform == null || distribution == null || (kernelTree == null) == (labCache == null)
                    || output == null) {
                throw new IllegalArgumentException("--platform, --distribution, --output and one of --kernel-tree and "
                        + "--lab-cache are needed");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("payload: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            if (labCache != null) {
                LabKernel k = LabKernel.find(labCache);
                kernelTree = k.tree();
                overrides.addAll(k.overrides());
            }
            SizeReport report = new PayloadBuilder(PlatformConfig.load(platform), distribution, kernelTree, overrides,
                    busybox, jvm == null ? Optional.empty() : Optional.of(JvmBuild.in(jvm)), output).build();
            System.out.print(report.table());
            if (!report.withinBudget()) {
                System.err.println("payload: " + ByteSize.mib(report.total()) + " exceeds " + report.platform()
                        + "'s flash budget of " + ByteSize.mib(report.budget()));
                System.exit(1);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("payload: " + e.getMessage());
            System.exit(1);
        }
    }
}
