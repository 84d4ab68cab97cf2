"""One Registry class behind losses, penalties, model builders and optimizer presets."""

from __future__ import annotations

import pytest

from ganlib import losses, models, optimizers
from ganlib.losses.registry import LOSSES, PENALTIES
from ganlib.models.registry import BUILDERS
from ganlib.optimizers import PRESET_FUNCTIONS
from ganlib.registry import Registry, normalize_name


def test_one_name_rule_for_every_registry() -> None:
    for spelling in ("Non-Saturating", "non_saturating", "NONSATURATING", "ns"):
        assert type(losses.get(spelling)) is losses.NonSaturating
    for spelling in ("mlp_generator", "MLP-Generator", "mlpgenerator"):
        assert type(models.get(spelling, latent_dim=4)) is models.MLPGenerator
    for spelling in ("wgan_gp", "WGAN-GP", "wgangp"):
        assert optimizers.get(spelling)[0].beta_1 == 0.0
    assert type(losses.get_penalty("R1-Penalty")) is losses.R1Penalty
    assert normalize_name(" Wgan_GP ".strip()) == "wgangp"


def test_the_four_tables_are_registries_and_list_canonical_names() -> None:
    for table in (LOSSES, PENALTIES, BUILDERS, PRESET_FUNCTIONS):
        assert isinstance(table, Registry)
    assert "non_saturating" in LOSSES.names() and "ns" not in LOSSES.names()
    assert PRESET_FUNCTIONS.names() == sorted(optimizers.PRESETS)
    assert "mlp_generator" in models.available()


def test_get_serialize_round_trip_and_clear_errors() -> None:
    loss = losses.NonSaturating(real_label=0.9)
    assert losses.get(losses.serialize(loss)) == loss
    spec = models.serialize(models.MLPGenerator(latent_dim=4))
    assert models.from_config(spec).latent_dim == 4
    with pytest.raises(ValueError, match=r"Unknown loss 'nope'; known: .*hinge"):
        losses.get("nope")
    with pytest.raises(ValueError, match=r"Unknown builder 'nope'"):
        models.get("nope")
    with pytest.raises(ValueError, match=r"Unknown optimizer preset 'nope'"):
        optimizers.get("nope")
    with pytest.raises(TypeError, match="identifier"):
        losses.get(3)  # type: ignore[arg-type]


def test_a_name_taken_by_another_entry_is_refused_and_nothing_half_registered() -> None:
    table: Registry[type] = Registry("thing")

    class A:
        pass

    class B:
        pass

    table.register(A, "first", aliases=("shared",))
    with pytest.raises(ValueError, match="already registered as 'shared'"):
        table.register(B, "second", aliases=("shared",))
    assert "second" not in table
    assert table.register("third")(B) is B and table.lookup("Third") is B
    with pytest.raises(ValueError, match="registered"):
        table.serialize(object())


def test_the_command_line_choices_are_the_registries_names() -> None:
    """The parser keeps literal tuples (it must not import TensorFlow); they match the tables."""
    from ganlib.cli.parser import ARCHS, PRESETS

    assert sorted(PRESETS) == PRESET_FUNCTIONS.names()
    for arch in ARCHS:  # each --arch names a generator and a discriminator builder
        assert {f"{arch}_generator", f"{arch}_discriminator"} <= set(models.available())


def test_temporary_undoes_registrations_even_after_an_error() -> None:
    table: Registry[type] = Registry("thing")

    class Kept:
        pass

    class Passing:
        pass

    table.register(Kept, "kept")
    with pytest.raises(RuntimeError), table.temporary() as same:
        assert same is table
        table.register(Passing, "passing", aliases=("brief",))
        assert table.names() == ["kept", "passing"]
        raise RuntimeError("the block fails")
    assert table.names() == ["kept"] and "brief" not in table
    with pytest.raises(ValueError, match="is not a registered thing"):
        table.canonical_name(Passing)
    assert table.register(Passing, "passing") is Passing  # the name is free again
