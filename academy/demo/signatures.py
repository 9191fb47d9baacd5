"""Signature images for the demo's signatories: a pen stroke drawn from the signer's name.

Real signatories upload a scan in the admin; the demo draws its own (nobody's real signature),
repeatably, so that the demo certificates show what a signed one looks like.
"""

import io
import math
import random

from PIL import Image, ImageDraw

INK = (20, 40, 90, 255)


def signature_png(name: str, *, width: int = 600, height: int = 180) -> bytes:
    """A PNG, transparent background, of a flowing pen stroke seeded by ``name``."""
    rng = random.Random(name)  # noqa: S311 - a drawing, not a secret
    # Drawn at twice the size and scaled down, for smooth edges.
    scale = 2
    image = Image.new("RGBA", (width * scale, height * scale), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    loops = 5 + len(name.split()[0]) % 4
    phases = [rng.uniform(0, math.tau) for _ in range(3)]
    points = []
    steps = 420
    for i in range(steps):
        t = i / (steps - 1)
        x = 0.06 + 0.78 * t + 0.035 * math.sin(t * loops * math.tau + phases[0])
        y = (
            0.5
            - 0.22 * math.sin(t * loops * math.tau + phases[1]) * (1 - 0.5 * t)
            + 0.08 * math.sin(t * 2.3 * math.tau + phases[2])
            + 0.1 * (t - 0.5)
        )
        points.append((x * width * scale, y * height * scale))
    draw.line(points, fill=INK, width=5 * scale, joint="curve")
    # The closing flourish: a long, shallow stroke under the name.
    flourish = [
        (width * scale * (0.12 + 0.8 * t), height * scale * (0.82 - 0.12 * math.sin(t * math.pi)))
        for t in (i / 60 for i in range(61))
    ]
    draw.line(flourish, fill=INK, width=3 * scale, joint="curve")
    image = image.resize((width, height), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
