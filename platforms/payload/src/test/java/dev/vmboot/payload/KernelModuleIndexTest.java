package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load order from .modinfo (Debian ships no modules.dep) or modules.dep, as modprobe would load them. */
class KernelModuleIndexTest {
    @TempDir
    Path root;

    @Test
    void loadsDependenciesFirstFromModinfo() throws IOException {
        module("arch/x86/kvm/kvm-amd.ko", "name=kvm_amd", "depends=kvm,ccp");
        module("arch/x86/kvm/kvm.ko", "name=kvm", "depends=irqbypass");
        module("virt/lib/irqbypass.ko", "name=irqbypass", "depends=");
        module("drivers/crypto/ccp/ccp.ko", "name=ccp", "depends=");
        module("fs/xfs/xfs.ko", "name=xfs", "depends=", "softdep=pre: crc32c missing_soft");
        module("lib/crc32c.ko", "name=crc32c");
        KernelModuleIndex index = KernelModuleIndex.of(root, List.of());
        assertEquals(List.of("irqbypass", "kvm", "ccp", "kvm_amd"), names(index.loadOrder(List.of("kvm-amd"))));
        assertEquals(List.of("crc32c", "xfs", "irqbypass", "kvm"), names(index.loadOrder(List.of("xfs", "kvm"))));
    }

    @Test
    void leavesOutBuiltinModulesAndRefusesMissingOnes() throws IOException {
        module("drivers/block/virtio_blk.ko", "name=virtio_blk", "depends=virtio,virtio_ring");
        module("drivers/virtio/virtio.ko", "name=virtio");
        Files.writeString(root.resolve("modules.builtin"), "kernel/drivers/virtio/virtio_ring.ko\n");
        KernelModuleIndex index = KernelModuleIndex.of(root, List.of());
        assertEquals(List.of("virtio", "virtio_blk"), names(index.loadOrder(List.of("virtio_blk", "virtio_ring"))));
        assertTrue(index.isBuiltin("virtio-ring"));
        IOException e = assertThrows(IOException.class, () -> index.loadOrder(List.of("nvme")));
        assertTrue(e.getMessage().contains("nvme"), e.getMessage());
    }

    @Test
    void prefersModulesDepAndTakesOverridesByTheirOwnName() throws IOException {
        module("a.ko", "name=a", "depends=b");
        module("b.ko", "name=b");
        module("c.ko", "name=c");
        Files.writeString(root.resolve("modules.dep"), "kernel/a.ko: kernel/c.ko\nkernel/b.ko:\nkernel/c.ko:\n");
        Path patched = root.resolve("a-rebuilt-1234.ko");
        Files.write(patched, TestElf.relocatable(Map.of(".modinfo", TestElf.modinfo("name=a", "depends=b"))));
        List<KernelModule> order = KernelModuleIndex.of(root, List.of(patched)).loadOrder(List.of("a"));
        assertEquals(List.of("c", "a"), names(order));
        assertEquals(patched, order.get(1).file());
    }

    @Test
    void refusesCycles() throws IOException {
        module("a.ko", "name=a", "depends=b");
        module("b.ko", "name=b", "depends=a");
        IOException e = assertThrows(IOException.class,
                () -> KernelModuleIndex.of(root, List.of()).loadOrder(List.of("a")));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void refusesAFileThatIsNoModule() throws IOException {
        Files.createDirectories(root.resolve("kernel"));
        Files.writeString(root.resolve("kernel/x.ko"), "not elf");
        assertThrows(IOException.class, () -> KernelModuleIndex.of(root, List.of()).loadOrder(List.of("x")));
    }

    private void module(String path, String... modinfo) throws IOException {
        Path f = root.resolve("kernel").resolve(path);
        Files.createDirectories(f.getParent());
        Map<String, byte[]> sections = new LinkedHashMap<>();
        sections.put(".text", new byte[16]);
        sections.put(".modinfo", TestElf.modinfo(modinfo));
        Files.write(f, TestElf.relocatable(sections));
    }

    private static List<String> names(List<KernelModule> modules) {
        return modules.stream().map(KernelModule::name).toList();
    }
}
