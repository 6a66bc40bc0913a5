package dev.vmboot.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IaslTest {
    @Test
    void withoutIaslTheTablesTestsFailSayingWhatInstallsIt(@TempDir Path tmp) {
        Path missing = tmp.resolve("iasl");
        AssertionError e = assertThrows(AssertionError.class, () -> Iasl.require(missing));
        assertEquals("no " + missing + ": these tests need ACPICA's iasl; scripts/install-deps installs it (Debian "
                + "package acpica-tools)", e.getMessage());
    }
}
