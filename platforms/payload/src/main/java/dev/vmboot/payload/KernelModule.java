package dev.vmboot.payload;

import java.nio.file.Path;
import java.util.List;

/**
 * One loadable kernel module.
 *
 * @param name      its name as the kernel knows it ({@code -} written as {@code _})
 * @param file      the {@code .ko} file
 * @param depends   the modules it needs loaded first (modules.dep, or its {@code .modinfo} {@code depends=})
 * @param softPre   the modules its {@code softdep=pre:} asks for first (loaded when they exist)
 */
public record KernelModule(String name, Path file, List<String> depends, List<String> softPre) {
    public KernelModule {
        depends = List.copyOf(depends);
        softPre = List.copyOf(softPre);
    }

    /** NAME as the kernel spells module names: dashes are underscores (kmod's modname normalisation). */
    public static String normalise(String name) {
        return name.replace('-', '_');
    }
}
