package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastBootedStateTest {
    @TempDir
    Path dir;

    @Test
    void whatIsWrittenIsReadBackAndNothingElseIsLeftBeside() throws IOException {
        LastBootedState state = new LastBootedState(dir.resolve("var/last-booted"));
        assertEquals(Optional.empty(), state.read());

        state.write(new LastBootedState.Booted("GUID-1", "/firmware/OVMF.fd"));
        state.write(new LastBootedState.Booted("GUID-2", "/EFI/debian/vmlinuz"));

        assertEquals(Optional.of(new LastBootedState.Booted("GUID-2", "/EFI/debian/vmlinuz")), state.read());
        assertEquals("GUID-2\t/EFI/debian/vmlinuz\n", Files.readString(dir.resolve("var/last-booted")));
        try (Stream<Path> files = Files.list(dir.resolve("var"))) {
            assertEquals(List.of(dir.resolve("var/last-booted")), files.toList());
        }
    }

    @Test
    void aFileNotOfTheFormOrTooLongIsIgnored() throws IOException {
        Path file = dir.resolve("last-booted");
        LastBootedState state = new LastBootedState(file);
        for (String text : List.of("", "no tab here\n", "\t/path\n", "key\trelative\n", "a\t/b\nc\t/d\n")) {
            Files.writeString(file, text);
            assertEquals(Optional.empty(), state.read(), text);
        }
        Files.writeString(file, "key\t/" + "x".repeat(LastBootedState.MAX_BYTES));
        assertEquals(Optional.empty(), state.read());
    }

    @Test
    void aNameWithALineBreakIsNotWritten() throws IOException {
        Path file = dir.resolve("last-booted");
        LastBootedState state = new LastBootedState(file);
        state.write(new LastBootedState.Booted("k", "/a"));

        assertThrows(IOException.class, () -> state.write(new LastBootedState.Booted("k", "/a\nb")));
        assertEquals("k\t/a\n", Files.readString(file));
    }
}
