package dev.vmboot.machine.internal.virtio;

/** A doorbell in plain Java, for transports without ioeventfd (tests, and MMIO notifications). */
final class LatchDoorbell implements Doorbell {
    private boolean rung;

    @Override
    public synchronized void ring() {
        rung = true;
        notifyAll();
    }

    @Override
    public synchronized void await() throws InterruptedException {
        while (!rung) {
            wait();
        }
        rung = false;
    }

    @Override
    public void close() {
    }
}
