"""`ganlib translate` and `ganlib translate-folder` on tiny image folders."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from ganlib.cli import main


def _folder(root, names, side: str, value: int) -> None:
    for i, name in enumerate(names):
        pixels = np.full((16, 16, 1), (value + 20 * i) % 256, np.uint8)
        path = root / side / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tf.io.write_file(str(path), tf.io.encode_png(pixels))


@pytest.mark.slow
def test_paired_train_then_translate_a_folder(tmp_path) -> None:
    names = [f"{i}.png" for i in range(8)]
    _folder(tmp_path / "data", names, "A", 0)
    _folder(tmp_path / "data", names, "B", 255)
    run = tmp_path / "run"
    common = ["--size", "16", "--color", "grayscale", "--batch-size", "4", "--filters", "4"]
    assert (
        main(["translate", str(tmp_path / "data"), "--out", str(run), "--steps", "2", *common]) == 0
    )
    assert {"generator.keras", "translate.json", "translation.png"} <= {
        p.name for p in run.iterdir()
    }
    assert any((run / "checkpoints").iterdir())
    assert main(["translate", "--out", str(run), "--resume", "--epochs", "2"]) == 0
    out = tmp_path / "translated"
    assert (
        main(["translate-folder", str(run), str(tmp_path / "data" / "A"), "--out", str(out)]) == 0
    )
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(names)
    image = tf.io.decode_png(tf.io.read_file(str(out / names[0])))
    assert tuple(image.shape) == (16, 16, 1)


def test_errors_are_one_line_exit_2(tmp_path, capsys) -> None:
    (tmp_path / "A").mkdir()
    assert main(["translate", str(tmp_path), "--out", str(tmp_path / "run")]) == 2
    assert main(["translate-folder", str(tmp_path / "nope"), str(tmp_path)]) == 2
    assert main(["translate-folder", str(tmp_path), str(tmp_path), "--direction", "b_to_a"]) == 2
    err = capsys.readouterr().err
    assert "ganlib translate: error:" in err and "generator_ba.keras" in err
