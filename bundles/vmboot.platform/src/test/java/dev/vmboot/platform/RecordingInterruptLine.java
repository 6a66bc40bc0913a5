package dev.vmboot.platform;

import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.device.InterruptLine;

/** An interrupt line that remembers every level it was driven to. */
final class RecordingInterruptLine implements InterruptLine {

    final List<Boolean> levels = new ArrayList<>();

    @Override
    public synchronized void set(boolean asserted) {
        levels.add(asserted);
    }

    synchronized boolean asserted() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }
}
