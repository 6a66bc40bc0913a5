package dev.vmboot.payload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.X86Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Builds a platform's LinuxBoot payload: the kernel, and an initramfs (cpio newc, xz with a CRC32 check, the only
 * checks besides none that the kernel's xz decoder takes: lib/xz/xz_dec_stream.c) holding busybox and /init, the
 * shared libraries the JRE and vmboot's native code need, a jlinked JRE, the vmboot distribution with stored jars and
 * x86-64 Linux natives only, and the platform's kernel modules. Writes {@code bzImage}, {@code initramfs.cpio.xz} and
 * {@code size-report.txt} to the output directory.
 *
 * @param platform        what the platform needs and may weigh
 * @param distribution    the built vmboot distribution (distribution/target/vmboot)
 * @param kernelTree      an unpacked kernel package: boot/vmlinuz-VERSION and lib/modules/VERSION
 * @param moduleOverrides modules that replace the kernel's own of the same name (the CR8-patched kvm-amd.ko)
 * @param busybox         a static busybox
 * @param jvm             a purpose-built libjvm and the JDK of its build to jlink the JRE from
 *                        (platforms/jvm/build-libjvm.sh); empty: the JRE is jlinked from the JDK running the builder
 * @param output          where the payload is written (emptied first)
 */
public record PayloadBuilder(PlatformConfig platform, Path distribution, Path kernelTree, List<Path> moduleOverrides,
                             Path busybox, Optional<JvmBuild> jvm, Path output) {
    private static final Logger LOG = LoggerFactory.getLogger(PayloadBuilder.class);
    /** Where the libraries go in the initramfs: Debian's multiarch directory, which ld.so searches by default. */
    static final String LIB_DIR = "lib/x86_64-linux-gnu";
    /** The time of the entries the builder makes itself (not copied from a file): 2000-01-01T00:00:00Z. */
    static final long SYNTHETIC_MTIME = 946684800L;
    /** Linux's console device, major 5 minor 1 (Documentation/admin-guide/devices.txt). */
    private static final int CONSOLE_MAJOR = 5;
    private static final int CONSOLE_MINOR = 1;
    /**
     * The jrt file system provider for other JDKs (JEP 220: a tool on another Java version reads this image with it);
     * the payload's own JVM reads its image with java.base's provider. Needed here (JdkClassClosure, JrePackages open
     * the JRE as a jrt file system), left out of the initramfs: 0.1 MiB.
     */
    static final String JRT_FS = "lib/jrt-fs.jar";
    /** jlink of a whole JRE (about 20 s of CPU) on a busy machine. */
    private static final Duration JLINK_TIMEOUT = Duration.ofMinutes(10);
    /** strip of the JRE's native code (a second or two) on a busy machine. */
    private static final Duration STRIP_TIMEOUT = Duration.ofMinutes(5);
    /** How many of the classes a trimmed JRE lacks the error names. */
    private static final int MISSING_SHOWN = 20;

    public PayloadBuilder {
        moduleOverrides = List.copyOf(moduleOverrides);
    }

    public SizeReport build() throws IOException {
        deleteTree(output);
        Files.createDirectories(output);
        Path work = output.resolve("work");
        String kver = kernelVersion();
        Path kernel = kernelTree.resolve("boot/vmlinuz-" + kver);
        if (!Files.isRegularFile(kernel)) {
            throw new IOException("no kernel " + kernel);
        }
        checkKernelConfig(kver);
        if (!Files.isRegularFile(distribution.resolve("bin/vmboot"))) {
            throw new IOException(distribution + " is not a built vmboot distribution (no bin/vmboot)");
        }

        Path jre = work.resolve("jre");
        jlink(jre);
        JreVersion version = JreVersion.of(jre).requireOneBuild();
        LOG.info("the JRE is OpenJDK {} with {} libjvm", version.runtime(),
                jvm.isPresent() ? "a purpose-built" : "its own");
        Path bundles = work.resolve("bundle");
        Files.createDirectories(bundles);
        List<Path> elfRoots = new ArrayList<>(elfFiles(jre));
        elfRoots.addAll(elfFiles(distribution.resolve("lib/native")));
        Path natives = work.resolve("jar-natives");
        Set<String> absentPackages = new TreeSet<>(JrePackages.ofThisRuntime());
        absentPackages.removeAll(JrePackages.of(jre));
        List<String> optionalImports = new ArrayList<>();
        int dropped = 0;
        BundleClassClosure slim = BundleClassClosure.of(JdkClassClosure.jars(distribution), platform.bundlesSlim());
        try (Stream<Path> s = Files.list(distribution.resolve("bundle"))) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                String name = jar.getFileName().toString();
                StoredJar r = StoredJar.rewrite(jar, bundles.resolve(name), absentPackages,
                        slim.dropped().getOrDefault(name, Set.of()), slim.emptied().getOrDefault(name, Set.of()));
                dropped += r.nativesDropped().size();
                r.madeOptional().forEach(p -> optionalImports.add(jar.getFileName() + ": " + p));
                for (Map.Entry<String, byte[]> e : r.keptElf().entrySet()) {
                    Path f = natives.resolve(jar.getFileName().toString()).resolve(e.getKey());
                    Files.createDirectories(f.getParent());
                    Files.write(f, e.getValue());
                    elfRoots.add(f);
                }
            }
        }
        LOG.info("left out {} native libraries for other platforms", dropped);
        // What the payload holds: the rewritten bundles and the distribution's other jars (the launcher, Felix).
        List<Path> payloadJars = new ArrayList<>(JdkClassClosure.jars(bundles));
        JdkClassClosure.jars(distribution).stream().filter(j -> !j.startsWith(distribution.resolve("bundle")))
                .forEach(payloadJars::add);
        JdkClassClosure closure = JdkClassClosure.of(payloadJars, platform.jreModules(), jre);
        if (!closure.missing().isEmpty()) {
            StringBuilder m = new StringBuilder();
            closure.missing().entrySet().stream().limit(MISSING_SHOWN)
                    .forEach(e -> m.append("\n  ").append(e.getKey()).append(" (from ").append(e.getValue()).append(')'));
            throw new IOException("the JRE lacks " + closure.missing().size() + " classes the distribution can load"
                    + " (drop their patterns from " + platform.name() + "'s jre.exclude):" + m);
        }
        LOG.info("the JRE has all {} JDK classes the distribution can reach", closure.reached().size());
        // The vmboot home as the initramfs holds it: the distribution with the rewritten bundles, without the
        // build's own kept bundle caches and class-data archive (made for this host's paths and JDK), and with a
        // bundle cache made for the payload's path instead.
        Path stagedRoot = work.resolve("root");
        Path home = stagedRoot.resolve(InitScript.VMBOOT_DIR);
        copyTree(distribution, home, rel -> !rel.startsWith("bundle/") && !isDistributionCds(rel)
                && !rel.equals(BundleCachePrimer.CACHE_DIR + "/") && !rel.startsWith(BundleCachePrimer.CACHE_DIR + "/"));
        copyTree(bundles, home.resolve("bundle"), rel -> true);
        new BundleCachePrimer(jre, InitScript.VMBOOT_DIR, SYNTHETIC_MTIME).prime(stagedRoot);
        SharedLibraryClosure libs = SharedLibraryClosure.of(elfRoots, LibrarySearchPath.host());
        KernelModuleIndex index = KernelModuleIndex.of(kernelTree.resolve("lib/modules/" + kver), moduleOverrides);
        List<KernelModule> modules = index.loadOrder(platform.kernelModules());

        List<PartSize> parts = new ArrayList<>();
        Path initramfs = output.resolve("initramfs.cpio.xz");
        long overhead;
        try (OutputStream file = Files.newOutputStream(initramfs)) {
            CountingOutputStream counted = new CountingOutputStream(file);
            XZOutputStream xz = new XZOutputStream(counted, lzma2(), XZ.CHECK_CRC32);
            NewcCpioWriter cpio = new NewcCpioWriter(xz, SYNTHETIC_MTIME);
            Part part = new Part(cpio, xz, counted, parts, platform.xzX86Filter() ? lzma2() : null);

            part.begin("base");
            cpio.directory("dev", 0755);
            cpio.charDevice("dev/console", 0600, CONSOLE_MAJOR, CONSOLE_MINOR);
            for (String d : List.of("proc", "sys", "tmp", "run", "root")) {
                cpio.directory(d, d.equals("tmp") ? 01777 : 0755);
            }
            part.bytes("init", 0755, InitScript.text(platform.name(), platform.rescueShell())
                    .getBytes(StandardCharsets.UTF_8));
            part.end();

            // busybox with the libraries, in one part and so one XZ block (a part's end ends the block when BCJ is
            // on): its static libc is much of the shared one, which xz then finds in its dictionary (0.26 MiB).
            part.begin("libs");
            part.file("bin/busybox", 0755, busybox);
            cpio.symlink("bin/sh", "busybox");
            if (libs.interpreter().isPresent()) {
                Map.Entry<String, Path> interp = libs.interpreter().get();
                String name = interp.getKey().substring(interp.getKey().lastIndexOf('/') + 1);
                part.file(LIB_DIR + "/" + name, 0755, interp.getValue());
                String at = interp.getKey().substring(1);
                if (!at.equals(LIB_DIR + "/" + name)) {
                    cpio.symlink(at, "/" + LIB_DIR + "/" + name);
                }
            }
            for (Map.Entry<String, Path> l : libs.libraries().entrySet()) {
                part.file(LIB_DIR + "/" + l.getKey(), 0755, l.getValue());
            }
            part.end();

            part.begin("jre");
            part.tree(jre, InitScript.JRE_DIR, p -> !isCds(p) && !p.equals(JRT_FS));
            part.end();

            part.begin("cds");
            part.tree(jre, InitScript.JRE_DIR, PayloadBuilder::isCds);
            part.end();

            part.begin("bundles");
            part.tree(home, InitScript.VMBOOT_DIR, p -> !p.startsWith(BundleCachePrimer.CACHE_DIR + "/"));
            part.end();

            part.begin("cache");
            // Owner only, as the launcher makes it: what is installed from here runs as whoever runs vmboot.
            cpio.directory(InitScript.VMBOOT_DIR + "/" + BundleCachePrimer.CACHE_DIR, 0700);
            part.tree(home.resolve(BundleCachePrimer.CACHE_DIR), InitScript.VMBOOT_DIR + "/" + BundleCachePrimer.CACHE_DIR,
                    p -> true);
            part.end();

            part.begin("modules");
            StringBuilder order = new StringBuilder();
            for (KernelModule m : modules) {
                Path ko = m.file();
                if (moduleOverrides.contains(ko)) {
                    // Built out of tree with its debug information (the lab's kvm-amd.ko: 4.1 MiB, 0.4 stripped);
                    // INSTALL_MOD_STRIP=1 strips the same way. The package's own modules come stripped and signed.
                    ko = work.resolve("modules").resolve(m.name() + ".ko");
                    Files.createDirectories(ko.getParent());
                    Files.copy(m.file(), ko, StandardCopyOption.REPLACE_EXISTING);
                    strip(List.of(ko), "--strip-debug");
                }
                part.file(InitScript.MODULE_DIR + "/" + m.name() + ".ko", 0644, ko);
                order.append(m.name()).append('\n');
            }
            part.bytes(InitScript.MODULE_ORDER, 0644, order.toString().getBytes(StandardCharsets.UTF_8));
            part.end();

            cpio.finish();
            xz.finish();
            overhead = counted.count() - parts.stream().mapToLong(PartSize::packed).sum();
        }
        Path bzImage = output.resolve("bzImage");
        Files.copy(kernel, bzImage, StandardCopyOption.REPLACE_EXISTING);
        parts.add(new PartSize("kernel", 1, Files.size(bzImage), Files.size(bzImage)));
        SizeReport report = new SizeReport(platform.name(), parts, overhead, platform.flashBudget());
        StringBuilder text = new StringBuilder(report.table());
        text.append("kernel ").append(kver).append(", modules in load order: ");
        modules.forEach(m -> text.append(m.name()).append(' '));
        text.append('\n').append("shared libraries: ").append(String.join(" ", libs.libraries().keySet())).append('\n');
        text.append("JRE: OpenJDK ").append(version.runtime()).append(", libjvm.so ")
                .append(jvm.map(j -> "and libjimage.so purpose-built (platforms/jvm/build-libjvm.sh: "
                        + j.libjvm().getParent() + ")")
                        .orElse("the JDK's own")).append('\n');
        text.append("JDK classes the distribution can reach (all in the JRE): ").append(closure.reached().size())
                .append('\n');
        text.append("classes no other class can load, left out of library bundles (bundles.slim):");
        slim.dropped().forEach((jar, classes) -> text.append(' ').append(jar).append(' ')
                .append(classes.size()).append(" of ")
                .append(classes.size() + slim.kept().getOrDefault(jar, Set.of()).size()));
        text.append('\n');
        text.append("imports of packages the JRE lacks, made optional: ").append(String.join(", ", optionalImports))
                .append('\n');
        Files.writeString(output.resolve("size-report.txt"), text);
        return report;
    }

    /**
     * Refuses a kernel whose configuration (boot/config-VERSION, where the tree has one) could not unpack this
     * initramfs: xz (CONFIG_RD_XZ) and, with xz.x86, the x86 BCJ filter (CONFIG_XZ_DEC_X86), without which the kernel
     * stops at the first BCJ block with "initramfs unpacking failed" and no /init.
     */
    private void checkKernelConfig(String kver) throws IOException {
        Path config = kernelTree.resolve("boot/config-" + kver);
        if (!Files.isRegularFile(config)) {
            LOG.warn("no {}: cannot check that the kernel unpacks xz{}", config, platform.xzX86Filter() ? " with BCJ" : "");
            return;
        }
        Set<String> lines = Set.copyOf(Files.readAllLines(config, StandardCharsets.UTF_8));
        List<String> needed = platform.xzX86Filter() ? List.of("CONFIG_RD_XZ=y", "CONFIG_XZ_DEC_X86=y")
                : List.of("CONFIG_RD_XZ=y");
        for (String n : needed) {
            if (!lines.contains(n)) {
                throw new IOException("kernel " + kver + " lacks " + n + " (" + config + "): it could not unpack the "
                        + "initramfs" + (n.contains("X86") ? "; set xz.x86 = false for it" : ""));
            }
        }
    }

    private String kernelVersion() throws IOException {
        Path mods = kernelTree.resolve("lib/modules");
        List<String> versions;
        try (Stream<Path> s = Files.list(mods)) {
            versions = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (versions.size() != 1) {
            throw new IOException(mods + " holds " + versions.size() + " kernel versions " + versions
                    + ": the payload takes exactly one");
        }
        return versions.get(0);
    }

    /**
     * jlinks the JRE: with the JDK running the builder (its ToolProvider), or with the JDK of the purpose-built
     * libjvm (its own bin/jlink and jmods), whose libjvm.so and libjimage.so then replace the linked ones. The class-
     * data archive is made by the JRE's final libjvm: an archive records the VM build that dumped it and no other VM
     * maps it.
     */
    private void jlink(Path jre) throws IOException {
        List<String> args = new ArrayList<>(List.of("--add-modules", String.join(",", platform.jreModules()),
                "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=0", "--vm=server",
                "--output", jre.toString()));
        args.addAll(platform.jreExclude());
        if (jvm.isPresent()) {
            List<String> cmd = new ArrayList<>(List.of(jvm.get().jlink().toString()));
            cmd.addAll(args);
            ExternalCommand.run(cmd, JLINK_TIMEOUT);
            Files.copy(jvm.get().libjvm(), jre.resolve(JvmBuild.SERVER_LIBJVM), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(jvm.get().libjimage(), jre.resolve(JvmBuild.LIBJIMAGE), StandardCopyOption.REPLACE_EXISTING);
            if (platform.jreCds()) {
                ExternalCommand.run(List.of(jre.resolve("bin/java").toString(), "-Xshare:dump"), JLINK_TIMEOUT);
            }
        } else {
            if (platform.jreCds()) {
                args.add("--generate-cds-archive");
            }
            ToolProvider jlink = ToolProvider.findFirst("jlink")
                    .orElseThrow(() -> new IOException("this JDK has no jlink (run the builder with a full JDK)"));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (PrintWriter w = new PrintWriter(log, true, StandardCharsets.UTF_8)) {
                int rc = jlink.run(w, w, args.toArray(String[]::new));
                if (rc != 0) {
                    throw new IOException("jlink failed (" + rc + "): " + log.toString(StandardCharsets.UTF_8).strip());
                }
            }
        }
        // Compressed oops are on for any heap under 32 GiB: the archive for the other mode is never used here.
        Files.deleteIfExists(jre.resolve("lib/server/classes_nocoops.jsa"));
        strip(elfFiles(jre), "--strip-unneeded");
    }

    /**
     * Runs binutils' strip with HOW on FILES: {@code --strip-unneeded} removes the symbol tables the JDK's native code
     * keeps (libjvm.so: 4 MiB of .symtab/.strtab), which jlink's --strip-native-debug-symbols does not, and keeps what
     * linking needs; {@code --strip-debug} only the debug sections.
     */
    private static void strip(List<Path> files, String how) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("strip", how));
        for (Path f : files) {
            if (!f.toFile().setWritable(true, true)) { // jlink leaves some files read-only
                throw new IOException("cannot make " + f + " writable to strip it");
            }
            cmd.add(f.toString());
        }
        ExternalCommand.run(cmd, STRIP_TIMEOUT);
    }

    private LZMA2Options lzma2() throws IOException {
        try {
            LZMA2Options o = new LZMA2Options(platform.xzPreset());
            if (platform.xzDict() != 0) {
                o.setDictSize((int) platform.xzDict());
            }
            return o;
        } catch (org.tukaani.xz.UnsupportedOptionsException e) {
            throw new IOException(e);
        }
    }

    /**
     * The distribution's class-data archives (lib/vmboot-base.jsa, lib/vmboot.jsa) are made for the host JDK at the
     * build path; the payload cannot use them.
     */
    private static boolean isDistributionCds(String relative) {
        return relative.startsWith("lib/") && relative.endsWith(".jsa");
    }

    private static boolean isCds(String relative) {
        return relative.endsWith(".jsa"); // a directory ("lib/") is never one
    }

    /** ELF header (System V gABI, "ELF Header"): e_type at offset 16; ET_EXEC 2 and ET_DYN 3 are linked code. */
    private static final int E_TYPE = 16;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;

    /**
     * Whether FILE is a linked ELF object, an executable or shared library: what x86 BCJ helps. A relocatable object
     * (a kernel module, ET_REL) has its call targets zero until it is loaded; BCJ gains nothing on it, and the qemu-q35
     * payload's modules took 0.08 MiB more in blocks of their own.
     */
    static boolean isLinkedElf(Path file) throws IOException {
        byte[] head = new byte[E_TYPE + 2];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) != head.length || !ElfFile.hasElfMagic(head)) {
                return false;
            }
        }
        int type = (head[E_TYPE] & 0xff) | (head[E_TYPE + 1] & 0xff) << 8; // x86-64: little-endian
        return type == ET_EXEC || type == ET_DYN;
    }

    /** Regular files under DIR that are ELF objects. */
    private static List<Path> elfFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                byte[] head = new byte[4];
                try (var in = Files.newInputStream(p)) {
                    if (in.readNBytes(head, 0, 4) == 4 && ElfFile.hasElfMagic(head)) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Copies the files, directories and symbolic links of FROM that KEEP takes (their paths relative to FROM, a
     * directory's with a trailing slash; a directory left out takes all below it along) into TO.
     */
    static void copyTree(Path from, Path to, Predicate<String> keep) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = s.sorted().toList();
        }
        Set<Path> left = new LinkedHashSet<>();
        for (Path p : all) {
            Path rel = from.relativize(p);
            if (p.equals(from)) {
                Files.createDirectories(to);
                continue;
            }
            boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            if (left.contains(p.getParent()) || !keep.test(rel + (dir ? "/" : ""))) {
                left.add(p);
                continue;
            }
            Path target = to.resolve(rel.toString());
            if (dir) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Writes the parts and measures each: its files, its bytes, and the xz bytes written while it was written. With
     * an x86 filter, every linked ELF object goes into an XZ block whose filter chain is x86 BCJ then LZMA2 (xz-file-format
     * section 5.3.3: call targets made absolute, so that repeated calls compress; the kernel's decoder has it with
     * CONFIG_XZ_DEC_X86), everything else into LZMA2-only blocks: BCJ on class files and text costs more than it
     * saves, on machine code it saves 8% (libjvm.so: 4.82 MiB of xz, 4.43 with BCJ). A new block starts with an
     * empty dictionary, so the files of a tree are written ELF objects first, one switch each way.
     */
    private static final class Part {
        private final NewcCpioWriter cpio;
        private final XZOutputStream xz;
        private final CountingOutputStream counted;
        private final List<PartSize> parts;
        /** The chain of the blocks of ELF objects (x86 BCJ, LZMA2); null: one chain for everything. */
        private final FilterOptions[] elfFilters;
        private final FilterOptions[] plainFilters;
        private boolean inElfBlock;
        private String name;
        private int files;
        private long raw;
        private long start;

        Part(NewcCpioWriter cpio, XZOutputStream xz, CountingOutputStream counted, List<PartSize> parts,
             LZMA2Options x86Lzma2) {
            this.cpio = cpio;
            this.xz = xz;
            this.counted = counted;
            this.parts = parts;
            this.elfFilters = x86Lzma2 == null ? null : new FilterOptions[] {new X86Options(), x86Lzma2};
            this.plainFilters = x86Lzma2 == null ? null : new FilterOptions[] {x86Lzma2};
        }

        /** Ends the current block and starts one with the other chain if the next file (ELF or not) needs it. */
        private void block(boolean elf) throws IOException {
            if (elfFilters != null && elf != inElfBlock) {
                xz.endBlock();
                xz.updateFilters(elf ? elfFilters : plainFilters);
                inElfBlock = elf;
            }
        }

        void begin(String part) {
            name = part;
            files = 0;
            raw = 0;
            start = counted.count();
        }

        void file(String at, int perm, Path source) throws IOException {
            file(at, perm, source, elfFilters != null && isLinkedElf(source));
        }

        /** SOURCE at AT; ELF: whether it is a linked ELF object, known to the caller already. */
        private void file(String at, int perm, Path source, boolean elf) throws IOException {
            block(elf);
            cpio.file(at, perm, source);
            files++;
            raw += Files.size(source);
        }

        void bytes(String at, int perm, byte[] content) throws IOException {
            block(false);
            cpio.file(at, perm, content);
            files++;
            raw += content.length;
        }

        /** The files and symbolic links under ROOT whose relative path passes KEEP, below AT. */
        void tree(Path root, String at, Predicate<String> keep) throws IOException {
            List<Path> all;
            try (Stream<Path> s = Files.walk(root)) {
                all = s.filter(p -> !p.equals(root)).sorted().toList();
            }
            List<Path> regular = new ArrayList<>();
            for (Path p : all) {
                String rel = root.relativize(p).toString();
                String target = at + "/" + rel;
                if (Files.isSymbolicLink(p)) {
                    if (keep.test(rel)) {
                        cpio.symlink(target, Files.readSymbolicLink(p).toString());
                    }
                } else if (Files.isRegularFile(p) && keep.test(rel)) {
                    regular.add(p);
                } else if (Files.isDirectory(p) && keep.test(rel + "/") && !cpio.contains(target)) {
                    cpio.directory(target, 0755);
                }
            }
            Set<Path> elf = new LinkedHashSet<>();
            if (elfFilters != null) { // linked ELF objects first: one block switch for the tree
                for (Path p : regular) {
                    if (isLinkedElf(p)) {
                        elf.add(p);
                    }
                }
            }
            for (Path p : elf) {
                file(at + "/" + root.relativize(p), Files.isExecutable(p) ? 0755 : 0644, p, true);
            }
            for (Path p : regular) {
                if (!elf.contains(p)) {
                    file(at + "/" + root.relativize(p), Files.isExecutable(p) ? 0755 : 0644, p, false);
                }
            }
        }

        /**
         * Ends the part: everything written so far is pushed through xz so that its share can be counted (in a block
         * with BCJ, which cannot be flushed, xz-java ends the block: the next part starts with an empty dictionary).
         */
        void end() throws IOException {
            xz.flush();
            parts.add(new PartSize(name, files, raw, counted.count() - start));
        }
    }
}
