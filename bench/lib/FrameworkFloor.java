import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * bench/startup.sh's floor candidates: what the framework and the OSGi services vmboot is built on cost to start and
 * stop, with no vmboot bundle and no command. Starts Felix with the bundle cache CACHE (kept between runs, as the
 * launcher keeps its own: a bundle installed there before is found, not installed again), installs the jars given by
 * reference, starts them, starts the framework and stops it. Usage: FrameworkFloor CACHE [JAR...]
 */
public final class FrameworkFloor {
    private FrameworkFloor() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FrameworkFloor CACHE [JAR...]");
            System.exit(2);
        }
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, args[0]);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(config);
        framework.init();
        List<Bundle> startable = new ArrayList<>(); // fragments are not started
        for (int i = 1; i < args.length; i++) {
            Path jar = Path.of(args[i]);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no bundle jar " + jar);
            }
            Bundle b = framework.getBundleContext().installBundle("reference:" + jar.toUri());
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                startable.add(b);
            }
        }
        for (Bundle b : startable) {
            b.start();
        }
        framework.start();
        for (Bundle b : startable) {
            if (b.getState() != Bundle.ACTIVE) {
                throw new BundleException(b.getSymbolicName() + " did not start");
            }
        }
        framework.stop();
        framework.waitForStop(0);
    }
}
