/*
 * frame-sender: the guest side of bench/net.sh's packets-per-second measure. Sends UDP datagrams of PAYLOAD bytes
 * to ADDR:PORT for SECONDS of the monotonic clock, in batches of sendmmsg(2), and prints one line:
 *   VMBOOT-NET-FRAMES sent=<datagrams the kernel took> failed=<calls that returned an error> ms=<elapsed> payload=<n>
 * 18 bytes of payload make a 60-byte Ethernet frame (14 Ethernet + 20 IPv4 + 8 UDP + 18), 64 bytes with the frame
 * check sequence a tap never carries: the smallest frame of IEEE 802.3 and RFC 2544's "64-byte" frame.
 * The socket blocks, so the sender is paced by the driver (an skb is freed when the device has used its buffer);
 * datagrams the queueing discipline drops still count as sent here, which is why bench/net.sh counts on the host
 * side what the VMM really delivered to the tap.
 * Built statically by make-initramfs.sh (the guest has busybox and nothing else).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32          /* datagrams per sendmmsg call */
#define MAX_PAYLOAD 1472  /* 1500-byte MTU - 20 IPv4 - 8 UDP: one frame per datagram, no IP fragments */
#define MAX_SECONDS 600

static long parse(const char *text, long min, long max, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *text == '\0' || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "frame-sender: %s must be a number from %ld to %ld, not '%s'\n", what, min, max, text);
        exit(2);
    }
    return v;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: frame-sender ADDR PORT SECONDS PAYLOAD\n");
        return 2;
    }
    struct sockaddr_in to = { .sin_family = AF_INET };
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
        fprintf(stderr, "frame-sender: ADDR must be an IPv4 address, not '%s'\n", argv[1]);
        return 2;
    }
    to.sin_port = htons((unsigned short) parse(argv[2], 1, 65535, "PORT"));
    long seconds = parse(argv[3], 1, MAX_SECONDS, "SECONDS");
    long payload = parse(argv[4], 0, MAX_PAYLOAD, "PAYLOAD");

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &to, sizeof to) != 0) {
        fprintf(stderr, "frame-sender: socket to %s:%s: %s\n", argv[1], argv[2], strerror(errno));
        return 1;
    }
    static char data[MAX_PAYLOAD];
    memset(data, 'v', sizeof data);
    struct iovec iov = { .iov_base = data, .iov_len = (size_t) payload };
    struct mmsghdr batch[BATCH];
    memset(batch, 0, sizeof batch);
    for (int i = 0; i < BATCH; i++) {
        batch[i].msg_hdr.msg_iov = &iov;
        batch[i].msg_hdr.msg_iovlen = 1;
    }

    unsigned long long sent = 0, failed = 0;
    long long start = now_ms(), end = start + seconds * 1000, t = start;
    while (t < end) {
        int n = sendmmsg(fd, batch, BATCH, 0);
        if (n > 0) {
            sent += (unsigned long long) n;
        } else {
            /* ENOBUFS or ECONNREFUSED (an ICMP port unreachable came back): count it, let the device drain */
            failed++;
            usleep(1000);
        }
        t = now_ms();
    }
    printf("VMBOOT-NET-FRAMES sent=%llu failed=%llu ms=%lld payload=%ld\n", sent, failed, t - start, payload);
    close(fd);
    return 0;
}
