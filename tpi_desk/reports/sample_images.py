"""Synthetic ultrasound pictures for the sample notes: a sector of speckle with a bright fascial
line and a needle, drawn here from a fixed seed (the same bytes every time, so sample notes
render byte for byte alike). No real image or patient anywhere.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.ultrasound_images import UltrasoundImage


def sample_scan(
    file_name: str, *, width: int = 640, height: int = 480, seed: int = 1, jpeg: bool = False
) -> UltrasoundImage:
    """A made-up B-mode still as a PNG (or JPEG) file called ``file_name``."""
    picture = scan_picture(width, height, seed)
    buffer = io.BytesIO()
    if jpeg:
        picture.save(buffer, format="JPEG", quality=90)
    else:
        picture.save(buffer, format="PNG")
    return read_ultrasound_image(file_name, buffer.getvalue())


def scan_picture(width: int, height: int, seed: int) -> Image.Image:
    """Greyscale speckle inside a fan, brighter near the probe, crossed by a fascial line,
    with a needle coming in from the upper left."""
    generator = random.Random(seed)
    noise = Image.frombytes("L", (width, height), generator.randbytes(width * height))
    noise = noise.filter(ImageFilter.GaussianBlur(0.8))
    fade = Image.linear_gradient("L").resize((width, height)).point(lambda value: 255 - value)
    speckle = Image.composite(noise, Image.new("L", (width, height), 0), fade)
    fan = Image.new("L", (width, height), 0)
    apex = (width // 2, -height // 3)
    reach = int(height * 1.3)
    ImageDraw.Draw(fan).pieslice(
        (apex[0] - reach, apex[1] - reach, apex[0] + reach, apex[1] + reach),
        start=55,
        end=125,
        fill=255,
    )
    scan = Image.composite(speckle, Image.new("L", (width, height), 0), fan)
    draw = ImageDraw.Draw(scan)
    fascia_y = height * (0.35 + 0.1 * generator.random())
    draw.line(
        [(0, fascia_y), (width, fascia_y + height * 0.05)], fill=210, width=max(2, height // 80)
    )
    draw.line(
        [(width * 0.12, height * 0.08), (width * 0.55, fascia_y - height * 0.02)],
        fill=250,
        width=max(1, height // 160),
    )
    return Image.composite(scan, Image.new("L", (width, height), 0), fan)
