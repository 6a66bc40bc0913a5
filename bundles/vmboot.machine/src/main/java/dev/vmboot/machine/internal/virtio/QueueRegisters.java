package dev.vmboot.machine.internal.virtio;

/**
 * What the driver programmed for one queue through the common configuration (virtio 1.2, 4.1.4.3): its size and the
 * guest addresses of the descriptor table, the driver area (available ring) and the device area (used ring).
 *
 * @param size          queue size the driver chose
 * @param descriptors   queue_desc
 * @param driverArea    queue_driver: the available ring
 * @param deviceArea    queue_device: the used ring
 */
public record QueueRegisters(int size, long descriptors, long driverArea, long deviceArea) {
}
