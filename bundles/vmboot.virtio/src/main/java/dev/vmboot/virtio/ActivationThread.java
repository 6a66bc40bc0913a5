package dev.vmboot.virtio;

/**
 * The thread a device starts for one activation to serve a queue on its own (never on a vCPU's thread nor the
 * transport's worker), with what wakes it and what stops it: {@link #wake} when the driver notifies the queue,
 * {@link #stop} when the device is reset, so that nothing of the activation runs after reset returns.
 * <p>
 * A subclass puts the serving loop in {@link #run}; its waits synchronize on {@code this}, check {@link #stopping()}
 * (and {@link #notified()} when a notification should end them) and consume a notification with
 * {@link #clearNotified()}. {@link #wake} and {@link #stop} {@code notifyAll} on {@code this}.
 * <p>
 * Threading: {@link #start} once, from the thread that activates the device; {@link #wake} from any thread, at any
 * time, before or after start or stop; {@link #stop} from any thread but the serving thread itself. The flags are
 * guarded by {@code this}.
 */
public abstract class ActivationThread {

    private final Thread thread;
    // Guarded by this.
    private boolean notified;
    private boolean stopping;

    /** A daemon thread named {@code name}, not yet started. */
    protected ActivationThread(String name) {
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** The serving loop; it returns once {@link #stopping()}, or when the queue cannot be served any more. */
    protected abstract void run();

    /** Starts the thread. */
    public final void start() {
        thread.start();
    }

    /** The driver notified the queue: wakes a wait that ends on {@link #notified()}. */
    public final synchronized void wake() {
        notified = true;
        notifyAll();
    }

    /**
     * Tells the serving loop to stop, wakes its waits, and joins the thread for at most {@code joinMillis}; an
     * interrupt of the caller ends the join early and is kept set.
     *
     * @return true if the thread has ended; false if it is still running (the caller logs that)
     */
    public final boolean stop(long joinMillis) {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        try {
            thread.join(joinMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** True once {@link #stop} was called. */
    protected final synchronized boolean stopping() {
        return stopping;
    }

    /** True if {@link #wake} was called since the last {@link #clearNotified()}. */
    protected final synchronized boolean notified() {
        return notified;
    }

    /** Consumes the notification. */
    protected final synchronized void clearNotified() {
        notified = false;
    }
}
