package dev.vmboot.fs.fat.internal;

import java.util.Arrays;

/**
 * A cluster chain as runs of consecutive clusters: a contiguous file is one run however long, a fragmented one has
 * a run per fragment. Built once per file and cached, so that reads need no FAT access.
 */
final class ClusterRuns {
    private long[] starts = new long[4];
    private long[] lengths = new long[4];
    /** Index within the chain of each run's first cluster. */
    private long[] firsts = new long[4];
    private int count;
    private long clusters;

    /** Appends {@code cluster}, extending the last run when it follows on. */
    void add(long cluster) {
        if (count > 0 && starts[count - 1] + lengths[count - 1] == cluster) {
            lengths[count - 1]++;
        } else {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
                firsts = Arrays.copyOf(firsts, count * 2);
            }
            firsts[count] = clusters;
            starts[count] = cluster;
            lengths[count] = 1;
            count++;
        }
        clusters++;
    }

    /** Number of runs. */
    int count() {
        return count;
    }

    /** First cluster of run {@code i}. */
    long start(int i) {
        return starts[i];
    }

    /** Clusters in run {@code i}. */
    long length(int i) {
        return lengths[i];
    }

    /** Index within the chain of run {@code i}'s first cluster. */
    long first(int i) {
        return firsts[i];
    }

    /** The run holding the chain's {@code index}-th cluster (0-based, less than {@link #clusters()}). */
    int runOf(long index) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firsts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Clusters in the chain. */
    long clusters() {
        return clusters;
    }
}
