#!/usr/bin/env python3
"""TensorFlow tf.data peer for benchmark B8 (tfrecord-read), see docs/benchmarks.md.

Usage:  $PEER_PYTHON Benchmarks/peers/tf_peer.py B8 --file PATH --threads 2
        (PATH is a frame-level YouTube-8M TFRecord file; make_b8_file.py writes one.)

Pipeline, as the YouTube-8M starter code's YT8MFrameFeatureReader does it:
TFRecordDataset (reads records, checks the length and data CRC-32C of each)
-> parse SequenceExample (context `id`, `labels`; feature lists `rgb`, `audio`)
-> decode_raw uint8 -> dequantize x = q*4/255 + (4/512 - 2)
-> truncate / zero-pad to 300 frames (padding after dequantization, so padded
   rows are exactly 0) -> concat rgb|audio to [300, 1152]
-> labels to a multi-hot float [3862] -> batches of --batch (default 32).
Each batch is (id [B] string, features [B,300,1152] f32, num_frames [B] i32,
labels [B,3862] f32).

Two standard ways to write that with tf.data are available:
  --mode batched (default, the faster here): batch the serialized records first,
      then one vectorised parse_sequence_example (RaggedFeature) per batch;
  --mode single: the starter code's shape, parse_single_sequence_example per
      record in a parallel map, then batch.
--warmup (default 1) untimed passes over the file, then --passes (default 10) timed full
passes; peer_ms is the median pass time, records_per_s and mb_per_s
(10^6 bytes of file per second) derive from it. Prints one JSON line on stdout.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workload", choices=("B8",))
    p.add_argument("--file", required=True, help="frame-level YouTube-8M TFRecord file")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--passes", "--steps", dest="passes", type=int, default=10,
                   help="timed passes (median reported); --steps is the benchmark runner's name for it")
    p.add_argument("--warmup", type=int, default=1,
                   help="untimed passes before the timed ones (at least 1: the first counts the records)")
    p.add_argument("--mode", choices=("batched", "single"), default="batched")
    return p.parse_args()


ARGS = parse_args()
if not os.path.isfile(ARGS.file):
    sys.exit(f"tf_peer: no such file {ARGS.file!r} (make one with make_b8_file.py)")

# Thread pools read these when the libraries load; set before importing TF.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TF's banner off stdout/stderr
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)


def current_rss_mb():
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


import tensorflow as tf  # noqa: E402

FRAMEWORK_MB = current_rss_mb()

# Must happen before the first op runs.
tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(ARGS.threads)

RGB, AUDIO, CLASSES, MAX_FRAMES = 1024, 128, 3862, 300
SCALE = 4.0 / 255.0            # (max - min) / 255 with max = 2, min = -2
BIAS = 4.0 / 512.0 - 2.0       # range / 512 + min  (google/youtube-8m utils.Dequantize)

CONTEXT = {
    "id": tf.io.FixedLenFeature([], tf.string),
    "labels": tf.io.VarLenFeature(tf.int64),
}


def dequantize(q):
    return tf.cast(q, tf.float32) * SCALE + BIAS


# ------------------------------------------------ --mode single (per record)

def parse_single(serialized):
    ctx, seq = tf.io.parse_single_sequence_example(
        serialized, context_features=CONTEXT,
        sequence_features={"rgb": tf.io.FixedLenSequenceFeature([], tf.string),
                           "audio": tf.io.FixedLenSequenceFeature([], tf.string)})

    def frames(name, size):
        x = dequantize(tf.reshape(tf.io.decode_raw(seq[name], tf.uint8), [-1, size]))
        x = x[:MAX_FRAMES]
        return tf.pad(x, [[0, MAX_FRAMES - tf.shape(x)[0]], [0, 0]])

    num_frames = tf.minimum(tf.shape(seq["rgb"])[0], MAX_FRAMES)
    features = tf.ensure_shape(tf.concat([frames("rgb", RGB), frames("audio", AUDIO)], axis=1),
                               [MAX_FRAMES, RGB + AUDIO])
    idx = tf.expand_dims(ctx["labels"].values, 1)
    labels = tf.minimum(tf.scatter_nd(idx, tf.ones_like(idx[:, 0], tf.float32), [CLASSES]), 1.0)
    return ctx["id"], features, num_frames, labels


# ------------------------------------------------ --mode batched (per batch)

def parse_batch(serialized):
    ctx, seq, _ = tf.io.parse_sequence_example(
        serialized, context_features=CONTEXT,
        sequence_features={"rgb": tf.io.RaggedFeature(tf.string),
                           "audio": tf.io.RaggedFeature(tf.string)})

    def frames(name, size):
        rt = seq[name]                                   # ragged [B, frames] of strings
        q = tf.reshape(tf.io.decode_raw(rt.flat_values, tf.uint8), [-1, size])
        x = tf.RaggedTensor.from_row_splits(dequantize(q), rt.row_splits, validate=False)
        # to_tensor truncates to / zero-pads up to the requested shape.
        return x.to_tensor(0.0, shape=[None, MAX_FRAMES, size])

    num_frames = tf.cast(tf.minimum(seq["rgb"].row_lengths(), MAX_FRAMES), tf.int32)
    features = tf.concat([frames("rgb", RGB), frames("audio", AUDIO)], axis=2)
    labels = tf.cast(tf.sparse.to_indicator(ctx["labels"], CLASSES), tf.float32)
    return ctx["id"], features, num_frames, labels


def make_dataset(path, mode, batch, threads):
    ds = tf.data.TFRecordDataset(path)
    if mode == "single":
        ds = ds.map(parse_single, num_parallel_calls=tf.data.AUTOTUNE).batch(batch)
    else:
        ds = ds.batch(batch).map(parse_batch, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    opts = tf.data.Options()
    opts.threading.private_threadpool_size = threads   # tf.data's own pool = --threads
    return ds.with_options(opts)


def one_pass(ds):
    records = 0
    for _, features, _, _ in ds:       # eager iteration materialises every batch
        records += int(features.shape[0])
    return records


def main():
    ds = make_dataset(ARGS.file, ARGS.mode, ARGS.batch, ARGS.threads)
    records = one_pass(ds)             # warm-up pass (also counts the records)
    for _ in range(ARGS.warmup - 1):
        one_pass(ds)
    times = []
    for _ in range(max(1, ARGS.passes)):
        t0 = time.perf_counter()
        n = one_pass(ds)
        times.append(time.perf_counter() - t0)
        assert n == records
    sec = statistics.median(times)
    nbytes = os.path.getsize(ARGS.file)
    result = {
        "id": "B8",
        "peer_ms": sec * 1e3,
        "records_per_s": records / sec,
        "mb_per_s": nbytes / sec / 1e6,
        "peer_peak_mb": peak_rss_mb(),
        "framework_mb": FRAMEWORK_MB,
        "records": records,
        "file_bytes": nbytes,
        "batch": ARGS.batch,
        "mode": ARGS.mode,
        "threads": ARGS.threads,
        "timed_passes": len(times),
        "tensorflow": tf.__version__,
        "unit": "ms/pass",
    }
    result = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
