package dev.vmboot.api.boot;

/** An image that cannot be booted, with the reason in terms of its format. */
public class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    public BootException(String message) {
        super(message);
    }

    public BootException(String message, Throwable cause) {
        super(message, cause);
    }
}
