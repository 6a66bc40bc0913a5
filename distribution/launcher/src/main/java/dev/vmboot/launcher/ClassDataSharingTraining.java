package dev.vmboot.launcher;

import java.net.URL;
import java.util.Enumeration;

import org.osgi.framework.Bundle;

/**
 * The build's class data sharing training run ({@code VMBOOT_CDS=create}) archives the classes that run loads. A build
 * machine has no KVM, so it cannot boot a VM, and the classes of the VMM, the boot protocols and JNA would stay out of
 * the archive; this loads every class of those bundles (through each bundle's own class loader, without initialising
 * any) so the JVM archives them too. Measured in the nested lab: the boot path loaded about 300 classes from their
 * jars, each read and verified on every start.
 */
final class ClassDataSharingTraining {
    private ClassDataSharingTraining() {
    }

    /** Bundles whose classes a boot uses: vmboot's own and JNA. */
    static boolean isTrained(Bundle bundle) {
        String name = bundle.getSymbolicName();
        return name != null && (name.startsWith("vmboot.") || name.equals("com.sun.jna"));
    }

    static void loadAllClasses(Bundle[] bundles) {
        for (Bundle bundle : bundles) {
            if (!isTrained(bundle)) {
                continue;
            }
            Enumeration<URL> entries = bundle.findEntries("/", "*.class", true);
            while (entries != null && entries.hasMoreElements()) {
                String path = entries.nextElement().getPath();
                if (path.contains("-")) {
                    continue; // META-INF/versions/..., module-info: not classes of this bundle's packages
                }
                String name = path.substring(1, path.length() - ".class".length()).replace('/', '.');
                try {
                    // Reflection links the class (HotSpot archives only linked classes) without initialising it.
                    bundle.loadClass(name).getDeclaredFields();
                } catch (ClassNotFoundException | LinkageError e) {
                    // A class whose optional dependency is missing (JNA's platform-specific parts): not needed here.
                }
            }
        }
    }
}
