"""`GANTrainer` variants: compile options (XLA, steps_per_execution) and input (numpy array,
a `tf.data` pipeline, or `ganlib.data.DeviceData` drawn inside the compiled step)."""

from __future__ import annotations

from typing import Any

from _throughput.base import Variant, make_timer
from _throughput.models import build_models, step_flops


class Trainer(Variant):
    """`GANTrainer` with chosen compile options and input."""

    jit: Any = None  # None: the compile() default
    spe_on = False
    fixed_spe: int | None = None  # an explicit steps_per_execution other than --spe
    batch_hook = False  # add a callback with a per-batch hook (keeps one step per execution)
    source = "array"  # "array", "tfdata" or "device"

    def setup(self) -> None:
        import tensorflow as tf

        from ganlib import GANTrainer, data, losses, optimizers

        self.g, self.d = build_models(self.family, sigmoid_d=False)
        self.flops = step_flops(self.g, self.d, self.batch)
        self.trainer = GANTrainer(self.g, self.d, loss=losses.NonSaturating(real_label=0.9), seed=0)
        kwargs: dict[str, Any] = {}
        if self.jit is not None:
            kwargs["jit_compile"] = self.jit
        if self.spe_on:
            kwargs["steps_per_execution"] = self.spe
        if self.fixed_spe is not None:
            kwargs["steps_per_execution"] = self.fixed_spe
        self.trainer.compile(*optimizers.dcgan(), **kwargs)
        self.per_call = int(getattr(self.trainer, "steps_per_execution", 1) or 1)
        if "steps_per_execution" not in kwargs:  # fit picks it (up to 10, dividing the steps)
            self.per_call = 10
        if self.source == "tfdata":
            self.data: Any = (
                tf.data.Dataset.from_tensor_slices(self.x)
                .cache()
                .shuffle(len(self.x), seed=0, reshuffle_each_iteration=True)
                .repeat()
                .batch(self.batch, drop_remainder=True)
                .prefetch(tf.data.AUTOTUNE)
            )
        elif self.source == "device":
            self.data = data.DeviceData(self.x, batch_size=self.batch, seed=0)
        else:
            self.data = self.x

    def _fit(self, steps: int) -> Any:
        import keras

        timer = make_timer()
        kwargs: dict[str, Any] = {"batch_size": self.batch} if self.source == "array" else {}
        if self.source == "array" and steps * self.batch > len(self.x):
            # Keras would stop at the end of the array and time executions that did nothing.
            raise SystemExit(
                f"{self.name}: {steps} steps of batch {self.batch} need {steps * self.batch} "
                f"rows, the data has {len(self.x)}; use fewer --steps or a larger data set"
            )
        callbacks = [timer]
        if self.batch_hook:
            hook = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
            callbacks.append(hook)
        self.trainer.fit(
            self.data, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=callbacks, **kwargs
        )
        self.per_call = int(self.trainer.steps_per_execution)  # fit may pick it
        return timer

    def first_step(self) -> None:
        self._fit(self.per_call)

    def timed(self, steps: int) -> float:
        # One extra execution first: iterator creation is not counted.
        executions = max(1, -(-steps // self.per_call))
        timer = self._fit((executions + 1) * self.per_call)
        assert timer.first is not None
        return (timer.end - timer.first) * steps / (executions * self.per_call)


class Defaults(Trainer):
    name = "defaults"
    describe = "`GANTrainer` with `compile()` defaults, `fit(numpy array, batch_size=128)`"


class DefaultsHooked(Trainer):
    name, batch_hook = "defaults_hooked", True
    describe = "the defaults with a callback that hooks every batch (one step per execution)"


class DefaultsNoXla(Trainer):
    name, jit = "defaults_noxla", False
    describe = "the defaults with `jit_compile=False` (XLA off, automatic steps_per_execution)"


class KerasDefaults(Trainer):
    name, jit, fixed_spe = "keras_defaults", False, 1
    describe = "`compile(jit_compile=False, steps_per_execution=1)`: the defaults before issue 14"


class Jit(Trainer):
    name, jit = "jit", True
    describe = "`compile(jit_compile=True)`, numpy input"


class Spe(Trainer):
    name, spe_on = "spe", True
    describe = "`compile(steps_per_execution=N)`, numpy input"


class JitSpe(Trainer):
    name, jit, spe_on = "jit_spe", True, True
    describe = "`compile(jit_compile=True, steps_per_execution=N)`, numpy input"


class Pipeline(Trainer):
    name, source = "data", "tfdata"
    describe = "defaults fed by a cached, shuffled, prefetched `tf.data` pipeline"


class SpeData(Trainer):
    name, spe_on, source = "spe_data", True, "tfdata"
    describe = "`steps_per_execution=N` fed by the `tf.data` pipeline"


class Fastest(Trainer):
    name, jit, spe_on, source = "fastest_tfdata", True, True, "tfdata"
    describe = "`jit_compile=True, steps_per_execution=N`, `tf.data` pipeline"


class Device(Trainer):
    name, source = "device", "device"
    describe = "`compile()` defaults, `fit(ganlib.data.DeviceData(x, batch_size=128))`"


class DeviceFastest(Trainer):
    name, jit, spe_on, source = "fastest", True, True, "device"
    describe = "`jit_compile=True, steps_per_execution=N`, `fit(DeviceData(...))`"


class DeviceNoXla(Trainer):
    name, jit, spe_on, source = "device_spe", False, True, "device"
    describe = "`jit_compile=False, steps_per_execution=N`, `fit(DeviceData(...))`"


TRAINER_VARIANTS = (
    Defaults,
    DefaultsHooked,
    DefaultsNoXla,
    KerasDefaults,
    Jit,
    Spe,
    JitSpe,
    Pipeline,
    SpeData,
    Fastest,
    Device,
    DeviceFastest,
    DeviceNoXla,
)
