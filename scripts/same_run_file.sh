#!/bin/sh
# Whether two files of training runs are the same: byte for byte, except
# that a metrics.csv is compared without its wall-clock columns
# (examples_per_s, data_wait_fraction), which no two runs share even when
# they train identically. Exits 0 when they are the same, 1 when not.
# Usage: scripts/same_run_file.sh FILE_A FILE_B
set -eu
case "$1" in
  *metrics.csv)
    strip='BEGIN { FS = OFS = "," }
      NR == 1 { for (i = 1; i <= NF; i++) keep[i] = ($i != "examples_per_s" && $i != "data_wait_fraction") }
      { line = ""; sep = ""; for (i = 1; i <= NF; i++) if (keep[i]) { line = line sep $i; sep = "," }; print line }'
    a=$(awk "$strip" "$1") && b=$(awk "$strip" "$2") && [ "$a" = "$b" ] ;;
  *) cmp -s "$1" "$2" ;;
esac
