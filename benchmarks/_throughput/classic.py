"""The classic Keras GAN loop (Keras 2 style, `train_on_batch` with `trainable` toggled)."""

from __future__ import annotations

import time
from typing import Any

from _throughput.base import Variant
from _throughput.models import build_models, step_flops


class Classic(Variant):
    """The classic Keras GAN loop, made to train correctly on Keras 3; fakes from `predict`.

    Keras 3 reads `trainable` when a model's train function is first traced, not at
    `compile()` (docs/performance.md, PITFALLS #1). So: compile D while trainable and trace
    its train function with one `train_on_batch`; then set `d.trainable = False`, build and
    compile the combined model and trace it with one `train_on_batch`. The toggles in the loop
    are kept (they are what the classic code does) and change nothing afterwards.
    """

    name = "classic"
    describe = "`train_on_batch` loop, `trainable` toggled, fakes from `g.predict`"

    def setup(self) -> None:
        import keras
        import numpy as np

        self.g, self.d = build_models(self.family, sigmoid_d=True)
        self.flops = step_flops(self.g, self.d, self.batch)
        self.d.compile(
            loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5)
        )
        z = keras.Input((100,))
        self.d.trainable = False
        self.gan = keras.Model(z, self.d(self.g(z)))
        self.gan.compile(
            loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5)
        )
        self.d.trainable = True
        self.rng = np.random.default_rng(0)
        self.labels = np.concatenate(
            [np.full((self.batch, 1), 0.9, "float32"), np.zeros((self.batch, 1), "float32")]
        )
        self.ones = np.ones((self.batch, 1), "float32")

    def _step(self) -> None:
        import numpy as np

        idx = self.rng.integers(0, len(self.x), self.batch)
        real = self.x[idx]
        noise = self.rng.standard_normal((self.batch, 100)).astype("float32")
        fake = self._generate(noise)
        self.d.trainable = True
        self.d.train_on_batch(np.concatenate([real, fake]), self.labels)
        self.d.trainable = False
        noise = self.rng.standard_normal((self.batch, 100)).astype("float32")
        self.gan.train_on_batch(noise, self.ones)

    def _generate(self, noise: Any) -> Any:
        return self.g.predict(noise, verbose=0)

    def first_step(self) -> None:
        # The first trace order above is what makes the loop train both networks.
        self._step()

    def check(self) -> dict[str, bool]:
        """Whether the D step moves D, and the G step moves G but not D."""
        import numpy as np

        def snap(model: Any) -> list[np.ndarray]:
            return [np.array(w) for w in model.get_weights()]

        def moved(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
            return any(not np.array_equal(u, v) for u, v in zip(a, b, strict=True))

        noise = self.rng.standard_normal((self.batch, 100)).astype("float32")
        real = self.x[: self.batch]
        fake = self._generate(noise)
        d0, g0 = snap(self.d), snap(self.g)
        self.d.trainable = True
        self.d.train_on_batch(np.concatenate([real, fake]), self.labels)
        d1, g1 = snap(self.d), snap(self.g)
        self.d.trainable = False
        self.gan.train_on_batch(noise, self.ones)
        d2, g2 = snap(self.d), snap(self.g)
        return {
            "d_step_updates_d": moved(d0, d1),
            "d_step_freezes_g": not moved(g0, g1),
            "g_step_updates_g": moved(g1, g2),
            "g_step_freezes_d": not moved(d1, d2),
        }

    def timed(self, steps: int) -> float:
        start = time.perf_counter()
        for _ in range(steps):
            self._step()
        return time.perf_counter() - start


class ClassicOnBatch(Classic):
    """The classic loop with `generator.predict_on_batch` instead of `predict` (a stronger
    baseline: Keras 3's `predict` builds a data adapter on every call)."""

    name = "classic_pob"
    describe = "the same loop, fakes from `g.predict_on_batch`"

    def _generate(self, noise: Any) -> Any:
        return self.g.predict_on_batch(noise)


class ClassicDirect(Classic):
    """The classic loop with the generator called directly, `g(z, training=False)` (the
    well-written classic loop of issue 14's table)."""

    name = "classic_direct"
    describe = "the same loop, fakes from `g(z, training=False)` called directly"

    def _generate(self, noise: Any) -> Any:
        return self.g(noise, training=False).numpy()
