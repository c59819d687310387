#!/usr/bin/env python3
"""Writes the TFRecord fixtures of Tests/ZooTests/Fixtures with TensorFlow itself, plus a JSON file of
the values TensorFlow decodes from them, so that the Swift reader is checked against an independent
implementation of TFRecord framing, protobuf encoding and the starter code's dequantization.

Files written into the output directory (default Tests/ZooTests/Fixtures):
  video_level.tfrecord       tf.train.Example, 2018 keys: id, labels, mean_rgb[1024], mean_audio[128]
  frame_level.tfrecord       tf.train.SequenceExample: context id, labels; feature lists rgb, audio
                             (one uint8 byte string of 1024 / 128 bytes per frame)
  video_level_2017.tfrecord  tf.train.Example, 2017 keys: video_id, labels (classes < 4716)
  expected.json              ids, labels, float features, frame bytes (hex) as parsed back by
                             tf.io.parse_single_(sequence_)example, and the 256-entry dequantization
                             table computed by TensorFlow with the starter code's Dequantize.

Reproduce (in a virtual environment at .venv, which git ignores):
  python3 -m venv .venv && .venv/bin/pip install tensorflow-cpu
  .venv/bin/python scripts/make_tf_fixtures.py            # writes Tests/ZooTests/Fixtures

Checking that TensorFlow reads files written by our Swift writer (done by hand, not in the Swift
test suite, which must not need Python):
  mkdir -p /tmp/zoo-swift-written
  ZOO_WRITER_OUTPUT_DIR=/tmp/zoo-swift-written \
      swift test --scratch-path .build-zoo --filter ZooTests.YT8MFixtureTests
  .venv/bin/python scripts/make_tf_fixtures.py --verify-dir /tmp/zoo-swift-written
The Swift test re-encodes every fixture record with our protobuf encoder and TFRecordWriter into that
directory under the same file names; --verify-dir parses them with TensorFlow and compares every value
with expected.json (exit status 0 and "OK" lines on success).
"""
import argparse
import json
import os
import sys

import numpy as np
import tensorflow as tf


def dequantize(feat_vector, max_quantized_value=2, min_quantized_value=-2):
    """google/youtube-8m utils.py Dequantize, unchanged in substance."""
    quantized_range = max_quantized_value - min_quantized_value
    scalar = quantized_range / 255.0
    bias = (quantized_range / 512.0) + min_quantized_value
    return feat_vector * scalar + bias


def video_values(record_index, size, salt):
    """Deterministic float32 feature values: mostly multiples of 1/64, plus a few inexact decimals."""
    values = [((j * 7 + record_index * 13 + salt) % 257 - 128) / 64.0 for j in range(size)]
    values[1] = 0.1            # not representable in float32: checks float32 rounding survives
    values[2] = -1.0 / 3.0
    values[size - 1] = 1e-7
    return [float(np.float32(v)) for v in values]


def frame_bytes(record_index, frame, size, salt):
    return bytes(((frame * 31 + j * 7 + record_index * 11 + salt) % 256) for j in range(size))


VIDEO_RECORDS = [
    # (id, labels or None for "labels key absent")
    ("vid0", [3]),
    ("vid1", []),                        # zero labels (empty int64 list)
    ("vid2", [0, 17, 3861, 512, 2]),     # several labels, unsorted, includes the last class
    ("vid3", None),                      # no labels key at all (as in unlabelled test data)
]

FRAME_RECORDS = [
    # (id, labels, number of frames)
    ("fr00", [5], 3),
    ("fr01", [], 1),
    ("fr02", [1, 3861, 42, 7], 5),
]

VIDEO_2017_RECORDS = [
    ("v2017a", [4715, 1]),
    ("v2017b", [0]),
]


def bytes_feature(values):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=values))


def int64_feature(values):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=values))


def float_feature(values):
    return tf.train.Feature(float_list=tf.train.FloatList(value=values))


def write_video_level(path, records, id_key):
    with tf.io.TFRecordWriter(path) as writer:
        for index, (vid, labels) in enumerate(records):
            feature = {
                id_key: bytes_feature([vid.encode()]),
                "mean_rgb": float_feature(video_values(index, 1024, 1)),
                "mean_audio": float_feature(video_values(index, 128, 5)),
            }
            if labels is not None:
                feature["labels"] = int64_feature(labels)
            writer.write(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())


def write_frame_level(path, records):
    with tf.io.TFRecordWriter(path) as writer:
        for index, (vid, labels, frames) in enumerate(records):
            context = tf.train.Features(feature={
                "id": bytes_feature([vid.encode()]),
                "labels": int64_feature(labels),
            })
            lists = tf.train.FeatureLists(feature_list={
                "rgb": tf.train.FeatureList(feature=[bytes_feature([frame_bytes(index, f, 1024, 0)]) for f in range(frames)]),
                "audio": tf.train.FeatureList(feature=[bytes_feature([frame_bytes(index, f, 128, 3)]) for f in range(frames)]),
            })
            writer.write(tf.train.SequenceExample(context=context, feature_lists=lists).SerializeToString())


