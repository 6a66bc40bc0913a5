package dev.vmboot.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a thread-directed SIGPIPE is safe to send: only when this process catches it (HotSpot does and ignores it).
 * Otherwise its default action would kill the process, and {@link KvmVcpu#kick} relies on {@code immediate_exit}
 * alone (the vCPU then stops at its next exit).
 */
final class SignalKick {
    private static final Logger LOG = LoggerFactory.getLogger(SignalKick.class);

    static final boolean AVAILABLE = pipeSignalCaught();

    private SignalKick() {
    }

    private static boolean pipeSignalCaught() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigCgt:")) {
                    long caught = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    boolean ok = (caught & (1L << (LibC.SIGPIPE - 1))) != 0;
                    if (!ok) {
                        LOG.warn("SIGPIPE is not caught by this JVM: stopping a vCPU waits for its next VM exit");
                    }
                    return ok;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("cannot read /proc/self/status ({}): stopping a vCPU waits for its next VM exit", e.toString());
        }
        return false;
    }
}
