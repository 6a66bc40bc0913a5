package dev.vmboot.shell.internal;

/** Time for the autoboot countdown: the system's, or one a test moves by hand. */
interface Ticker {
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    };

    long nanoTime();

    void sleep(long millis) throws InterruptedException;
}
