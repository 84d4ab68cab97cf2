"""Builder base classes: a ``build()`` that calls small named hooks.

A builder holds the settings of an architecture; ``build()`` assembles a
functional ``keras.Model`` from five hooks, each one small enough to override
alone::

    inputs()  ->  stem(...)  ->  body(x)  ->  head(...)
                                 (calls block(x, width, index) per entry of widths())
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import keras

from ganlib.models import layers as L
from ganlib.models._checks import (  # noqa: F401  (re-exported for the families)
    _activation,
    _choice,
    _fraction,
    _num_classes,
    _positive_int,
    _shape,
    _slope,
    _units,
)
from ganlib.models.minibatch import MinibatchStdDev
from ganlib.models.packing import check_pack, packed_shape

__all__ = ["DiscriminatorBuilder", "GeneratorBuilder"]

Tensor = Any  # a symbolic ``keras.KerasTensor``

CONDITIONING_MODES = ("concat", "projection")


def _float32_output(x: Tensor) -> Tensor:
    """Cast a model output to float32 under a mixed precision policy (no-op otherwise).

    Samples and logits stay float32 so losses and metrics are computed at full precision.
    """
    if keras.backend.standardize_dtype(x.dtype) == "float32":
        return x
    return keras.layers.Activation("linear", dtype="float32", name="output_float32")(x)


# --- base classes ------------------------------------------------------------------------


class _Builder:
    registered_name: ClassVar[str] = ""

    def widths(self) -> Sequence[int]:
        """Width (units or filters) of each block, in order; ``body`` calls one block per entry."""
        raise NotImplementedError(f"{type(self).__name__} must implement widths()")

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """One repeated unit of the body (e.g. Dense + LeakyReLU + BatchNorm)."""
        raise NotImplementedError(f"{type(self).__name__} must implement block()")

    def body(self, x: Tensor) -> Tensor:
        """Apply ``block(x, width, index)`` for each entry of ``widths()``."""
        for index, width in enumerate(self.widths()):
            x = self.block(x, width, index)
        return x

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        """Rebuild a builder from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return (
            type(self) is type(other)
            and isinstance(other, _Builder)
            and self.get_config() == other.get_config()
        )

    __hash__ = None  # type: ignore[assignment]


class GeneratorBuilder(_Builder):
    """Base class of generator builders: latent ``z`` [and labels] -> images.

    Subclasses implement ``widths``, ``block`` and ``head`` (and may override
    ``stem``). The built model takes ``z`` of shape ``(batch, latent_dim)``, or
    ``[z, labels]`` with int labels ``(batch,)`` when ``num_classes`` is set, and
    returns ``(batch, *output_shape)``, squashed to [-1, 1] by the default tanh.

    Example:
        >>> import keras
        >>> from ganlib.models import GeneratorBuilder
        >>> class Tiny(GeneratorBuilder):
        ...     def widths(self):
        ...         return (16,)
        ...     def block(self, x, width, index):
        ...         return keras.layers.Dense(width, activation="relu")(x)
        ...     def head(self, x):
        ...         return keras.layers.Dense(2, activation=self.output_activation)(x)
        >>> Tiny(latent_dim=8, output_shape=(2,)).build().output_shape
        (None, 2)
    """

    def __init__(
        self,
        latent_dim: int = 100,
        output_shape: Sequence[int] = (28, 28, 1),
        *,
        num_classes: int | None = None,
        embedding_dim: int = 50,
        output_activation: str | None = "tanh",
        name: str | None = None,
    ) -> None:
        self.latent_dim = _positive_int(latent_dim, "latent_dim")
        self.output_shape = _shape(output_shape, "output_shape")
        self.num_classes = _num_classes(num_classes)
        self.embedding_dim = _positive_int(embedding_dim, "embedding_dim")
        self.output_activation = _activation(output_activation, "output_activation")
        self.name = name or self.registered_name or "generator"

    @property
    def conditional(self) -> bool:
        """True when the model takes class labels (``num_classes`` set)."""
        return self.num_classes is not None

    def inputs(self) -> list[Tensor]:
        """Create the model inputs: ``[z]`` or ``[z, labels]``."""
        z = keras.Input(shape=(self.latent_dim,), name="latent")
        if not self.conditional:
            return [z]
        return [z, keras.Input(shape=(), dtype="int32", name="labels")]

    def stem(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        """Join the inputs: ``z``, or ``concat(z, embedding(labels))`` when conditional."""
        if labels is None:
            return z
        assert self.num_classes is not None
        embedded = L.label_embedding(
            labels, self.num_classes, self.embedding_dim, name="label_embedding"
        )
        return keras.layers.Concatenate(name="latent_and_label")([z, embedded])

    def head(self, x: Tensor) -> Tensor:
        """Map body features to the output image (activation ``output_activation``)."""
        raise NotImplementedError(f"{type(self).__name__} must implement head()")

    def build(self) -> keras.Model:
        """Assemble ``inputs -> stem -> body -> head`` into a functional ``keras.Model``."""
        inputs = self.inputs()
        x = self.stem(*inputs)
        x = self.body(x)
        outputs = _float32_output(self.head(x))
        return keras.Model(inputs if self.conditional else inputs[0], outputs, name=self.name)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            "latent_dim": self.latent_dim,
            "output_shape": list(self.output_shape),
            "num_classes": self.num_classes,
            "embedding_dim": self.embedding_dim,
            "output_activation": self.output_activation,
            "name": self.name,
        }


