"""Arguments of `ganlib translate` and `ganlib translate-folder` (see `ganlib.cli.translate`)."""

from __future__ import annotations

from typing import Any


def add_translate(sub: Any, types: dict[str, Any]) -> None:
    """Adds `ganlib translate` (train a translator on ROOT/A and ROOT/B) to `sub`.

    `types` holds the parser's argument types: positive_int, positive_float, non_negative_int.
    """
    positive_int, positive_float = types["positive_int"], types["positive_float"]
    non_negative_int = types["non_negative_int"]
    p = sub.add_parser(
        "translate",
        help="train an image-to-image translator on ROOT/A and ROOT/B",
        description="Train pix2pix on ROOT/A -> ROOT/B paired by file name, or CycleGAN with "
        "--unpaired. Writes generator.keras, translate.json, translation.png and checkpoints "
        "inside --out.",
    )
    p.add_argument("root", nargs="?", metavar="ROOT", help="folder with A/ and B/")
    p.add_argument("--out", default="runs/translate", metavar="DIR", help="run folder")
    p.add_argument("--unpaired", action="store_true", help="CycleGAN on unpaired A/ and B/")
    p.add_argument("--size", type=positive_int, default=64, metavar="N", help="image side (64)")
    p.add_argument("--color", choices=("grayscale", "rgb"), default="rgb", help="channels (rgb)")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=positive_int, metavar="N", help="passes over the data")
    length.add_argument("--steps", type=positive_int, metavar="N", help="about N steps (1000)")
    p.add_argument("--batch-size", type=positive_int, default=16, metavar="N", help="(16)")
    p.add_argument("--filters", type=positive_int, default=32, metavar="N", help="base width")
    p.add_argument("--blocks", type=positive_int, default=6, metavar="N", help="ResNet blocks")
    p.add_argument(
        "--weight", type=positive_float, default=None, metavar="W",
        help="L1 weight (100, paired) or cycle weight (10, unpaired)",
    )  # fmt: skip
    p.add_argument("--seed", type=non_negative_int, default=0, metavar="S", help="seed (0)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out")
    p.add_argument("--verbose", action="store_true", help="one line per epoch")


def add_translate_folder(sub: Any) -> None:
    """Adds `ganlib translate-folder` (apply a trained translator to a folder) to `sub`."""
    p = sub.add_parser(
        "translate-folder",
        help="translate a folder of images with a trained translator",
        description="Translate every image under INPUTS with RUN_DIR/generator.keras "
        "(or generator_ba.keras with --direction b_to_a); PNGs of the same names in --out.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="folder written by ganlib translate")
    p.add_argument("inputs", metavar="INPUTS", help="folder of images to translate")
    p.add_argument("--out", default="translated", metavar="DIR", help="output folder")
    p.add_argument("--direction", choices=("a_to_b", "b_to_a"), default="a_to_b")
