"""Opens the training-curve PNG of a run with Pillow, a decoder independent of
ours, and checks it against the SVG beside it: a valid 8-bit RGB PNG at twice
the SVG's width and height, white background, every series colour of the SVG
present in its pixels.

Usage: python scripts/curve_png_check.py RUN_DIR   (run by scripts/tensorboard_interop.sh)
"""
import re
import sys

from PIL import Image

run = sys.argv[1]
svg = open(run + "/training-curves.svg").read()
width, height = (int(v) for v in re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg).groups())
with Image.open(run + "/training-curves.png") as image:
    image.verify()                                   # chunk CRCs, zlib stream and structure
with Image.open(run + "/training-curves.png") as image:
    assert image.format == "PNG" and image.mode == "RGB", (image.format, image.mode)
    assert image.size == (2 * width, 2 * height), f"PNG {image.size}, SVG {width}×{height}"
    pixels = image.load()
    assert pixels[0, 0] == (255, 255, 255), f"background {pixels[0, 0]}"
    colours = {colour: count for count, colour in image.getcolors(maxcolors=1 << 22)}
series = sorted(set(re.findall(r'<polyline[^>]*stroke="#([0-9a-f]{6})" stroke-opacity="1"', svg)))
assert series, "the SVG has no opaque series line"
for hex_colour in series:
    rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    assert colours.get(rgb, 0) > 100, f"series colour #{hex_colour} covers {colours.get(rgb, 0)} pixels"
print(f"OK: Pillow read training-curves.png ({2 * width}×{2 * height}, {len(colours)} colours), "
      f"the figure of the SVG with its {len(series)} series colours")