class DiscriminatorBuilder(_Builder):
    """Base class of discriminator builders: images [and labels] -> one logit per sample.

    Subclasses implement ``widths`` and ``block`` (and usually ``stem``). The
    built model takes images ``(batch, *input_shape)``, or ``[images, labels]``
    when ``num_classes`` is set, and returns ``(batch, 1)`` logits (probabilities
    with ``output_activation="sigmoid"``).

    Conditioning (when ``num_classes`` is set):

    - ``"concat"``: the label is embedded and joined to the input in ``stem``
      (a vector concatenated to the flattened input for MLPs, an extra
      image-sized channel for convolutional families);
    - ``"projection"``: ``logit = psi(phi(x)) + <embed(y), phi(x)>`` in ``head``,
      with ``phi(x)`` the flattened body features (Miyato & Koyama 2018,
      arXiv:1802.05637).

    ``pack=m`` builds it for packed inputs ``packed_shape(input_shape, m)`` (PacGAN; see
    ``ganlib.models.packing``); ``minibatch_stddev=True`` inserts a `MinibatchStdDev` layer
    at the start of ``head`` (ProGAN).

    Example:
        >>> import keras
        >>> from ganlib.models import DiscriminatorBuilder
        >>> class Tiny(DiscriminatorBuilder):
        ...     def widths(self):
        ...         return (16,)
        ...     def block(self, x, width, index):
        ...         return keras.layers.Dense(width, activation="relu")(x)
        >>> Tiny(input_shape=(2,)).build().output_shape
        (None, 1)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        *,
        num_classes: int | None = None,
        conditioning: str = "concat",
        embedding_dim: int = 50,
        output_activation: str | None = None,
        spectral_norm: bool = False,
        pack: int = 1,
        minibatch_stddev: bool = False,
        name: str | None = None,
    ) -> None:
        self.input_shape = _shape(input_shape, "input_shape")
        self.num_classes = _num_classes(num_classes)
        self.pack = check_pack(pack, self.num_classes)
        self.minibatch_stddev = bool(minibatch_stddev)
        self.conditioning = _choice(conditioning, "conditioning", CONDITIONING_MODES)
        self.embedding_dim = _positive_int(embedding_dim, "embedding_dim")
        self.output_activation = _activation(output_activation, "output_activation")
        self.spectral_norm = bool(spectral_norm)
        self.name = name or self.registered_name or "discriminator"

    @property
    def conditional(self) -> bool:
        """True when the model takes class labels (``num_classes`` set)."""
        return self.num_classes is not None

    def inputs(self) -> list[Tensor]:
        """Create the model inputs: ``[images]`` or ``[images, labels]``."""
        images = keras.Input(shape=packed_shape(self.input_shape, self.pack), name="images")
        if not self.conditional:
            return [images]
        return [images, keras.Input(shape=(), dtype="int32", name="labels")]

    def stem(self, images: Tensor, labels: Tensor | None = None) -> Tensor:
        """Prepare the input for the body; the base version flattens it.

        With ``conditioning="concat"`` the label embedding is concatenated to the
        flattened input.
        """
        x = keras.layers.Flatten(name="flatten")(images)
        if labels is None or self.conditioning != "concat":
            return x
        assert self.num_classes is not None
        embedded = L.label_embedding(
            labels, self.num_classes, self.embedding_dim, name="label_embedding"
        )
        return keras.layers.Concatenate(name="input_and_label")([x, embedded])

    def head(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        """Features -> one logit per sample (plus the projection term when asked).

        ``phi = flatten(x)``; ``logit = Dense(1)(phi)``; with projection
        conditioning ``logit += <Embedding(num_classes, dim(phi))(y), phi>``.
        """
        if self.minibatch_stddev:
            x = MinibatchStdDev(name="minibatch_stddev")(x)
        if len(x.shape) > 2:
            x = keras.layers.Flatten(name="features")(x)
        logit = self._logit(x, labels)
        if self.output_activation is not None:
            logit = keras.layers.Activation(self.output_activation, name="probability")(logit)
        return logit

    def _logit(self, phi: Tensor, labels: Tensor | None) -> Tensor:
        """``Dense(1)(phi)``, plus ``<Embedding(num_classes, dim(phi))(y), phi>`` with
        projection conditioning (shared with ``auxiliary_head_discriminator``)."""
        logit = L.dense(1, spectral_norm=self.spectral_norm, name="logit")(phi)
        if labels is not None and self.conditioning == "projection":
            assert self.num_classes is not None
            embedded = L.label_embedding(
                labels, self.num_classes, int(phi.shape[-1]), name="projection_embedding"
            )
            inner = keras.layers.Dot(axes=1, name="projection")([phi, embedded])
            logit = keras.layers.Add(name="projected_logit")([logit, inner])
        return logit

    def build(self) -> keras.Model:
        """Assemble ``inputs -> stem -> body -> head`` into a functional ``keras.Model``."""
        inputs = self.inputs()
        labels = inputs[1] if self.conditional else None
        x = self.stem(inputs[0], labels)
        x = self.body(x)
        outputs = _float32_output(self.head(x, labels))
        return keras.Model(inputs if self.conditional else inputs[0], outputs, name=self.name)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            "input_shape": list(self.input_shape),
            "num_classes": self.num_classes,
            "conditioning": self.conditioning,
            "embedding_dim": self.embedding_dim,
            "output_activation": self.output_activation,
            "spectral_norm": self.spectral_norm,
            "pack": self.pack,
            "minibatch_stddev": self.minibatch_stddev,
            "name": self.name,
        }