def parse_video_level(path, id_key):
    """Parses with TensorFlow's own parser, as the starter reader does."""
    spec = {
        id_key: tf.io.FixedLenFeature([], tf.string),
        "labels": tf.io.VarLenFeature(tf.int64),
        "mean_rgb": tf.io.FixedLenFeature([1024], tf.float32),
        "mean_audio": tf.io.FixedLenFeature([128], tf.float32),
    }
    out = []
    for raw in tf.data.TFRecordDataset(path):
        parsed = tf.io.parse_single_example(raw, spec)
        out.append({
            "id": parsed[id_key].numpy().decode(),
            "labels": [int(x) for x in tf.sparse.to_dense(parsed["labels"]).numpy()],
            "mean_rgb": [float(x) for x in parsed["mean_rgb"].numpy()],
            "mean_audio": [float(x) for x in parsed["mean_audio"].numpy()],
        })
    return out


def parse_frame_level(path):
    context_spec = {"id": tf.io.FixedLenFeature([], tf.string), "labels": tf.io.VarLenFeature(tf.int64)}
    sequence_spec = {"rgb": tf.io.FixedLenSequenceFeature([], tf.string),
                     "audio": tf.io.FixedLenSequenceFeature([], tf.string)}
    out = []
    for raw in tf.data.TFRecordDataset(path):
        context, lists = tf.io.parse_single_sequence_example(raw, context_spec, sequence_spec)
        record = {"id": context["id"].numpy().decode(),
                  "labels": [int(x) for x in tf.sparse.to_dense(context["labels"]).numpy()]}
        for name, size in (("rgb", 1024), ("audio", 128)):
            decoded = tf.reshape(tf.cast(tf.io.decode_raw(lists[name], tf.uint8), tf.float32), [-1, size])
            record[name + "_hex"] = [bytes(int(v) for v in row).hex() for row in decoded.numpy()]
            # Keep the starter's dequantized first and last value of every frame as extra checks.
            deq = dequantize(decoded).numpy()
            record[name + "_dequantized_first_last"] = [[float(row[0]), float(row[-1])] for row in deq]
        out.append(record)
    return out


def dequantize_table():
    all_bytes = tf.constant(bytes(range(256)))
    as_float = tf.cast(tf.io.decode_raw(all_bytes, tf.uint8), tf.float32)
    return [float(x) for x in dequantize(as_float).numpy()]


def expected_from(directory):
    return {
        "dequantize_table": dequantize_table(),
        "files": {
            "video_level.tfrecord": {"level": "video", "format": "2018",
                                     "records": parse_video_level(os.path.join(directory, "video_level.tfrecord"), "id")},
            "frame_level.tfrecord": {"level": "frame", "format": "2018",
                                     "records": parse_frame_level(os.path.join(directory, "frame_level.tfrecord"))},
            "video_level_2017.tfrecord": {"level": "video", "format": "2017",
                                          "records": parse_video_level(os.path.join(directory, "video_level_2017.tfrecord"), "video_id")},
        },
    }


def check_against_intent(expected):
    """The parsed values must be the ones we meant to write (guards the script itself)."""
    video = expected["files"]["video_level.tfrecord"]["records"]
    for index, (vid, labels) in enumerate(VIDEO_RECORDS):
        assert video[index]["id"] == vid and video[index]["labels"] == (labels or [])
        assert video[index]["mean_rgb"] == video_values(index, 1024, 1)
    frames = expected["files"]["frame_level.tfrecord"]["records"]
    for index, (vid, labels, count) in enumerate(FRAME_RECORDS):
        assert frames[index]["id"] == vid and frames[index]["labels"] == labels
        assert frames[index]["rgb_hex"] == [frame_bytes(index, f, 1024, 0).hex() for f in range(count)]
        assert frames[index]["audio_hex"] == [frame_bytes(index, f, 128, 3).hex() for f in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "ZooTests", "Fixtures"))
    parser.add_argument("--verify-dir", help="parse TFRecords written by the Swift writer and compare with expected.json")
    args = parser.parse_args()

    if args.verify_dir:
        with open(os.path.join(args.out, "expected.json")) as f:
            reference = json.load(f)
        actual = expected_from(args.verify_dir)
        ok = True
        for name, entry in reference["files"].items():
            same = actual["files"][name]["records"] == entry["records"]
            print(("OK  " if same else "DIFF") + f" {name}: {len(entry['records'])} records parsed by TensorFlow")
            ok = ok and same
        sys.exit(0 if ok else 1)

    os.makedirs(args.out, exist_ok=True)
    write_video_level(os.path.join(args.out, "video_level.tfrecord"), VIDEO_RECORDS, "id")
    write_frame_level(os.path.join(args.out, "frame_level.tfrecord"), FRAME_RECORDS)
    write_video_level(os.path.join(args.out, "video_level_2017.tfrecord"), VIDEO_2017_RECORDS, "video_id")
    expected = expected_from(args.out)
    check_against_intent(expected)
    expected["generator"] = f"scripts/make_tf_fixtures.py with tensorflow {tf.__version__}"
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print("wrote fixtures to", os.path.abspath(args.out))


if __name__ == "__main__":
    main()
