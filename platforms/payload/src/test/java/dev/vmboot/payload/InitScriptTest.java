package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitScriptTest {
    @TempDir
    Path tmp;

    @Test
    void isValidShellThatStartsVmbootAndThenTheRescueShellOrPowerOff() throws Exception {
        for (boolean rescue : List.of(true, false)) {
            String init = InitScript.text("test", rescue);
            Path f = tmp.resolve("init-" + rescue);
            Files.writeString(f, init);
            Process p = new ProcessBuilder("sh", "-n", f.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(init.startsWith("#!/bin/sh\n"));
            assertTrue(init.contains("mount -t devtmpfs devtmpfs /dev"));
            assertTrue(init.contains("insmod /lib/modules/$m.ko"));
            assertTrue(init.contains(
                    "thp=/sys/kernel/mm/transparent_hugepage/enabled\n[ -w $thp ] && echo madvise >$thp\n"));
            assertTrue(init.contains("setsid cttyhack /opt/vmboot/bin/vmboot --autoboot\n"));
            assertTrue(init.contains("export JAVA_HOME=/opt/jre\n"));
            assertTrue(init.contains("export VMBOOT_CDS=off\n"));
            assertTrue(init.contains("[ \"$TERM\" = linux ] && TERM=xterm\n"));
            assertEquals(rescue, init.contains("exec setsid cttyhack /bin/sh"));
            assertEquals(!rescue, init.contains("poweroff -f"));
            assertFalse(init.contains("\t"));
        }
    }
}
