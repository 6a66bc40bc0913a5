package dev.vmboot.virtio.blk.internal;

/** What {@link BlkRequest#parse} makes of a descriptor chain: a request to carry out, or a refusal. */
sealed interface BlkParsed permits BlkRequest, BlkRefusal {
}
