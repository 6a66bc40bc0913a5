import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.felix.atomos.Atomos;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * bench/startup.sh's Apache Felix Atomos candidate, not part of vmboot: every bundle jar on the class path, connected to
 * Felix by Atomos (OSGi Connect) instead of installed from bundle/ by the launcher; the same framework properties as
 * dev.vmboot.launcher.Main gives a one-shot command. Usage: java -cp felix.jar:atomos.jar:BUNDLES:. AtomosDevices SCRIPT
 */
public final class AtomosDevices {
    private AtomosDevices() {
    }

    public static void main(String[] args) throws Exception {
        String home = System.getProperty("vmboot.home");
        Path cache = Files.createTempDirectory("vmboot-atomos");
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put("vmboot.home", home);
        props.put("gosh.home", home);
        props.put("felix.fileinstall.dir", home + "/etc");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.enableConfigSave", "false");
        props.put("felix.fileinstall.log.level", "2");
        props.put("felix.fileinstall.filter", "(?!org\\.apache\\.felix\\.fileinstall-).*\\.(cfg|config)");
        props.put("vmboot.run", String.join(" ", args));
        Framework framework = Atomos.newAtomos().newFramework(props); // installs and starts the class path's bundles
        framework.start();
        framework.waitForStop(0);
        try (var walk = Files.walk(cache)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        System.exit(Integer.parseInt(System.getProperty("vmboot.exit.status", "0")));
    }
}
