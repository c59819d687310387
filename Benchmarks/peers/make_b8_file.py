#!/usr/bin/env python3
"""Write a synthetic frame-level YouTube-8M TFRecord file for benchmark B8.

Usage:  $PEER_PYTHON Benchmarks/peers/make_b8_file.py --out /tmp/b8.tfrecord --records 1000 --seed 0

Each record is a tf.train.SequenceExample laid out like the real frame-level
release (google/youtube-8m readers.py YT8MFrameFeatureReader):
  context       id      bytes         b"b8_00000" ...
                labels  int64 list    1..5 distinct classes of 3862 (mean 3), sorted
  feature_lists rgb     one bytes entry per frame, 1024 raw uint8 values
                audio   one bytes entry per frame,  128 raw uint8 values
Frame counts are uniform in 1..300. The content is random (seeded), so a file
is reproducible byte for byte for a given --records/--seed and TF version.
Written with TensorFlow's own TFRecordWriter, so lengths and CRCs are exactly
what tf.data expects. Prints one JSON line: path, records, bytes, frames.
"""

import argparse
import json
import os

RGB, AUDIO, CLASSES, MAX_FRAMES = 1024, 128, 3862, 300


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--records", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep stdout/stderr quiet
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(args.seed)
    total_frames = 0
    with tf.io.TFRecordWriter(args.out) as writer:
        for i in range(args.records):
            frames = int(rng.integers(1, MAX_FRAMES + 1))
            total_frames += frames
            n_labels = int(rng.integers(1, 6))
            labels = np.sort(rng.choice(CLASSES, size=n_labels, replace=False))
            rgb = rng.integers(0, 256, size=(frames, RGB), dtype=np.uint8)
            audio = rng.integers(0, 256, size=(frames, AUDIO), dtype=np.uint8)

            context = tf.train.Features(feature={
                "id": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"b8_%05d" % i])),
                "labels": tf.train.Feature(int64_list=tf.train.Int64List(value=labels.tolist())),
            })

            def frame_list(m):
                return tf.train.FeatureList(feature=[
                    tf.train.Feature(bytes_list=tf.train.BytesList(value=[row.tobytes()]))
                    for row in m])

            lists = tf.train.FeatureLists(feature_list={
                "rgb": frame_list(rgb), "audio": frame_list(audio)})
            ex = tf.train.SequenceExample(context=context, feature_lists=lists)
            writer.write(ex.SerializeToString())

    print(json.dumps({"path": args.out, "records": args.records,
                      "bytes": os.path.getsize(args.out), "frames": total_frames}))


if __name__ == "__main__":
    main()
