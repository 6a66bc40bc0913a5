package dev.vmboot.testkit;

import java.lang.management.ManagementFactory;

/**
 * The heap bytes the current thread has allocated so far, from HotSpot's {@code com.sun.management.ThreadMXBean}:
 * the difference of two readings around a call is what that call allocated (on this thread), whether or not the
 * garbage collector has freed it since. Lets a test check that a decompressor refused a large allocation rather than
 * made it, without needing a heap too small for it.
 */
public final class ThreadAllocation {

    private ThreadAllocation() {
    }

    /** Bytes allocated by the current thread since it started. */
    public static long bytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not count the bytes each thread allocates");
        }
        return threads.getCurrentThreadAllocatedBytes();
    }
}
